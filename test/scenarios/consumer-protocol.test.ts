/**
 * The consumer-protocol scenario (KIP-848 groups under joins, leaves, deaths and returns) on the
 * correct reference broker and on Kafka 4.4.0, which must pass it, and on the reference broker
 * with the overlapping-assignment bug, which the ownership checker must catch from the
 * assignments the broker reported.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { CP_DIE, CP_LEAVE, CP_RETURN, OWNERSHIP } from '../../scenarios/checkers/consumer-protocol.ts';
import { check, completions, expectPassed, runOn, scratchDir } from './scenario-runs.ts';

const scratch = scratchDir('consumer-protocol');
let kafka: StartedKafka;

beforeAll(async () => {
  kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
}, 180_000);
afterAll(async () => {
  await kafka?.stop();
  scratch.remove();
});

describe('consumer-protocol on the reference broker', () => {
  it.each([1, 2, 3])(
    'passes with seed %i, having members leave, die and come back',
    async (seed) => {
      onTestFailed(() => scratch.keep());
      const r = await runOn('reference', 'consumer-protocol', { seed, records: 300, dir: scratch.dir });
      expectPassed(r);
      expect(completions(r.history, CP_LEAVE).length).toBeGreaterThan(0);
      expect(completions(r.history, CP_DIE).length).toBeGreaterThan(0);
      expect(completions(r.history, CP_RETURN).length).toBe(completions(r.history, CP_DIE).length);
    },
    60_000,
  );

  it('catches overlapping-assignment: a member assigned a partition its owner had not revoked', async () => {
    onTestFailed(() => scratch.keep());
    const r = await runOn('reference', 'consumer-protocol', {
      seed: 1,
      records: 300,
      dir: scratch.dir,
      bugs: ['overlapping-assignment'],
    });
    const c = check(r, OWNERSHIP);
    expect(c.valid).toBe(false);
    expect(c.witnesses[0]).toMatchObject({
      seen: 'assignment',
      problem: expect.stringMatching(
        /^member-\d+ was assigned partition \d+ at epoch \d+ while member-\d+ still owned it/,
      ),
    });
  }, 60_000);
});

describe(`consumer-protocol on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it.each([1, 2])(
    'passes with seed %i',
    async (seed) => {
      onTestFailed(() => scratch.keep());
      expectPassed(await runOn(kafka, 'consumer-protocol', { seed, records: 300, dir: scratch.dir }));
    },
    120_000,
  );
});
