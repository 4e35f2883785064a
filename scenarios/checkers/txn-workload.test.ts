import { describe, expect, it } from 'vitest';
import { checkScenario } from './scenario-checks.ts';
import { Builder, rec } from './test-support.ts';
import { checkTxnWorkload } from './txn-workload.ts';

const plan = (b: Builder) =>
  b.op('scenario', 'plan', { scenario: 'txn-atomicity' }, 'ok', { scenario: 'txn-atomicity' });

describe('txn-workload', () => {
  it('is unknown, saying why, when the target does not support transactions', () => {
    const b = plan(new Builder()).op('scenario', 'not-run', {}, 'ok', {
      reason: 'not supported by this target yet: transactions',
    });
    expect(checkScenario(b.ops)).toEqual([
      {
        checker: 'txn-workload',
        valid: 'unknown',
        summary: 'txn-atomicity: not supported by this target yet: transactions',
        witnesses: [],
      },
    ]);
  });

  it('is unknown when no transaction ended with an answer', () => {
    const b = plan(new Builder())
      .begin('p', 'a', 'tp')
      .txnSends('p', 'a', [rec(0, 'a0')])
      .endTxn('p', 'a', 'commit', 'info');
    expect(checkTxnWorkload(b.ops, 'txn-atomicity').valid).toBe('unknown');
  });

  it('counts the transactions when they ran', () => {
    const b = plan(new Builder())
      .txn('p', 'a', [rec(0, 'a0')], 'commit')
      .txn('p', 'b', [rec(1, 'b0')], 'abort');
    expect(checkTxnWorkload(b.ops, 'txn-atomicity')).toMatchObject({
      valid: true,
      summary: '2 transaction(s) begun: 1 committed, 1 aborted, 0 without an answer',
    });
  });
});
