import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, testKafka, uniqueTopic } from '../helpers/reference.ts';

let broker: RunningBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = testKafka(broker.bootstrap);
});
afterAll(async () => {
  await broker.close();
});

/** Consumes `topic` from the beginning with a fresh group until `n` messages arrived. */
async function consumeN(
  topic: string,
  n: number,
  groupId = uniqueTopic('g'),
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const got: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length}/${n} messages within 20 s`)), 20_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          got.push({ partition, message });
          if (got.length >= n) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return got;
}

describe('kafkajs 2.2.4 against the reference broker', () => {
  it.each([0, 1, -1])('produces with acks=%i and reads the records back in order', async (acks) => {
    const topic = uniqueTopic('acks');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const meta = await producer.send({
      topic,
      acks,
      messages: [{ value: 'a' }, { value: 'b', key: 'k', headers: { h: 'v' } }],
    });
    for (let i = 0; i < 3; i++) await producer.send({ topic, acks, messages: [{ value: `m${i}` }] });
    await producer.disconnect();
    if (acks !== 0) expect(meta[0]!.baseOffset).toBe('0');
    const got = await consumeN(topic, 5);
    expect(got.map((g) => g.message.value!.toString())).toEqual(['a', 'b', 'm0', 'm1', 'm2']);
    expect(got.map((g) => g.message.offset)).toEqual(['0', '1', '2', '3', '4']);
    expect(got[1]!.message.key!.toString()).toBe('k');
    expect(got[1]!.message.headers!.h!.toString()).toBe('v');
  });

  it('auto-creates a topic on first produce', async () => {
    const topic = uniqueTopic('auto');
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }] });
    await producer.disconnect();
    expect(broker.broker.topics.get(topic)?.partitions.length).toBe(1);
  });

  it('writes once with an idempotent producer, across compression codecs it has built in', async () => {
    const topic = uniqueTopic('idem');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 10; i++)
      await producer.send({ topic, acks: -1, compression: i % 2, messages: [{ value: `v${i}` }, { value: `w${i}` }] });
    await producer.disconnect();
    const got = await consumeN(topic, 20);
    expect(got.map((g) => g.message.value!.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => [`v${i}`, `w${i}`]).flat(),
    );
    expect(broker.broker.topics.get(topic)!.partitions[0]!.log.logEndOffset).toBe(20);
  });

  it('splits partitions among group members and rebalances when one joins and leaves', async () => {
    const topic = uniqueTopic('group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await admin.disconnect();
    const groupId = uniqueTopic('g');
    const assigned = new Map<string, number[]>();
    const start = async (name: string): Promise<Consumer> => {
      const c = kafka.consumer({
        groupId,
        sessionTimeout: 6000,
        heartbeatInterval: 300,
        rebalanceTimeout: 10_000,
        maxWaitTimeInMs: 100,
      });
      c.on(c.events.GROUP_JOIN, (e) => assigned.set(name, e.payload.memberAssignment[topic] ?? []));
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async () => {} });
      return c;
    };
    const waitFor = async (cond: () => boolean, what: string) => {
      const until = Date.now() + 20_000;
      while (!cond()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify([...assigned])}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const a = await start('a');
    await waitFor(() => assigned.get('a')?.length === 4, 'a to own all 4 partitions');
    const b = await start('b');
    await waitFor(() => assigned.get('a')?.length === 2 && assigned.get('b')?.length === 2, 'a 2/2 split');
    expect([...assigned.get('a')!, ...assigned.get('b')!].sort()).toEqual([0, 1, 2, 3]);
    await b.disconnect();
    await waitFor(() => assigned.get('a')?.length === 4, 'a to own all 4 again after b left');
    await a.disconnect();
  });

  it('resumes a group from its committed offset and seeks on request', async () => {
    const topic = uniqueTopic('commit');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: String(i) })) });
    await producer.disconnect();
    const groupId = uniqueTopic('g');
    const first = await consumeN(topic, 10, groupId);
    expect(first.length).toBe(10);
    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(committed[0]!.partitions[0]!.offset).toBe('10');

    // seek back to offset 4 and read 4..9 again
    const consumer = kafka.consumer({ groupId: uniqueTopic('g'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    let seeked = false;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`seek read ${seen.join(',')}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (!seeked) return;
          seen.push(message.value!.toString());
          if (seen.length === 6) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        seeked = true;
        consumer.seek({ topic, partition: 0, offset: '4' });
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual(['4', '5', '6', '7', '8', '9']);
  });
});
