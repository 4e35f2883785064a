import { describe, expect, it } from 'vitest';
import { Builder, rec } from './test-support.ts';
import { checkG0, checkG1c } from './txn-cycles.ts';

const RC = { isolation: 'read_committed' };
const RU = { isolation: 'read_uncommitted' };

describe('txn-g0', () => {
  it('is valid with nothing to check without transactions', () => {
    expect(checkG0(new Builder().send(0, rec(0, 'a')).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('passes one producer’s transactions appended in commit order', () => {
    const b = new Builder()
      .txn('p', 'a', [rec(0, 'a0'), rec(0, 'a1', 1)], 'commit')
      .txn('p', 'b', [rec(1, 'b0'), rec(1, 'b1', 1)], 'commit');
    expect(checkG0(b.ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('reports interleaved appends of concurrent transactions as allowed (Kafka does not isolate writes)', () => {
    // a and u are open together: a first in partition 0, u first in partition 1.
    const b = new Builder()
      .begin('p', 'a', 'tp')
      .begin('q', 'u', 'tq')
      .txnSends('p', 'a', [rec(0, 'a0')])
      .txnSends('q', 'u', [rec(1, 'u0'), rec(0, 'u1', 1)])
      .txnSends('p', 'a', [rec(1, 'a1', 1)])
      .endTxn('p', 'a', 'commit')
      .endTxn('q', 'u', 'commit');
    const r = checkG0(b.ops);
    expect(r).toMatchObject({ valid: true, allowed: true, count: 1 });
    expect(r.summary).toContain('allowed');
    expect(JSON.stringify(r.witnesses[0])).toContain('"edge":"ww"');
  });

  it('flags a write cycle through a session’s commit order: a later transaction’s record before an earlier committed one’s', () => {
    // b began after a's commit was acknowledged, yet its record sits before a's in partition 0.
    const b = new Builder().txn('p', 'a', [rec(5, 'a0')], 'commit').txn('p', 'b', [rec(3, 'b0')], 'commit');
    const r = checkG0(b.ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    const steps = (r.witnesses[0] as { cycle: { from: string; to: string; edge: string }[] }).cycle;
    expect(steps.map((x) => `${x.from} -${x.edge}-> ${x.to}`).sort()).toEqual(
      [
        'a begin -within-> a record t[0]@5',
        'a end -process-> b begin',
        'a record t[0]@5 -within-> a end',
        'b begin -within-> b record t[0]@3',
        'b record t[0]@3 -ww-> a record t[0]@5',
      ].filter((x) => x !== 'a begin -within-> a record t[0]@5'),
    );
  });

  it('passes a transaction spanning another’s commit and its successor (no moment before itself)', () => {
    // u is open throughout: its record precedes a's in partition 0 and follows b's in partition 1,
    // though a committed before b began. Every append happened while its transaction was open.
    const b = new Builder()
      .begin('q', 'u', 'tq')
      .txnSends('q', 'u', [rec(0, 'u0')])
      .txn('p', 'a', [rec(1, 'a0')], 'commit')
      .txn('p', 'b', [rec(0, 'b0', 1)], 'commit')
      .txnSends('q', 'u', [rec(1, 'u1', 1)])
      .endTxn('q', 'u', 'commit');
    expect(checkG0(b.ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('ignores aborted transactions (what they wrote is no committed state)', () => {
    const b = new Builder().txn('p', 'a', [rec(5, 'a0')], 'abort').txn('p', 'b', [rec(3, 'b0')], 'commit');
    expect(checkG0(b.ops).valid).toBe(true);
  });
});

describe('txn-g1c', () => {
  /** r and s read inside their transactions; each reads the other's record when `cycle`. */
  const readers = (cycle: boolean, isolation = RC) => {
    const b = new Builder()
      .begin('p', 'r', 'tp')
      .begin('q', 's', 'tq')
      .txnSends('p', 'r', [rec(0, 'r0')])
      .txnSends('q', 's', [rec(0, 's0', 1)])
      .poll('p', [rec(0, 's0', 1)], { ...isolation, txn: { id: 'r' } });
    if (cycle) b.poll('q', [rec(0, 'r0')], { ...isolation, txn: { id: 's' } });
    return b.endTxn('p', 'r', 'commit').endTxn('q', 's', 'commit');
  };

  it('is valid with nothing to check when no read is made inside a transaction', () => {
    const b = new Builder().txn('p', 'a', [rec(0, 'a0')], 'commit').poll('c', [rec(0, 'a0')], RC);
    expect(checkG1c(b.ops)).toMatchObject({ valid: true, summary: expect.stringContaining('no reads inside') });
  });

  it('passes information flowing one way', () => {
    expect(checkG1c(readers(false).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags two transactions that each read the other’s write at read_committed', () => {
    const r = checkG1c(readers(true).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(JSON.stringify(r.witnesses[0])).toMatch(/"edge":"wr".*"edge":"wr"/);
  });

  it('does not count read_uncommitted reads as information flow between committed states', () => {
    expect(checkG1c(readers(true, RU).ops).valid).toBe(true);
  });

  it('flags a transaction that read the write of one that began after its commit (wr against process order)', () => {
    const b = new Builder()
      .txn('p', 'a', [rec(0, 'a0')], 'commit')
      .begin('p', 'b', 'tid-p')
      .txnSends('p', 'b', [rec(1, 'b0')])
      .endTxn('p', 'b', 'commit')
      // a (committed before b began) claims to have read b's record.
      .poll('p', [rec(1, 'b0')], { ...RC, txn: { id: 'a' } });
    expect(checkG1c(b.ops)).toMatchObject({ valid: false, count: 1 });
  });
});
