/**
 * A kafkajs 2.2.4 transactional producer and read_committed / read_uncommitted consumers against
 * the reference broker and Apache Kafka 4.4.0, asserting the same observable behaviour on both:
 * a committed transaction is visible whole, an aborted one invisible to read_committed but visible
 * to read_uncommitted, a second producer with the same transactional id fences the first (whose
 * open transaction is aborted), and offsets sent in a transaction are committed with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, testKafka, uniqueTopic } from '../helpers/reference.ts';

let kafkaNode: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafkaNode, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker()]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafkaNode?.stop(), reference?.close()]);
});

const targets: [string, () => string][] = [
  ['reference', () => reference.bootstrap],
  [`kafka@${LATEST_KAFKA_VERSION}`, () => kafkaNode.bootstrap],
];

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads `topic` from the beginning until a record with value `last` arrived on every partition
 * (a committed sentinel written after everything else), returning the values seen per partition.
 */
async function readAll(kafka: Kafka, topic: string, partitions: number, readUncommitted: boolean, last: string) {
  const consumer = kafka.consumer({ groupId: uniqueTopic('g'), readUncommitted, maxWaitTimeInMs: 100 });
  const got = new Map<number, string[]>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sentinel not seen: ${JSON.stringify([...got])}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const values = got.get(partition) ?? [];
          values.push(message.value!.toString());
          got.set(partition, values);
          const done = [...Array(partitions).keys()].every((p) => got.get(p)?.includes(last));
          if (done) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return Object.fromEntries([...got].sort(([a], [b]) => a - b));
}

function transactional(kafka: Kafka, transactionalId: string) {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
}

describe.each(targets)('kafkajs transactions against %s', (_name, bootstrap) => {
  it('shows committed transactions whole and hides aborted ones from read_committed only', async () => {
    const kafka = testKafka(bootstrap());
    const topic = uniqueTopic('txn');
    await createTopic(kafka, topic, 2);
    const producer = transactional(kafka, uniqueTopic('tid'));
    await producer.connect();
    try {
      const send = async (values: string[], commit: boolean) => {
        const t = await producer.transaction();
        await t.send({ topic, messages: values.map((value, i) => ({ value, partition: i % 2 })) });
        await (commit ? t.commit() : t.abort());
      };
      await send(['c1-0', 'c1-1', 'c1-2', 'c1-3'], true);
      await send(['a1-0', 'a1-1'], false);
      await send(['c2-0', 'c2-1'], true);
      await send(['a2-0', 'a2-1', 'a2-2'], false);
      await send(['end', 'end'], true);
    } finally {
      await producer.disconnect();
    }
    expect(await readAll(kafka, topic, 2, false, 'end')).toEqual({
      0: ['c1-0', 'c1-2', 'c2-0', 'end'],
      1: ['c1-1', 'c1-3', 'c2-1', 'end'],
    });
    expect(await readAll(kafka, topic, 2, true, 'end')).toEqual({
      0: ['c1-0', 'c1-2', 'a1-0', 'c2-0', 'a2-0', 'a2-2', 'end'],
      1: ['c1-1', 'c1-3', 'a1-1', 'c2-1', 'a2-1', 'end'],
    });
  }, 180_000);

  it('fences the first producer when a second one starts with the same transactional id', async () => {
    const kafka = testKafka(bootstrap());
    const topic = uniqueTopic('fence');
    await createTopic(kafka, topic, 1);
    const tid = uniqueTopic('tid');
    const zombie = transactional(kafka, tid);
    await zombie.connect();
    const successor = transactional(kafka, tid);
    try {
      const open = await zombie.transaction();
      await open.send({ topic, messages: [{ value: 'zombie-1' }] });
      await successor.connect(); // InitProducerId: the zombie's open transaction is aborted, its epoch fenced
      const t = await successor.transaction();
      await t.send({ topic, messages: [{ value: 'successor' }] });
      await t.commit();
      await expect(open.commit()).rejects.toThrow();
      const later = successor.transaction();
      const t2 = await later;
      await t2.send({ topic, messages: [{ value: 'end' }] });
      await t2.commit();
    } finally {
      await Promise.allSettled([zombie.disconnect(), successor.disconnect()]);
    }
    expect(await readAll(kafka, topic, 1, false, 'end')).toEqual({ 0: ['successor', 'end'] });
    expect(await readAll(kafka, topic, 1, true, 'end')).toEqual({ 0: ['zombie-1', 'successor', 'end'] });
  }, 180_000);

  it('commits offsets sent in a transaction with it, and drops them when it aborts', async () => {
    const kafka = testKafka(bootstrap());
    const topic = uniqueTopic('offs');
    await createTopic(kafka, topic, 1);
    const groupId = uniqueTopic('eos');
    const producer = transactional(kafka, uniqueTopic('tid'));
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset;
    try {
      const t1 = await producer.transaction();
      await t1.send({ topic, messages: [{ value: 'x' }] });
      await t1.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition: 0, offset: '5' }] }],
      });
      const beforeCommit = await committed();
      await t1.commit();
      // the offsets become visible once the commit marker reaches the group's partition
      let afterCommit = await committed();
      for (let i = 0; i < 100 && afterCommit !== '5'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        afterCommit = await committed();
      }
      const t2 = await producer.transaction();
      await t2.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition: 0, offset: '9' }] }],
      });
      await t2.abort();
      const t3 = await producer.transaction();
      await t3.send({ topic, messages: [{ value: 'end' }] });
      await t3.commit();
      await readAll(kafka, topic, 1, false, 'end'); // every marker is in: the abort is complete
      expect([beforeCommit, afterCommit, await committed()]).toEqual(['-1', '5', '5']);
    } finally {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    }
  }, 180_000);
});
