import { describe, expect, it } from 'vitest';
import { checkNonmonotonicSends } from './nonmonotonic-send.ts';
import { Builder, rec } from './test-support.ts';

describe('nonmonotonic-send', () => {
  it('passes when each producer is acknowledged growing offsets per partition', () => {
    const ops = new Builder()
      .send(0, rec(0, 'a'))
      .send(1, rec(1, 'b'))
      .send(0, rec(2, 'c'))
      .send(0, rec(0, 'd', 1)).ops;
    expect(checkNonmonotonicSends(ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags an acknowledgement that goes backwards, with both ops as witness', () => {
    const r = checkNonmonotonicSends(new Builder().send(0, rec(1, 'b')).send(0, rec(0, 'a')).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ before: { value: { offset: 1 } }, after: { value: { offset: 0 } } });
  });

  it('flags a repeated offset', () => {
    expect(checkNonmonotonicSends(new Builder().send(0, rec(3, 'a')).send(0, rec(3, 'b')).ops).valid).toBe(false);
  });

  it('compares a batch in flight in the order its acknowledgements arrive', () => {
    expect(checkNonmonotonicSends(new Builder().batch(0, [rec(0, 'a'), rec(1, 'b'), rec(2, 'c')]).ops).valid).toBe(
      true,
    );
    expect(checkNonmonotonicSends(new Builder().batch(0, [rec(1, 'a'), rec(0, 'b')]).ops).valid).toBe(false);
  });

  it('does not compare different producers or partitions', () => {
    expect(
      checkNonmonotonicSends(
        new Builder()
          .send(0, rec(5, 'a'))
          .send(1, rec(2, 'b'))
          .send(0, rec(0, 'c', 1)).ops,
      ).valid,
    ).toBe(true);
  });

  it('leaves out info sends and acks without an offset', () => {
    expect(
      checkNonmonotonicSends(
        new Builder().send(0, rec(5, 'a')).send(0, rec(1, 'b'), 'info').send(0, rec(-1, 'c')).send(0, rec(6, 'd')).ops,
      ).valid,
    ).toBe(true);
  });

  it('allows it for non-idempotent producers and where writes may be lost', () => {
    const ops = new Builder().send(0, rec(1, 'b')).send(0, rec(0, 'a')).ops;
    expect(checkNonmonotonicSends(ops, { idempotent: false })).toMatchObject({ valid: true, allowed: true, count: 1 });
    expect(checkNonmonotonicSends(ops, { acks: 0 })).toMatchObject({ valid: true, allowed: true });
  });
});
