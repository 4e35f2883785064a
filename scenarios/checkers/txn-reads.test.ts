import { describe, expect, it } from 'vitest';
import { Builder, rec } from './test-support.ts';
import { checkG1a, checkG1b, checkPrecommittedReads } from './txn-reads.ts';

const RC = { isolation: 'read_committed' };
const RU = { isolation: 'read_uncommitted' };
const a0 = rec(0, 'a0');
const x0 = rec(1, 'x0');
const a1 = rec(2, 'a1');

/** a commits (records at 0 and 2), x aborts (1), from two producers. */
const base = () =>
  new Builder()
    .begin('p', 'a', 'tp')
    .begin('q', 'x', 'tq')
    .txnSends('p', 'a', [a0])
    .txnSends('q', 'x', [x0])
    .txnSends('p', 'a', [a1])
    .endTxn('q', 'x', 'abort')
    .endTxn('p', 'a', 'commit');

describe('txn-g1a', () => {
  it('is unknown with transactions but no read_committed poll', () => {
    expect(checkG1a(base().poll('c', [a0, x0, a1], RU).ops).valid).toBe('unknown');
  });

  it('passes read_committed polls without aborted records, and allows them to read_uncommitted ones', () => {
    const r = checkG1a(base().poll('c', [a0, a1], RC).poll('u', [a0, x0, a1], RU).ops);
    expect(r).toMatchObject({ valid: true, count: 0 });
    expect(r.summary).toContain('read_uncommitted polls returned 1 record(s) of aborted transactions (allowed)');
  });

  it('flags a read_committed poll returning a record of an aborted transaction', () => {
    const r = checkG1a(base().poll('c', [a0, x0, a1], RC).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ txn: 'x', record: x0 });
  });
});

describe('txn-precommitted-read', () => {
  it('flags a read_committed poll that returned a record before its transaction’s end was invoked', () => {
    const b = new Builder()
      .begin('p', 'a', 'tp')
      .txnSends('p', 'a', [a0])
      .poll('c', [a0], RC)
      .endTxn('p', 'a', 'commit');
    const r = checkPrecommittedReads(b.ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ txn: 'a', record: a0, endInvoked: { f: 'end-txn', type: 'invoke' } });
  });

  it('passes a read made while the commit was in flight (the markers may be written before its answer)', () => {
    const b = new Builder().begin('p', 'a', 'tp').txnSends('p', 'a', [a0]);
    const end = b.h.invoke('p', 'end-txn', { id: 'a', outcome: 'commit' });
    b.poll('c', [a0], RC);
    end.ok({ id: 'a', outcome: 'commit' });
    expect(checkPrecommittedReads(b.ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('does not judge read_uncommitted polls, which may read open transactions', () => {
    const b = new Builder()
      .begin('p', 'a', 'tp')
      .txnSends('p', 'a', [a0])
      .poll('u', [a0], RU)
      .endTxn('p', 'a', 'commit')
      .poll('c', [a0], RC);
    expect(checkPrecommittedReads(b.ops).valid).toBe(true);
  });
});

describe('txn-g1b', () => {
  it('passes a poll returning a transaction’s records with only other transactions’ records between them', () => {
    expect(checkG1b(base().poll('c', [a0, a1], RC).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags a poll returning a transaction’s records around one of its own it left out', () => {
    const b = new Builder()
      .txn('p', 'a', [rec(0, 'a0'), rec(1, 'a1'), rec(2, 'a2')], 'commit')
      .poll('c', [rec(0, 'a0'), rec(2, 'a2')], RC);
    const r = checkG1b(b.ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ txn: 'a', missedOffset: 1 });
  });

  it('follows the final read across its polls, but not other readers across theirs', () => {
    const t = () => new Builder().txn('p', 'a', [rec(0, 'a0'), rec(1, 'a1'), rec(2, 'a2')], 'commit');
    const split = [[rec(0, 'a0')], [rec(2, 'a2')]];
    const member = t().poll('c', split[0]!, RC).poll('c', split[1]!, RC);
    expect(checkG1b(member.ops).valid).toBe(true);
    const final = t().txnFinal(split[0]!, []);
    final.poll('final-read', split[1]!, { isolation: 'read_committed' });
    expect(checkG1b(final.ops)).toMatchObject({ valid: false, count: 1 });
  });
});
