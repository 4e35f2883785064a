/**
 * long-poll: a Fetch held until a record arrives (min.bytes=1) or until max.wait.ms (min.bytes
 * larger than what arrives) — on the reference broker and on Kafka 4.4.0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { check, runOn, scratchDir, type RunWithHistory } from './scenario-runs.ts';
import { expectPassed } from './scenario-runs.ts';

const scratch = scratchDir('long-poll');
afterAll(() => scratch.remove());

interface Times {
  minBytes: number;
  pendingAt300ms: boolean;
  returnedAtMs: number;
  returnedAfterProduceMs: number;
  records: number;
}

function expectClean(r: RunWithHistory) {
  expectPassed(r);
  const [early, late] = check(r, 'long-poll').witnesses as Times[];
  expect(early).toMatchObject({ minBytes: 1, pendingAt300ms: true, records: 1 });
  expect(early!.returnedAfterProduceMs).toBeLessThan(1500);
  expect(late).toMatchObject({ pendingAt300ms: true, records: 1 });
  expect(late!.minBytes).toBeGreaterThan(1);
  expect(late!.returnedAtMs).toBeGreaterThanOrEqual(1500);
}

describe('long-poll on the reference broker', () => {
  it('passes', async () => {
    expectClean(await runOn('reference', 'long-poll', { seed: 1, records: 300, dir: scratch.dir }));
  }, 60_000);

  it('catches a broker whose Fetch does not see new records (stale-read)', async () => {
    const r = await runOn('reference', 'long-poll', { seed: 2, records: 300, dir: scratch.dir, bugs: ['stale-read'] });
    expect(r.valid).toBe(false);
    expect(check(r, 'long-poll').valid).toBe(false);
  }, 60_000);
});

describe(`long-poll on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  let kafka: StartedKafka;
  beforeAll(async () => {
    kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  it('passes', async () => {
    expectClean(await runOn(kafka, 'long-poll', { seed: 1, records: 300, dir: scratch.dir }));
  }, 60_000);
});
