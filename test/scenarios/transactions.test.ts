/**
 * txn-atomicity (issue 15): kafkajs transactional producers over three partitions, committed and
 * aborted at random, read at both isolation levels; and txn-fencing (two producers with one
 * transactional id) and txn-exactly-once (consume-transform-produce). The same runs on Kafka 4.4.0 and on the reference broker's transaction
 * coordinator (in-process, one node), with the same verdicts. Every verdict asserted is a checker's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { check, completions, expectPassed, runOn, scratchDir } from './scenario-runs.ts';

const scratch = scratchDir('transactions');
afterAll(() => scratch.remove());

const TXN_CHECKS = [
  'txn-g0',
  'txn-g1a',
  'txn-g1b',
  'txn-g1c',
  'txn-precommitted-read',
  'txn-torn',
  'txn-lost-write',
  'txn-duplicate',
  'txn-read-uncommitted',
  'txn-workload',
];

/** Registers both scenarios' tests on `target()` (the target is started by then). */
function describeTransactions(target: () => StartedKafka | 'reference'): void {
  it('txn-atomicity passes: committed transactions whole, nothing aborted under read_committed, aborted data under read_uncommitted', async () => {
    const r = await runOn(target(), 'txn-atomicity', { seed: 1, records: 40, dir: scratch.dir });
    expectPassed(r);
    for (const name of TXN_CHECKS) expect(check(r, name).valid, name).toBe(true);
    // Both outcomes were exercised, and the readers saw them as they should.
    const ends = completions(r.history, 'end-txn').map((o) => (o.value as { outcome: string }).outcome);
    expect(ends).toContain('commit');
    expect(ends).toContain('abort');
    expect(check(r, 'txn-read-uncommitted').summary).toMatch(/, [1-9]\d* of aborted transactions/);
    expect(check(r, 'txn-g1a').summary).toMatch(/read_uncommitted polls returned [1-9]\d* record/);
    expect(check(r, 'txn-torn').summary).toMatch(/whole \([1-9]\d* visible\)/);
  }, 120_000);

  it('txn-fencing passes: the fenced producer is refused and nothing of its open transaction becomes visible', async () => {
    const r = await runOn(target(), 'txn-fencing', { seed: 1, records: 10, dir: scratch.dir });
    expectPassed(r);
    expect(check(r, 'txn-fencing')).toMatchObject({
      valid: true,
      summary: expect.stringMatching(/^1 fenced transaction\(s\) \(4 send\(s\)\) left nothing visible/),
    });
    // The takeover was exercised: the zombie's writes and commit after it were refused.
    expect(completions(r.history, 'end-txn', 'zombie').map((o) => o.type)).toEqual(['fail']);
  }, 120_000);

  it('txn-exactly-once passes: every input record once in the committed output through aborts and a copier crash', async () => {
    // Seed 44 crashes the first copier after its TxnOffsetCommit, then aborts once and commits (5 input records).
    const r = await runOn(target(), 'txn-exactly-once', { seed: 44, records: 40, dir: scratch.dir });
    expectPassed(r);
    for (const name of [...TXN_CHECKS, 'txn-fencing']) expect(check(r, name).valid, name).toBe(true);
    expect(check(r, 'txn-exactly-once')).toMatchObject({
      valid: true,
      summary: expect.stringMatching(
        /^5 acknowledged input record\(s\) each exactly once in the committed output \(5 output/,
      ),
    });
    // Both outcomes and a takeover of a crashed copier were exercised.
    const ends = completions(r.history, 'end-txn').filter(
      (o) => !String((o.value as { id: string }).id).endsWith('#init'),
    );
    expect(ends.map((o) => (o.value as { outcome: string }).outcome)).toEqual(
      expect.arrayContaining(['commit', 'abort']),
    );
    expect(check(r, 'txn-fencing').summary).toMatch(/^[1-9]\d* fenced transaction/);
  }, 120_000);
}

describe(`transactions on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  let kafka: StartedKafka;
  beforeAll(async () => {
    kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  });
  describeTransactions(() => kafka);
});

describe('transactions on the reference broker', () => {
  describeTransactions(() => 'reference');
});
