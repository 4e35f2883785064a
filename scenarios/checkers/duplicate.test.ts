import { describe, expect, it } from 'vitest';
import { checkDuplicates } from './duplicate.ts';
import { Builder, rec } from './test-support.ts';

describe('duplicate', () => {
  const a = rec(0, 'a');
  const b = rec(1, 'b');

  it('passes when every record is stored once', () => {
    expect(checkDuplicates(new Builder().send(0, a).send(0, b).reads([a, b]).ops)).toMatchObject({
      valid: true,
      count: 0,
    });
  });

  it('flags a record stored at two offsets, with both copies as witness', () => {
    const r = checkDuplicates(
      new Builder()
        .send(0, a)
        .send(0, b)
        .reads([a, b, rec(2, 'a')]).ops,
    );
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ first: a, again: [rec(2, 'a')], sent: 1 });
  });

  it('does not count the same offset read twice as a second copy', () => {
    expect(checkDuplicates(new Builder().send(0, a).reads([a, a]).ops).valid).toBe(true);
  });

  it('takes an info send that appears once as where it belongs', () => {
    expect(checkDuplicates(new Builder().send(0, a, 'info').send(0, b).reads([a, b]).ops).valid).toBe(true);
  });

  it('lets a record resent after an unknown outcome appear twice, but not three times', () => {
    const twice = new Builder().send(0, a, 'info').send(0, rec(1, 'a'));
    expect(checkDuplicates(twice.reads([a, rec(1, 'a')]).ops).valid).toBe(true);
    expect(
      checkDuplicates(
        new Builder()
          .send(0, a, 'info')
          .send(0, rec(1, 'a'))
          .reads([a, rec(1, 'a'), rec(2, 'a')]).ops,
      ).valid,
    ).toBe(false);
  });

  it('does not let a definitely failed send account for a copy', () => {
    expect(
      checkDuplicates(
        new Builder()
          .send(0, a, 'fail')
          .send(0, rec(1, 'a'))
          .reads([a, rec(1, 'a')]).ops,
      ).valid,
    ).toBe(false);
  });

  it('compares key and value: the same value under another key is another record', () => {
    expect(checkDuplicates(new Builder().reads([rec(0, 'v', 0, 'k1'), rec(1, 'v', 0, 'k2')]).ops).valid).toBe(true);
  });

  it('marks duplicates of a non-idempotent producer allowed, with the count', () => {
    const r = checkDuplicates(new Builder().send(0, a).reads([a, rec(1, 'a')]).ops, { idempotent: false });
    expect(r).toMatchObject({ valid: true, allowed: true, count: 1 });
    expect(r.summary).toContain('non-idempotent');
  });

  it('is unknown without a final read', () => {
    expect(checkDuplicates(new Builder().send(0, a).ops).valid).toBe('unknown');
  });
});
