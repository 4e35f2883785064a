/**
 * The transactional APIs request by request against the reference broker and Apache Kafka 4.4.0:
 * the same sequence (FindCoordinator, InitProducerId, AddPartitionsToTxn, Produce, EndTxn,
 * AddOffsetsToTxn, TxnOffsetCommit, OffsetFetch require_stable, Fetch read_committed, ListOffsets
 * at the last stable offset, fencing, the coordinator's timeout abort) and the answers compared
 * after dropping what legitimately differs (producer ids, node ids, timestamps).
 * A client of transaction version 1 (the request versions kafkajs and pre-4.0 Java clients use).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicBody, fetchBody, listOffsetsBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';

/** How often the coordinators look for expired transactions here (Kafka's default is 10 s). */
const ABORT_INTERVAL_MS = 500;

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([
    startKafkaNode({
      version: LATEST_KAFKA_VERSION,
      serverProperties: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': ABORT_INTERVAL_MS },
    }),
    startTestBroker({ transactionAbortTimedOutIntervalMs: ABORT_INTERVAL_MS }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

/** Calls `f` until `done` holds for its answer (retriable errors while a coordinator or topic comes up). */
async function until<T>(f: () => Promise<T>, done: (t: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await f();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

function txnBatch(producerId: bigint, epoch: number, seq: number, values: string[]): Buffer {
  return buildRecordBatch(
    values.map((value) => ({ value })),
    { producerId: Number(producerId), producerEpoch: epoch, baseSequence: seq, transactional: true },
  );
}

/** Runs the sequence against one broker and returns what a client observes. */
async function observe(bootstrap: string): Promise<Record<string, unknown>> {
  const c = await RawClient.connect(bootstrap);
  const seen: Record<string, unknown> = {};
  try {
    const topic = 'txn-raw';
    await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic, { partitions: 2 }));
    const txnId = 'raw-txn';
    const coordinator = await until(
      () => c.request(ApiKey.FindCoordinator, 3, { key: txnId, keyType: 1, coordinatorKeys: [] }),
      (r) => r.errorCode === 0,
      'FindCoordinator',
    );
    seen.findCoordinator = coordinator.errorCode;
    const init = (timeoutMs = 60_000, v = 3) =>
      c.request(ApiKey.InitProducerId, v, {
        transactionalId: txnId,
        transactionTimeoutMs: timeoutMs,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      });
    const first = await until(
      () => init(),
      (r) => r.errorCode === 0,
      'InitProducerId',
    );
    const second = await init();
    const pid = second.producerId;
    seen.init = [
      first.errorCode,
      first.producerEpoch,
      second.errorCode,
      second.producerEpoch,
      second.producerId === first.producerId,
    ];
    const epoch = second.producerEpoch;
    seen.initBadTimeout = (await init(0)).errorCode;

    const add = (v: number, e: number, partitions: number[], t = topic) =>
      c.request(ApiKey.AddPartitionsToTxn, v, {
        transactions: [],
        v3AndBelowTransactionalId: txnId,
        v3AndBelowProducerId: pid,
        v3AndBelowProducerEpoch: e,
        v3AndBelowTopics: [{ name: t, partitions }],
      });
    // after an EndTxn the markers are written after the answer: the next AddPartitionsToTxn may
    // meet PrepareCommit/PrepareAbort and hear CONCURRENT_TRANSACTIONS, which clients retry
    const addRetried = (e: number, partitions: number[]) =>
      until(
        () => add(3, e, partitions),
        (r) => r.resultsByTopicV3AndBelow.every((t) => t.resultsByPartition.every((p) => p.partitionErrorCode !== 51)),
        'AddPartitionsToTxn',
      );
    const codes = (r: Awaited<ReturnType<typeof add>>) =>
      r.resultsByTopicV3AndBelow.flatMap((t) =>
        t.resultsByPartition.map((p) => [t.name, p.partitionIndex, p.partitionErrorCode]),
      );
    seen.addFencedV1 = codes(await add(1, epoch - 1, [0]));
    seen.addFencedV3 = codes(await add(3, epoch - 1, [0]));
    seen.addUnknown = codes(
      await c.request(ApiKey.AddPartitionsToTxn, 3, {
        transactions: [],
        v3AndBelowTransactionalId: txnId,
        v3AndBelowProducerId: pid,
        v3AndBelowProducerEpoch: epoch,
        v3AndBelowTopics: [
          { name: topic, partitions: [0] },
          { name: 'no-such-topic', partitions: [0] },
        ],
      }),
    );
    const end = (commit: boolean, e = epoch, v = 3) =>
      c.request(ApiKey.EndTxn, v, { transactionalId: txnId, producerId: pid, producerEpoch: e, committed: commit });
    seen.endWhileEmpty = (await end(true)).errorCode;

    const produce = (partition: number, e: number, seq: number, values: string[]) =>
      c.request(ApiKey.Produce, 9, {
        ...produceBody(topic, txnBatch(pid, e, seq, values), { partition }),
        transactionalId: txnId,
      });
    const produced = async (partition: number, e: number, seq: number, values: string[]) => {
      const p = (await produce(partition, e, seq, values)).responses[0]!.partitionResponses[0]!;
      return [p.errorCode, Number(p.baseOffset)];
    };
    // a partition not added to the transaction (KIP-890 part 1 verification)
    seen.produceNotAdded = (await produce(0, epoch, 0, ['x'])).responses[0]!.partitionResponses[0]!.errorCode;

    // transaction 1: both partitions, committed
    seen.add1 = codes(await add(3, epoch, [0, 1]));
    seen.addAgain = codes(await add(3, epoch, [0]));
    seen.produce1 = [await produced(0, epoch, 0, ['c1', 'c2']), await produced(1, epoch, 0, ['c3'])];
    const lo = async (isolationLevel: number, partition = 0) =>
      Number(
        (await c.request(ApiKey.ListOffsets, 5, { ...listOffsetsBody(topic, -1n, partition), isolationLevel }))
          .topics[0]!.partitions[0]!.offset,
      );
    seen.listOffsetsOpen = [await lo(0), await lo(1)];
    seen.commit1 = (await end(true)).errorCode;
    await until(
      () => lo(1),
      (o) => o === 3,
      'LSO after commit',
    );
    seen.listOffsetsCommitted = [await lo(0), await lo(1)];

    // transaction 2: aborted, with offsets committed for a group
    seen.add2 = codes(await addRetried(epoch, [0]));
    seen.produce2 = [await produced(0, epoch, 2, ['a1'])];
    const group = 'raw-txn-group';
    // as a client does before it sends offsets: the group's coordinator (creates __consumer_offsets)
    await until(
      () => c.request(ApiKey.FindCoordinator, 3, { key: group, keyType: 0, coordinatorKeys: [] }),
      (r) => r.errorCode === 0,
      'FindCoordinator (group)',
    );
    seen.addOffsets = (
      await c.request(ApiKey.AddOffsetsToTxn, 3, {
        transactionalId: txnId,
        producerId: pid,
        producerEpoch: epoch,
        groupId: group,
      })
    ).errorCode;
    const txnCommit = (offset: bigint) =>
      c.request(ApiKey.TxnOffsetCommit, 3, {
        transactionalId: txnId,
        groupId: group,
        producerId: pid,
        producerEpoch: epoch,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: topic,
            partitions: [
              { partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' },
            ],
          },
        ],
      });
    // Kafka's group coordinator may still be loading the new __consumer_offsets partition, or (under
    // load) not yet lead it: COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR
    // are retriable (a flake on kafka@4.4.0 answered NOT_COORDINATOR once)
    const loading = (r: Awaited<ReturnType<typeof txnCommit>>) =>
      r.topics.some((t) => t.partitions.some((p) => p.errorCode === 14 || p.errorCode === 15 || p.errorCode === 16));
    seen.txnOffsetCommit = (
      await until(
        () => txnCommit(7n),
        (r) => !loading(r),
        'TxnOffsetCommit',
      )
    ).topics.map((t) => t.partitions.map((p) => p.errorCode));
    const offsetFetch = async (requireStable: boolean) => {
      const r = await c.request(ApiKey.OffsetFetch, 7, {
        groupId: group,
        topics: [{ name: topic, partitionIndexes: [0] }],
        groups: [],
        requireStable,
      });
      const p = r.topics[0]?.partitions[0];
      return [r.errorCode, p?.errorCode ?? null, p ? Number(p.committedOffset) : null];
    };
    seen.offsetFetchPending = [await offsetFetch(false), await offsetFetch(true)];
    seen.abort2 = (await end(false)).errorCode;
    await until(
      () => lo(0),
      (o) => o === 5,
      'LSO after abort',
    );
    seen.offsetFetchAborted = [await offsetFetch(false), await offsetFetch(true)];

    // transaction 3: offsets committed
    seen.add3 = codes(await addRetried(epoch, [1]));
    seen.produce3 = [await produced(1, epoch, 1, ['c4'])];
    await c.request(ApiKey.AddOffsetsToTxn, 3, {
      transactionalId: txnId,
      producerId: pid,
      producerEpoch: epoch,
      groupId: group,
    });
    seen.txnOffsetCommit3 = (await txnCommit(9n)).topics.map((t) => t.partitions.map((p) => p.errorCode));
    seen.commit3 = (await end(true)).errorCode;
    await until(
      () => offsetFetch(true),
      (r) => r[1] === 0,
      'offsets after commit',
    );
    seen.offsetFetchCommitted = [await offsetFetch(false), await offsetFetch(true)];

    // read_committed and read_uncommitted fetches of partition 0: records, LSO, aborted transactions
    const fetch = async (isolationLevel: number) => {
      const r = await c.request(ApiKey.Fetch, 11, { ...fetchBody(topic, 0n), isolationLevel });
      const p = r.responses[0]!.partitions[0]!;
      const batches = decodeRecordBatches(p.records ?? Buffer.alloc(0));
      return {
        hw: Number(p.highWatermark),
        lso: Number(p.lastStableOffset),
        aborted: p.abortedTransactions?.map((a) => [a.producerId === pid, Number(a.firstOffset)]) ?? null,
        batches: batches.map((b) => [
          b.baseOffset,
          b.attributes & 0x30,
          b.records.map((x) => x.value?.toString() ?? null),
        ]),
        markers: batches.filter((b) => b.attributes & 0x20).map((b) => [...(b.records[0]!.key ?? [])]),
      };
    };
    seen.fetchCommitted = await fetch(1);
    seen.fetchUncommitted = await fetch(0);

    // fencing: a second InitProducerId while a transaction is open aborts it and bumps the epoch
    seen.add4 = codes(await addRetried(epoch, [0]));
    seen.produce4 = [await produced(0, epoch, 3, ['z1'])];
    seen.initWhileOngoing = (await init()).errorCode;
    const fenced = await until(
      () => init(),
      (r) => r.errorCode === 0,
      'InitProducerId after fencing',
    );
    seen.initAfterFence = [fenced.errorCode, fenced.producerEpoch - epoch];
    seen.zombieProduce = (await produce(0, epoch, 4, ['z2'])).responses[0]!.partitionResponses[0]!.errorCode;
    seen.zombieEndV1 = (await end(true, epoch, 1)).errorCode;
    seen.zombieEndV3 = (await end(true, epoch, 3)).errorCode;
    seen.fetchAfterFence = await fetch(1);

    // the coordinator aborts a transaction open longer than its timeout
    const short = await until(
      () => init(1_000),
      (r) => r.errorCode === 0,
      'InitProducerId short timeout',
    );
    const e2 = short.producerEpoch;
    seen.add5 = codes(await addRetried(e2, [1]));
    seen.produce5 = [await produced(1, e2, 0, ['t1'])];
    await until(
      () => lo(1, 1),
      (o) => o === 6,
      'timeout abort',
    );
    seen.endAfterTimeout = (await end(true, e2)).errorCode;
    seen.fetchAfterTimeout = await (async () => {
      const r = await c.request(ApiKey.Fetch, 11, { ...fetchBody(topic, 0n, { partition: 1 }), isolationLevel: 1 });
      const p = r.responses[0]!.partitions[0]!;
      return [Number(p.lastStableOffset), p.abortedTransactions?.map((a) => Number(a.firstOffset))];
    })();
  } finally {
    c.close();
  }
  return seen;
}

describe(`transactions, request by request: reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('answers the transactional sequence as Kafka does', async () => {
    const [ref, real] = await Promise.all([observe(reference.bootstrap), observe(kafka.bootstrap)]);
    if (process.env.KCONFORM_TXN_DUMP)
      (await import('node:fs')).writeFileSync(
        process.env.KCONFORM_TXN_DUMP,
        JSON.stringify({ ref, real }, (_, v) => (typeof v === 'bigint' ? String(v) : v), 1),
      );
    // the reference's answers that carry the meaning, so both being wrong alike cannot pass
    expect(ref.init).toEqual([0, 0, 0, 1, true]);
    expect(ref.commit1).toBe(0);
    expect(ref.listOffsetsOpen).toEqual([2, 0]); // partition 0: high watermark, last stable offset
    expect(ref.offsetFetchPending).toEqual([
      [0, 0, -1],
      [0, 88, -1],
    ]);
    expect(ref.offsetFetchCommitted).toEqual([
      [0, 0, 9],
      [0, 0, 9],
    ]);
    expect(ref.initWhileOngoing).toBe(51);
    expect(ref.zombieEndV3).toBe(90);
    for (const key of new Set([...Object.keys(ref), ...Object.keys(real)]))
      expect({ [key]: ref[key] }, `answer '${key}'`).toEqual({ [key]: real[key] });
  }, 180_000);
});
