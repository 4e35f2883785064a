/**
 * Every single-node scenario on the Kafka releases older than the codec: 2.7.0 (the source
 * document's Kafka) and 3.9.2, both in ZooKeeper mode. They serve narrower API ranges than
 * kconform's codec (2.7.0: ListOffsets v0-5, FindCoordinator v0-3, JoinGroup v0-7, …), so every
 * raw request must be negotiated against their ApiVersions. Small record counts keep it lean:
 * one Kafka start and a short run of each single-node scenario per release. Neither serves KIP-848
 * consumer groups: the consumer-protocol scenario must say so (its verdicts unknown, "not supported").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { KAFKA_2_7_0_API_VERSIONS } from '../helpers/kafka-2.7.0-api-versions.ts';
import { expectNotSupported, expectPassed, runOn, scratchDir } from './scenario-runs.ts';

/** Scenarios that need KIP-848 consumer groups (Kafka 4.0 on) say "not supported" here instead of passing. */
const needsConsumerProtocol = (s: (typeof SCENARIOS)[number]) => s.needs?.includes('consumer-protocol') === true;
const singleNode = SCENARIOS.filter((s) => (s.minBrokers ?? 1) === 1 && !needsConsumerProtocol(s)).map((s) => s.name);
const consumerProtocol = SCENARIOS.filter(needsConsumerProtocol).map((s) => s.name);

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

  it.each(consumerProtocol)(
    '%s says it is not supported by this target yet',
    async (name) => {
      expectNotSupported(await runOn(kafka, name, { seed: 1, records: 100, dir: scratch.dir }), name);
    },
    60_000,
  );
});
