/**
 * replay: re-reads from earliest, a committed offset, seek, a timestamp and the beginning; then
 * DeleteRecords and auto.offset.reset — on the reference broker and on Kafka 4.4.0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { Op } from '../../harness/history/history.ts';
import { check, completions, failing, runOn, scratchDir, type RunWithHistory } from './scenario-runs.ts';
import { expectPassed } from './scenario-runs.ts';

const scratch = scratchDir('replay');
afterAll(() => scratch.remove());

const REREADERS = ['from-earliest', 'from-committed', 'from-seek', 'by-timestamp', 'replay'];

function expectClean(r: RunWithHistory) {
  expectPassed(r);
  for (const name of ['replay-positions', 'log-start', 'auto-offset-reset', 'protocol-expectations'])
    expect(check(r, name).valid).toBe(true);
  // every re-reader and every reset consumer read something, and the Fetch below the log start was refused
  const readers = new Set(completions(r.history, 'poll').map((o) => String(o.process)));
  expect([...readers]).toEqual(
    expect.arrayContaining([
      ...REREADERS,
      'earliest-after-delete',
      'stale-commit',
      'latest-after-delete',
      'final-read',
    ]),
  );
  expect(
    completions(r.history, 'fetch', 'below-start').map((o) => (o.value as { errorCode: number }).errorCode),
  ).toEqual([1]);
}

/** The answers a client gets to the scenario's protocol requests: error codes and offsets, in order. */
function answers(history: readonly Op[]): unknown[] {
  return (
    history
      .filter((o) => o.type !== 'invoke' && ['list-offsets', 'delete-records', 'commit', 'fetch'].includes(o.f))
      .map((o) => {
        const v = o.value as { errorCode?: number; offset?: number; lowWatermark?: number };
        return [o.process, o.f, o.type, v.errorCode, v.offset ?? v.lowWatermark];
      })
      // processes run concurrently: compare each process's own sequence, not how they interleaved
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
  );
}

describe('replay on the reference broker', () => {
  it.each([1, 2])(
    'passes with seed %i',
    async (seed) => {
      expectClean(await runOn('reference', 'replay', { seed, records: 300, dir: scratch.dir }));
    },
    60_000,
  );

  it('catches a broker that returns batches out of order (reorder-batches)', async () => {
    const r = await runOn('reference', 'replay', {
      seed: 3,
      records: 300,
      dir: scratch.dir,
      bugs: ['reorder-batches'],
    });
    expect(r.valid).toBe(false);
    expect(failing(r).map((c) => c.checker)).toContain('replay-positions');
  }, 60_000);
});

describe(`replay on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  let kafka: StartedKafka;
  beforeAll(async () => {
    kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  it('passes, giving the same answers (error codes and offsets) as the reference broker for the same seed', async () => {
    const [onKafka, onReference] = [
      await runOn(kafka, 'replay', { seed: 1, records: 300, dir: scratch.dir }),
      await runOn('reference', 'replay', { seed: 1, records: 300, dir: `${scratch.dir}/again` }),
    ];
    expectClean(onKafka);
    expect(answers(onKafka.history)).toEqual(answers(onReference.history));
  }, 60_000);
});
