/** The consumer-group scenarios on real Kafka: what the reference broker's coordinator is held to. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { expectPassed, runOn, scratchDir } from './scenario-runs.ts';

const scratch = scratchDir('groups-kafka');
let kafka: StartedKafka;

beforeAll(async () => {
  kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
  scratch.remove();
});

describe(`group scenarios on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it.each(['consumer-groups', 'group-generations'])(
    '%s passes',
    async (name) => {
      expectPassed(await runOn(kafka, name, { seed: 3, records: 200, dir: scratch.dir }));
    },
    120_000,
  );
});
