import { describe, expect, it } from 'vitest';
import { checkPollOrder } from './poll-order.ts';
import { Builder, rec } from './test-support.ts';

const verdicts = (ops: Builder['ops'], config = {}) =>
  Object.fromEntries(checkPollOrder(ops, config).map((r) => [r.checker, r]));

describe('poll order (nonmonotonic-poll, poll-skip)', () => {
  it('passes when each consumer reads on with no gap, per partition', () => {
    const v = verdicts(
      new Builder()
        .poll('c', [rec(0, 'a'), rec(0, 'x', 1)])
        .poll('c', [rec(1, 'b'), rec(1, 'y', 1)])
        .poll('d', [rec(0, 'a')]).ops,
    );
    expect(v['nonmonotonic-poll']!.valid).toBe(true);
    expect(v['poll-skip']!.valid).toBe(true);
  });

  it('flags a consumer reading an offset again or going back', () => {
    const v = verdicts(new Builder().poll('c', [rec(0, 'a'), rec(1, 'b')]).poll('c', [rec(1, 'b')]).ops);
    expect(v['nonmonotonic-poll']).toMatchObject({ valid: false, count: 1 });
    expect(v['poll-skip']!.valid).toBe(true);
  });

  it('flags a gap, saying how many offsets were skipped', () => {
    const v = verdicts(new Builder().poll('c', [rec(0, 'a')]).poll('c', [rec(3, 'd')]).ops);
    expect(v['poll-skip']).toMatchObject({ valid: false, count: 1 });
    expect(v['poll-skip']!.witnesses[0]).toMatchObject({ process: 'c', skipped: 2 });
    expect(v['nonmonotonic-poll']!.valid).toBe(true);
  });

  it('starts a consumer afresh after a seek, assign or subscribe', () => {
    const b = new Builder().poll('c', [rec(0, 'a'), rec(1, 'b')]);
    b.op('c', 'seek', { partition: 0, offset: 0 }, 'ok', {});
    b.poll('c', [rec(0, 'a')]);
    b.op('c', 'assign', { partitions: [0] }, 'info', {});
    b.poll('c', [rec(5, 'f')]);
    const v = verdicts(b.ops);
    expect(v['nonmonotonic-poll']!.valid).toBe(true);
    expect(v['poll-skip']!.valid).toBe(true);
  });

  it('allows gaps on partitions transactional sends wrote to, counted', () => {
    const b = new Builder().send('p', rec(0, 'a'), 'ok', { txn: { id: 'x' } }).endTxn('p', 'x', 'commit');
    const v = verdicts(
      b
        .poll('c', [rec(0, 'a')])
        .poll('c', [rec(2, 'c')])
        .poll('c', [rec(0, 'z', 1), rec(2, 'z2', 1)]).ops,
    );
    expect(v['poll-skip']).toMatchObject({ valid: false, count: 1 });
    expect(v['poll-skip']!.summary).toContain('1 gap(s) on transactional partitions');
    const txnOnly = verdicts(
      new Builder()
        .send('p', rec(0, 'a'), 'ok', { txn: { id: 'x' } })
        .poll('c', [rec(0, 'a')])
        .poll('c', [rec(2, 'c')]).ops,
    );
    expect(txnOnly['poll-skip']).toMatchObject({ valid: true, allowed: true, count: 1 });
  });

  it('allows gaps everywhere when the configuration says transactional', () => {
    expect(
      verdicts(new Builder().poll('c', [rec(0, 'a')]).poll('c', [rec(2, 'c')]).ops, { transactional: true })[
        'poll-skip'
      ],
    ).toMatchObject({ valid: true, allowed: true });
  });

  it('allows both under unclean leader election with faults', () => {
    const v = verdicts(
      new Builder()
        .poll('c', [rec(4, 'a')])
        .poll('c', [rec(2, 'c')])
        .poll('c', [rec(9, 'x')]).ops,
      { uncleanLeaderElection: true, faults: true },
    );
    expect(v['nonmonotonic-poll']).toMatchObject({ valid: true, allowed: true, count: 1 });
    expect(v['poll-skip']).toMatchObject({ valid: true, allowed: true, count: 1 });
  });

  it('ignores info and failed polls', () => {
    const b = new Builder().poll('c', [rec(0, 'a')]);
    b.op('c', 'poll', {}, 'info', { records: [rec(7, 'q')] });
    expect(verdicts(b.poll('c', [rec(1, 'b')]).ops)['poll-skip']!.valid).toBe(true);
  });
});
