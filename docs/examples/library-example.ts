/**
 * kconform's reference broker in a Node test (docs/library.md): save as `broker.test.ts` in a
 * project with `npm install --save-dev kconform vitest kafkajs @platformatic/kafka`, then run
 * `npx vitest run`. test/library/packed-library.test.ts runs this very file against the packed
 * package in a scratch project.
 */
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from 'kconform';
import { expect, test } from 'vitest';

/** The first `count` values a kafkajs group consumer reads from the start of `topic`. */
async function readAll(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `readers-of-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(String(message.value));
        if (values.length === count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return values;
}

test('kafkajs: a record round-trips through a broker started in this process', async () => {
  await using broker = await startBroker();
  const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: [{ key: 'order-1', value: 'hello from kafkajs' }] });
  await producer.disconnect();

  expect(await readAll(kafka, 'orders', 1)).toEqual(['hello from kafkajs']);
});

test('@platformatic/kafka: a record round-trips through a broker started in this process', async () => {
  await using broker = await startBroker();
  const producer = new Producer({
    clientId: 'example',
    bootstrapBrokers: broker.brokers,
    serializers: stringSerializers,
    autocreateTopics: true,
  });
  await producer.send({ messages: [{ topic: 'payments', key: 'p-1', value: 'hello from platformatic' }] });
  await producer.close();

  const consumer = new Consumer({
    clientId: 'example',
    groupId: 'payment-readers',
    bootstrapBrokers: broker.brokers,
    deserializers: stringDeserializers,
    maxWaitTime: 100,
  });
  const stream = await consumer.consume({ topics: ['payments'], mode: 'earliest' });
  let value: string | undefined;
  for await (const message of stream) {
    value = message.value;
    break;
  }
  await stream.close();
  await consumer.close(true);
  expect(value).toBe('hello from platformatic');
});

test('a 3-node cluster still delivers after the leader is killed, and leaves no process behind', async () => {
  let pids: number[];
  {
    await using cluster = await startBroker({ brokers: 3 });
    pids = cluster.nodes.map((n) => n.pid!);
    const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry: { retries: 20 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ledger', replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'ledger', acks: -1, messages: [{ value: 'before' }] });
    await cluster.control.waitReplicated();

    const leader = await cluster.control.leaderOf('ledger');
    await cluster.control.kill(leader!);
    await producer.send({ topic: 'ledger', acks: -1, messages: [{ value: 'after' }] });
    await producer.disconnect();

    expect(await readAll(kafka, 'ledger', 2)).toEqual(['before', 'after']);
    expect((await cluster.control.nodes()).nodes.find((n) => n.id === leader)?.state).toBe('stopped');
  } // disposed: every node process is stopped and its temporary data directory removed

  const running = pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(running).toEqual([]);
}, 120_000);
