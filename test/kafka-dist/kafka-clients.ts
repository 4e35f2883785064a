/** kafkajs helpers for the kafka-dist suites: create a topic, produce, consume from the start. */
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import { Kafka, logLevel } from 'kafkajs';

// kafkajs warns about its v2 partitioner change on every producer; it says nothing here.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

function client(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'kconform-kafka-dist-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

/** Creates `topic` (1 partition) and produces `values` to it with acks=all. */
export async function produceValues(bootstrap: string, topic: string, values: readonly string[]): Promise<void> {
  const kafka = client(bootstrap);
  await createTopicsWithLeaders(kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Reads `count` values of `topic` from the beginning with a fresh consumer group. */
export async function consumeValues(
  bootstrap: string,
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<string[]> {
  const consumer = client(bootstrap).consumer({ groupId: `kconform-test-${topic}-${Date.now()}` });
  await consumer.connect();
  const seen: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${seen.length}/${count} from ${topic} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(message.value?.toString('utf8') ?? '');
            if (seen.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
