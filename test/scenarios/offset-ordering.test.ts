/**
 * offset-ordering: concurrent producers (idempotent and not) × 3 partitions × keyed records,
 * two group members and a manual raw reader, on the reference broker and on Kafka 4.4.0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RecordRef } from '../../harness/history/ops.ts';
import { check, completions, failing, runOn, scratchDir, type RunWithHistory } from './scenario-runs.ts';
import { expectPassed } from './scenario-runs.ts';

const scratch = scratchDir('offset-ordering');
afterAll(() => scratch.remove());

/** Who produced and who read: the scenario's cast must all have taken part. */
function cast(r: RunWithHistory) {
  const producers = new Set(completions(r.history, 'send').map((o) => String(o.process)));
  const readers = new Set(
    completions(r.history, 'poll')
      .filter((o) => (o.value as { records: RecordRef[] }).records?.length)
      .map((o) => String(o.process)),
  );
  return { producers: [...producers].sort(), readers: [...readers].sort() };
}

function expectClean(r: RunWithHistory) {
  expectPassed(r);
  expect(check(r, 'ack-offsets').valid).toBe(true);
  expect(check(r, 'consumer-coverage').valid).toBe(true);
  const { producers, readers } = cast(r);
  expect(producers.length).toBeGreaterThanOrEqual(2);
  expect(readers).toEqual(expect.arrayContaining(['member-0', 'member-1', 'manual', 'final-read', 'replay']));
  // two members in one group: somebody was assigned a share, not all three partitions
  expect(
    completions(r.history, 'assign').some((o) => (o.value as { partitions: number[] }).partitions.length < 3),
  ).toBe(true);
}

describe('offset-ordering on the reference broker', () => {
  it.each([1, 2])(
    'passes with seed %i',
    async (seed) => {
      expectClean(await runOn('reference', 'offset-ordering', { seed, records: 300, dir: scratch.dir }));
    },
    60_000,
  );

  it('catches a broker that leaves out part of a fetch (skip-offset)', async () => {
    const r = await runOn('reference', 'offset-ordering', {
      seed: 3,
      records: 300,
      dir: scratch.dir,
      bugs: ['skip-offset'],
    });
    expect(r.valid).toBe(false);
    expect(failing(r).map((c) => c.checker)).toEqual(expect.arrayContaining(['poll-skip', 'consumer-coverage']));
  }, 60_000);
});

describe(`offset-ordering on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  let kafka: StartedKafka;
  beforeAll(async () => {
    kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  it('passes', async () => {
    expectClean(await runOn(kafka, 'offset-ordering', { seed: 1, records: 300, dir: scratch.dir }));
  }, 60_000);
});
