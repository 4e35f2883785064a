/**
 * The project's source document tests a broker with Kafka's own console clients: write the mmr
 * line with kafka-console-producer, read it back with kafka-console-consumer --from-beginning.
 * Here the broker is the reference broker and the clients are Kafka's, from the release jars of
 * several versions (so old and new protocol versions are both exercised).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoundTrip } from '../../harness/kafka-dist/console-roundtrip.ts';
import { LATEST_KAFKA_VERSION, resolveKafka } from '../../harness/kafka-dist/resolve-kafka.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { MMR_MESSAGE } from '../../scenarios/seed.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

describe.each([LATEST_KAFKA_VERSION, '3.9.2', '2.7.0'])(
  "Kafka %s's console clients against the reference broker",
  (version) => {
    it('round-trips the mmr line on an auto-created topic with --from-beginning', async () => {
      const dist = await resolveKafka(version);
      const topic = version === LATEST_KAFKA_VERSION ? 'mmr' : uniqueTopic('mmr');
      const more = ['second line', '{"ver":"1.0","datas":[]}'];
      const r = await consoleRoundTrip(dist, broker.bootstrap, topic, [MMR_MESSAGE, ...more]);
      expect(r.producerCode, r.producerStderr).toBe(0);
      expect(r.consumerCode, r.consumerStderr).toBe(0);
      expect(r.printed).toEqual([MMR_MESSAGE, ...more]);
      expect(r.consumerStderr).toContain('Processed a total of 3 messages');
    }, 180_000);
  },
);
