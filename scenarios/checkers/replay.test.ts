import { describe, expect, it } from 'vitest';
import { checkReplay } from './replay.ts';
import { Builder, rec } from './test-support.ts';

describe('replay', () => {
  const log = [rec(0, 'a'), rec(1, 'b'), rec(0, 'x', 1), rec(2, 'c')];

  it('passes when the replay returns the same records per partition (interleaving aside)', () => {
    expect(checkReplay(new Builder().final(log).replay([rec(0, 'x', 1), rec(0, 'a'), rec(1, 'b'), rec(2, 'c')]).ops).valid).toBe(true);
  });

  it('flags the first position where a partition differs', () => {
    const r = checkReplay(new Builder().final(log).replay([rec(0, 'a'), rec(1, 'B'), rec(2, 'c'), rec(0, 'x', 1)]).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ partition: 't/0', position: 1, firstRead: { value: 'b' }, replay: { value: 'B' } });
  });

  it('flags a replay that ends early or runs on', () => {
    expect(checkReplay(new Builder().final(log).replay(log.slice(0, 3)).ops).witnesses[0]).toMatchObject({ position: 2, replay: null });
    expect(checkReplay(new Builder().final(log).replay([...log, rec(0, 'extra', 2)]).ops).witnesses[0]).toMatchObject({ partition: 't/2', firstRead: null });
  });

  it('is unknown without both reads', () => {
    expect(checkReplay(new Builder().final(log).ops).valid).toBe('unknown');
  });
});
