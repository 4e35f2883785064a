// biome-ignore-all lint/suspicious/noThenProperty: the witness fields of reorder.ts (`first`, `then`)
import { describe, expect, it } from 'vitest';
import { checkNonmonotonicSends } from './nonmonotonic-send.ts';
import { checkReorder } from './reorder.ts';
import { Builder, rec } from './test-support.ts';

describe('reorder', () => {
  it('passes when acknowledged records sit in the log in acknowledgement order', () => {
    const r = checkReorder(
      new Builder()
        .send(0, rec(0, 'a'))
        .send(0, rec(1, 'b'))
        .send(1, rec(2, 'c'))
        .reads([rec(0, 'a'), rec(1, 'b'), rec(2, 'c')]).ops,
    );
    expect(r).toMatchObject({ valid: true, count: 0 });
  });

  it('flags B before A in the log when A was acknowledged before B was sent', () => {
    // The acks say 0 then 1 (nonmonotonic-send is content); the log holds them the other way round.
    const ops = new Builder()
      .send(0, rec(0, 'a'))
      .send(0, rec(1, 'b'))
      .reads([rec(0, 'b'), rec(1, 'a')]).ops;
    const r = checkReorder(ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({
      partition: 't/0',
      process: 0,
      first: { value: { value: 'a' } },
      then: { value: { value: 'b' } },
      finalOffsets: { first: 1, then: 0 },
    });
    expect(checkNonmonotonicSends(ops).valid).toBe(true);
  });

  it('sees a reordering acks without offsets (acks=0) hide from nonmonotonic-send', () => {
    const ops = new Builder()
      .send(0, rec(-1, 'a'))
      .send(0, rec(-1, 'b'))
      .reads([rec(0, 'b'), rec(1, 'a')]).ops;
    expect(checkReorder(ops).valid).toBe(false);
    expect(checkNonmonotonicSends(ops).valid).toBe(true);
  });

  it('does not order sends that were in flight together', () => {
    expect(
      checkReorder(new Builder().batch(0, [rec(0, 'a'), rec(1, 'b')]).reads([rec(0, 'b'), rec(1, 'a')]).ops).valid,
    ).toBe(true);
  });

  it('compares within one producer and one partition only', () => {
    expect(
      checkReorder(
        new Builder()
          .send(0, rec(0, 'a'))
          .send(1, rec(1, 'b'))
          .reads([rec(0, 'b'), rec(1, 'a')]).ops,
      ).valid,
    ).toBe(true);
    expect(
      checkReorder(
        new Builder()
          .send(0, rec(5, 'a', 0))
          .send(0, rec(0, 'b', 1))
          .reads([rec(5, 'a', 0), rec(0, 'b', 1)]).ops,
      ).valid,
    ).toBe(true);
  });

  it('finds the earlier record placed last among several, in O(n log n)', () => {
    const b = new Builder();
    for (let i = 0; i < 5; i++) b.send(0, rec(i, `v${i}`));
    // v1 ended up last: every later send (v2..v4) comes before it.
    const r = checkReorder(b.reads([rec(0, 'v0'), rec(1, 'v2'), rec(2, 'v3'), rec(3, 'v4'), rec(4, 'v1')]).ops);
    expect(r.count).toBe(3);
  });

  it('leaves out info sends and records missing from the final read (lost-write decides those)', () => {
    expect(
      checkReorder(
        new Builder()
          .send(0, rec(0, 'a'), 'info')
          .send(0, rec(1, 'b'))
          .send(0, rec(2, 'c'))
          .reads([rec(0, 'c'), rec(1, 'a')]).ops,
      ).valid,
    ).toBe(true);
  });

  it('is unknown without a final read', () => {
    expect(checkReorder(new Builder().send(0, rec(0, 'a')).ops).valid).toBe('unknown');
  });
});
