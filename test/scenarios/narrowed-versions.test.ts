/**
 * Every single-node scenario on a reference broker that serves (and advertises) only the API
 * versions Kafka 2.7.0 serves: an implementer's broker with narrower ranges than kconform's
 * codec must be tested the same way, every request negotiated. Fast: no Kafka to start.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { SCENARIOS } from '../../scenarios/index.ts';
import { KAFKA_2_7_0_API_VERSIONS } from '../helpers/kafka-2.7.0-api-versions.ts';
import { startTestBroker } from '../helpers/reference.ts';
import { expectNotSupported, expectPassed, runOn, scratchDir } from './scenario-runs.ts';

const scratch = scratchDir('narrowed');
let broker: RunningBroker;

beforeAll(async () => {
  broker = await startTestBroker({ apiVersionLimits: KAFKA_2_7_0_API_VERSIONS });
});
afterAll(async () => {
  await broker?.close();
  scratch.remove();
});

/** Kafka 2.7.0 has no KIP-848 groups: scenarios that need them say "not supported" here instead of passing. */
const needsConsumerProtocol = (s: (typeof SCENARIOS)[number]) => s.needs?.includes('consumer-protocol') === true;
const singleNode = SCENARIOS.filter((s) => (s.minBrokers ?? 1) === 1 && !needsConsumerProtocol(s)).map((s) => s.name);
const consumerProtocol = SCENARIOS.filter(needsConsumerProtocol).map((s) => s.name);

describe('scenarios on a reference broker narrowed to Kafka 2.7.0 API versions', () => {
  it.each(singleNode)(
    '%s passes',
    async (name) => {
      expectPassed(
        await runOn({ host: broker.host, port: broker.port, label: 'reference-as-2.7.0' }, name, {
          seed: 1,
          records: 100,
          dir: scratch.dir,
        }),
      );
    },
    120_000,
  );

  it.each(consumerProtocol)('%s says it is not supported by this target yet', async (name) => {
    const target = { host: broker.host, port: broker.port, label: 'reference-as-2.7.0' };
    expectNotSupported(await runOn(target, name, { seed: 1, records: 100, dir: scratch.dir }), name);
  });
});
