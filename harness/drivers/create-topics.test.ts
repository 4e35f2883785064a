import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type RunningBroker } from '../../reference-broker/server.ts';
import { createLogger } from '../../reference-broker/logger.ts';
import { createTopicsWithLeaders } from './create-topics.ts';

let broker: RunningBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await startBroker({ port: 0 }, createLogger('broker', 'error'));
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});
afterAll(() => broker.close());

describe('createTopicsWithLeaders', () => {
  it('creates the topics and returns once every partition has a leader; an existing topic is left as it is', async () => {
    await createTopicsWithLeaders(kafka, [
      { topic: 'ct-a', numPartitions: 3 },
      { topic: 'ct-b', numPartitions: 1 },
    ]);
    await createTopicsWithLeaders(kafka, [{ topic: 'ct-a', numPartitions: 3 }]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const md = await admin.fetchTopicMetadata({ topics: ['ct-a', 'ct-b'] });
      const seen = md.topics.map((t) => [t.name, t.partitions.length, t.partitions.every((p) => p.leader >= 0)]);
      expect(seen.sort()).toEqual([
        ['ct-a', 3, true],
        ['ct-b', 1, true],
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('passes on a refused creation at once rather than waiting for leaders that never come', async () => {
    await expect(createTopicsWithLeaders(kafka, [{ topic: 'bad/name' }])).rejects.toThrow('Topic creation errors');
  });
});
