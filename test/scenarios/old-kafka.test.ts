/**
 * Every single-node scenario on the Kafka releases older than the codec: 2.7.0 (the source
 * document's Kafka) and 3.9.2, both in ZooKeeper mode. They serve narrower API ranges than
 * kconform's codec (2.7.0: ListOffsets v0-5, FindCoordinator v0-3, JoinGroup v0-7, …), so every
 * raw request must be negotiated against their ApiVersions. Small record counts keep it lean:
 * one Kafka start and a short run of each single-node scenario per release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { KAFKA_2_7_0_API_VERSIONS } from '../helpers/kafka-2.7.0-api-versions.ts';
import { expectPassed, runOn, scratchDir } from './scenario-runs.ts';

const singleNode = SCENARIOS.filter((s) => (s.minBrokers ?? 1) === 1).map((s) => s.name);

describe.each(['2.7.0', '3.9.2'])('scenarios on Kafka %s (ZooKeeper mode)', (version) => {
  const scratch = scratchDir(`old-kafka-${version}`);
  let kafka: StartedKafka;

  beforeAll(async () => {
    kafka = await startKafkaNode({ version, mode: 'zookeeper' });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
    scratch.remove();
  });

  it.runIf(version === '2.7.0')('advertises the ranges the narrowed reference broker poses with', async () => {
    const raw = await RawClient.connect(`${kafka.host}:${kafka.port}`);
    try {
      expect(new Map(await raw.serverVersions())).toEqual(new Map(KAFKA_2_7_0_API_VERSIONS));
    } finally {
      raw.close();
    }
  });

  it.each(singleNode)(
    '%s passes',
    async (name) => {
      expectPassed(await runOn(kafka, name, { seed: 1, records: 100, dir: scratch.dir }));
    },
    180_000,
  );
});
