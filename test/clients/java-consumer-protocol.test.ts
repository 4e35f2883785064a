/**
 * Kafka 4.4.0's Java consumer on the KIP-848 consumer group protocol (`group.protocol=consumer`,
 * through VerifiableConsumer --group-protocol consumer), on the reference broker (one node and a
 * 3-node cluster) and on Kafka 4.4.0 itself: two members split the partitions (each owned by
 * exactly one), every record is read, kafka-consumer-groups.sh --describe shows both members with
 * their epochs and assignments, and when one member leaves the other takes every partition and
 * reads what is written next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ownedPartitions,
  parseVerifiableOutput,
  polledRecords,
  verifiableEventsToOps,
  type VerifiableEvent,
} from '../../app/clients/verifiable-history.ts';
import { runKafkaClass, spawnKafkaClass } from '../../harness/kafka-dist/kafka-tool.ts';
import {
  LATEST_KAFKA_VERSION,
  resolveKafka,
  startKafkaNode,
  type KafkaDist,
  type StartedKafka,
} from '../../harness/kafka-dist/index.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { createTopic, patientKafka } from '../targets/fault-checks.ts';

const PARTITIONS = 4;
const RECORDS = 40;
const JVM = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

let dist: KafkaDist;
let single: RunningBroker;
let cluster: StartedReferenceProcesses;
let kafka: StartedKafka;

beforeAll(async () => {
  dist = await resolveKafka(LATEST_KAFKA_VERSION);
  [single, cluster, kafka] = await Promise.all([
    startTestBroker(),
    startReferenceProcesses({ brokers: 3 }),
    startKafkaNode({ version: LATEST_KAFKA_VERSION }),
  ]);
}, 240_000);
afterAll(async () => {
  await Promise.all([single?.close(), cluster?.stop(), kafka?.stop()]);
});

/** A VerifiableConsumer on the consumer protocol whose JSON events are collected as they come. */
function member(bootstrap: string, topic: string, group: string) {
  const proc = spawnKafkaClass(
    dist,
    'org.apache.kafka.tools.VerifiableConsumer',
    [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--group-id',
      group,
      '--group-protocol',
      'consumer',
      '--reset-policy',
      'earliest',
      '--verbose',
    ],
    { jvmArgs: JVM },
  );
  const events: VerifiableEvent[] = [];
  let buffered = '';
  proc.child.stdout?.on('data', (b: Buffer) => {
    buffered += b.toString('utf8');
    const cut = buffered.lastIndexOf('\n');
    if (cut < 0) return;
    events.push(...parseVerifiableOutput(buffered.slice(0, cut)).events);
    buffered = buffered.slice(cut + 1);
  });
  proc.child.stderr?.resume();
  proc.child.stdin?.end();
  return {
    owned: () => ownedPartitions(events, topic) ?? [],
    read: () =>
      polledRecords(verifiableEventsToOps(events, { process: 'java' })).map((r) => `${r.partition}:${r.offset}`),
    stop: () => proc.stop(15_000),
  };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `kafka-consumer-groups.sh --describe --group G` with `extra` flags: the group's rows, split on blanks. */
async function describeGroup(bootstrap: string, group: string, extra: string[]): Promise<string[][]> {
  const r = await runKafkaClass(
    dist,
    'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    ['--bootstrap-server', bootstrap, '--describe', '--group', group, ...extra],
    { timeoutMs: 60_000, jvmArgs: JVM },
  );
  expect(r.code, r.stderr.slice(-1_000)).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith(`${group} `))
    .map((l) => l.trim().split(/\s+/));
}

async function produce(bootstrap: string, topic: string, from: number, count: number): Promise<void> {
  const producer = patientKafka(bootstrap).producer();
  await producer.connect();
  for (let p = 0; p < PARTITIONS; p++)
    await producer.send({
      topic,
      messages: Array.from({ length: count / PARTITIONS }, (_, i) => ({
        partition: p,
        value: `v${from + i * PARTITIONS + p}`,
      })),
    });
  await producer.disconnect();
}

const TARGETS: Record<string, () => string> = {
  'reference, one node': () => single.bootstrap,
  'reference, 3 nodes': () => cluster.bootstrap,
  [`kafka@${LATEST_KAFKA_VERSION}`]: () => kafka.bootstrap,
};

describe(`Java consumer ${LATEST_KAFKA_VERSION} with group.protocol=consumer (KIP-848)`, () => {
  it.each(Object.keys(TARGETS))(
    '%s: two members split the partitions, describe shows them, a leave moves everything to the other',
    async (name) => {
      const bootstrap = TARGETS[name]!();
      const topic = uniqueTopic('kip848');
      const group = `${topic}-g`;
      await createTopic(patientKafka(bootstrap), { topic, numPartitions: PARTITIONS, replicationFactor: 1 });
      await produce(bootstrap, topic, 0, RECORDS);

      const a = member(bootstrap, topic, group);
      const b = member(bootstrap, topic, group);
      try {
        const all = Array.from({ length: PARTITIONS }, (_, p) => p);
        await waitFor(`${name}: both members own partitions and together all, each once`, () => {
          const [oa, ob] = [a.owned(), b.owned()];
          return oa.length > 0 && ob.length > 0 && [...oa, ...ob].sort().join() === all.join();
        });
        await waitFor(`${name}: every record read`, () => new Set([...a.read(), ...b.read()]).size === RECORDS);

        // --members --verbose: GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS CURRENT-EPOCH CURRENT-ASSIGNMENT TARGET-EPOCH TARGET-ASSIGNMENT
        const rows = await describeGroup(bootstrap, group, ['--members', '--verbose']);
        const described = { stdout: rows.map((r) => r.join(' ')).join('\n') };
        expect(rows, described.stdout).toHaveLength(2);
        expect(
          rows.map((r) => Number(r[4])).reduce((x, y) => x + y),
          described.stdout,
        ).toBe(PARTITIONS);
        for (const r of rows) expect(r[5], 'current epoch = target epoch once stable').toBe(r[7]);
        // the default view: one row per partition (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID ...)
        const offsets = await describeGroup(bootstrap, group, []);
        const byPartition = offsets.filter((r) => r[1] === topic);
        expect(byPartition.map((r) => Number(r[2])).sort(), offsets.join('\n')).toEqual(all);
        expect(new Set(byPartition.map((r) => r[6])), 'both members own rows').toEqual(new Set(rows.map((r) => r[1])));

        await b.stop();
        await waitFor(`${name}: the remaining member owns every partition`, () => a.owned().join() === all.join());
        await produce(bootstrap, topic, RECORDS, 8);
        await waitFor(`${name}: the remaining member reads what is written after the leave`, () =>
          all.every((p) => a.read().includes(`${p}:${RECORDS / PARTITIONS + 1}`)),
        );
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    240_000,
  );
});
