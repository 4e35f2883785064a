/**
 * DescribeTransactions and ListTransactions against the reference broker and Apache Kafka 4.4.0
 * with the same transactions (one Empty, one Ongoing over two partitions, one committed): Kafka's
 * own `kafka-transactions.sh list` / `describe` print the same once ids and times are replaced,
 * and the raw answers (filters by state, producer id, duration and id pattern, unknown ids,
 * the empty id, unknown state names) are equal; so are DescribeProducers and
 * `kafka-transactions.sh describe-producers` for the partitions the transactions wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import {
  LATEST_KAFKA_VERSION,
  resolveKafka,
  runKafkaClass,
  startKafkaNode,
  type KafkaDist,
  type StartedKafka,
} from '../../harness/kafka-dist/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';

const TOPIC = 'txn-admin';
const EMPTY = 'admin-empty';
const ONGOING = 'admin-ongoing';
const COMMITTED = 'admin-committed';

let kafka: StartedKafka;
let reference: RunningBroker;
let dist: KafkaDist;
const seen = new Map<string, Observed>();

interface Observed {
  /** Producer id → the transactional id that holds it (to name ids in output). */
  producerIds: Map<string, string>;
  raw: Record<string, unknown>;
  cli: Record<string, string[]>;
}

async function until<T>(f: () => Promise<T>, done: (t: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 300; i++) {
    last = await f();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

/** Opens the three transactions on one broker and returns each id's producer id. */
async function openTransactions(c: RawClient): Promise<Map<string, string>> {
  await c.request(ApiKey.CreateTopics, 7, createTopicBody(TOPIC, { partitions: 2 }));
  const producerIds = new Map<string, string>();
  for (const id of [EMPTY, ONGOING, COMMITTED]) {
    await until(
      () => c.request(ApiKey.FindCoordinator, 3, { key: id, keyType: 1, coordinatorKeys: [] }),
      (r) => r.errorCode === 0,
      'FindCoordinator',
    );
    const init = await until(
      () =>
        c.request(ApiKey.InitProducerId, 3, {
          transactionalId: id,
          transactionTimeoutMs: id === ONGOING ? 600_000 : 60_000,
          producerId: -1n,
          producerEpoch: -1,
          enable2Pc: false,
          keepPreparedTxn: false,
        }),
      (r) => r.errorCode === 0,
      'InitProducerId',
    );
    producerIds.set(String(init.producerId), id);
    if (id === EMPTY) continue;
    const added = await until(
      () =>
        c.request(ApiKey.AddPartitionsToTxn, 3, {
          transactions: [],
          v3AndBelowTransactionalId: id,
          v3AndBelowProducerId: init.producerId,
          v3AndBelowProducerEpoch: init.producerEpoch,
          v3AndBelowTopics: [{ name: TOPIC, partitions: [0, 1] }],
        }),
      (r) => r.resultsByTopicV3AndBelow.every((t) => t.resultsByPartition.every((p) => p.partitionErrorCode === 0)),
      'AddPartitionsToTxn',
    );
    expect(added.resultsByTopicV3AndBelow).toHaveLength(1);
    for (const partition of [0, 1]) {
      const batch = buildRecordBatch([{ value: `${id}-${partition}` }], {
        producerId: Number(init.producerId),
        producerEpoch: init.producerEpoch,
        baseSequence: 0,
        transactional: true,
      });
      const r = await c.request(ApiKey.Produce, 9, {
        ...produceBody(TOPIC, batch, { partition }),
        transactionalId: id,
      });
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    if (id === COMMITTED) {
      const end = await c.request(ApiKey.EndTxn, 3, {
        transactionalId: id,
        producerId: init.producerId,
        producerEpoch: init.producerEpoch,
        committed: true,
      });
      expect(end.errorCode).toBe(0);
      await until(
        () => c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [id] }),
        (r) => r.transactionStates[0]!.transactionState === 'CompleteCommit',
        'CompleteCommit',
      );
    }
  }
  return producerIds;
}

/** Replaces producer ids by the id that holds them, times by their kind, and sorts what Kafka leaves unordered. */
function normalise(value: unknown, producerIds: Map<string, string>): unknown {
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v));
  // a reviver runs bottom-up, so arrays are sorted after their elements are normalised
  return JSON.parse(text, (key, v) => {
    // an error entry carries the spec's defaults (producer id 0), which is no one's producer id
    if (v && typeof v === 'object' && 'producerId' in v && !v.errorCode)
      return { ...v, producerId: producerIds.get(String(v.producerId)) ?? v.producerId };
    if (key === 'transactionStartTimeMs' || key === 'lastTimestamp') return Number(v) > 0 ? 'a time' : Number(v);
    if (key === 'throttleTimeMs') return 0;
    if (key === 'partitions' && Array.isArray(v)) return [...v].sort();
    // ListTransactions' entries (no error code) come in hash order; DescribeTransactions answers in request order
    const listed = key === 'transactionStates' && Array.isArray(v) && v.every((t) => !('errorCode' in t));
    if ((listed || key === 'topics' || key === 'activeProducers') && Array.isArray(v))
      return [...v].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return v;
  });
}

async function rawAnswers(c: RawClient, producerIds: Map<string, string>): Promise<Record<string, unknown>> {
  const list = (v: number, f: { states?: string[]; pids?: bigint[]; duration?: bigint; pattern?: string | null }) =>
    c.request(ApiKey.ListTransactions, v, {
      stateFilters: f.states ?? [],
      producerIdFilters: f.pids ?? [],
      durationFilter: f.duration ?? -1n,
      transactionalIdPattern: f.pattern ?? null,
    });
  const pidOf = (id: string) => BigInt([...producerIds].find(([, t]) => t === id)![0]);
  const out: Record<string, unknown> = {
    listAll: await list(0, {}),
    listOngoing: await list(0, { states: ['Ongoing', 'NoSuchState', 'PrepareEpochFence'] }),
    listByProducer: await list(1, { pids: [pidOf(EMPTY), pidOf(COMMITTED), 123_456_789n] }),
    listLongRunning: await list(1, { duration: 3_600_000n }),
    listPattern: await list(2, { pattern: 'admin-.*ing' }),
    listPatternPart: await list(2, { pattern: 'admin' }),
    listPatternEmpty: await list(2, { pattern: '' }),
    listPatternInvalid: await list(2, { pattern: '(' }),
    listStatesUnknownCase: await list(0, { states: ['ongoing', 'Dead'] }),
    describe: await c.request(ApiKey.DescribeTransactions, 0, {
      transactionalIds: [EMPTY, ONGOING, COMMITTED, 'admin-unknown', ''],
    }),
    producers: await c.request(ApiKey.DescribeProducers, 0, {
      topics: [
        { name: TOPIC, partitionIndexes: [0, 1, 7] },
        { name: 'admin-no-such-topic', partitionIndexes: [0, 1] },
        { name: '..', partitionIndexes: [0] },
      ],
    }),
  };
  return normalise(out, producerIds) as Record<string, unknown>;
}

/** Runs `kafka-transactions.sh` (TransactionsCommand) and returns its stdout lines, stderr's last line on failure. */
async function transactionsTool(bootstrap: string, args: string[]): Promise<string[]> {
  const r = await runKafkaClass(
    dist,
    'org.apache.kafka.tools.TransactionsCommand',
    ['--bootstrap-server', bootstrap, ...args],
    {
      timeoutMs: 120_000,
    },
  );
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  return r.code === 0 ? lines : [...lines, `exit ${r.code}: ${r.stderr.trim().split('\n').at(-1)}`];
}

/** Splits the tool's table into cells and replaces node ids, producer ids and times. */
function normaliseTable(lines: string[], producerIds: Map<string, string>): string[] {
  const [header, ...rows] = lines.map((l) => l.trim().split(/\s+/));
  if (!header) return [];
  const col = (name: string) => header.indexOf(name);
  const cleaned = rows.map((cells) =>
    cells.map((cell, i) => {
      const name = header[i];
      if (name === 'Coordinator' || name === 'CoordinatorId') return 'node';
      if (name === 'ProducerId') return producerIds.get(cell) ?? cell;
      // the coordinator keeps a transaction's partitions in a hash set
      if (name === 'TopicPartitions') return cell.split(',').sort().join(',');
      if (name === 'CurrentTransactionStartTimeMs' || name === 'TransactionDurationMs' || name === 'LastTimestamp')
        return /^\d+$/.test(cell) ? 'n' : cell;
      return cell;
    }),
  );
  if (col('TransactionalId') >= 0 || col('ProducerId') >= 0)
    cleaned.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
  return [header.join(' '), ...cleaned.map((c) => c.join(' '))];
}

async function observe(bootstrap: string): Promise<Observed> {
  const c = await RawClient.connect(bootstrap);
  try {
    const producerIds = await openTransactions(c);
    const raw = await rawAnswers(c, producerIds);
    const cli: Record<string, string[]> = {};
    const tool = async (name: string, args: string[]) => {
      cli[name] = normaliseTable(await transactionsTool(bootstrap, args), producerIds);
    };
    await tool('list', ['list']);
    await tool('describeOngoing', ['describe', '--transactional-id', ONGOING]);
    await tool('describeCommitted', ['describe', '--transactional-id', COMMITTED]);
    await tool('describeEmpty', ['describe', '--transactional-id', EMPTY]);
    await tool('describeProducers', ['describe-producers', '--topic', TOPIC, '--partition', '1']);
    return { producerIds, raw, cli };
  } finally {
    c.close();
  }
}

beforeAll(async () => {
  [kafka, reference, dist] = await Promise.all([
    startKafkaNode({ version: LATEST_KAFKA_VERSION }),
    startTestBroker(),
    resolveKafka(LATEST_KAFKA_VERSION),
  ]);
  const [k, r] = await Promise.all([observe(kafka.bootstrap), observe(reference.bootstrap)]);
  seen.set('kafka', k);
  seen.set('reference', r);
}, 400_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

describe(`DescribeTransactions and ListTransactions: reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('kafka-transactions.sh list prints the same transactions', () => {
    const k = seen.get('kafka')!.cli.list;
    expect(k).toEqual([
      'TransactionalId Coordinator ProducerId TransactionState',
      `${COMMITTED} node ${COMMITTED} CompleteCommit`,
      `${EMPTY} node ${EMPTY} Empty`,
      `${ONGOING} node ${ONGOING} Ongoing`,
    ]);
    expect(seen.get('reference')!.cli.list).toEqual(k);
  });

  it('kafka-transactions.sh describe prints the same for an ongoing, a committed and an empty transaction', () => {
    const k = seen.get('kafka')!.cli;
    expect(k.describeOngoing!.join('\n')).toContain(`${TOPIC}-0`);
    for (const name of ['describeOngoing', 'describeCommitted', 'describeEmpty'])
      expect(seen.get('reference')!.cli[name], name).toEqual(k[name]);
  });

  it('kafka-transactions.sh describe-producers prints the same producers of a partition', () => {
    const k = seen.get('kafka')!.cli.describeProducers!;
    // the ongoing and the committed transaction's producers wrote to partition 1
    expect(k).toHaveLength(3);
    expect(k[0]).toMatch(/^ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp/);
    expect(seen.get('reference')!.cli.describeProducers).toEqual(k);
  });

  it('the raw answers are equal, filters and errors included', () => {
    const k = seen.get('kafka')!.raw;
    expect((k.describe as { transactionStates: unknown[] }).transactionStates).toHaveLength(5);
    expect(seen.get('reference')!.raw).toEqual(k);
  });
});
