import { describe, expect, it } from 'vitest';
import { checkInconsistentOffsets } from './inconsistent-offsets.ts';
import { Builder, rec } from './test-support.ts';

describe('inconsistent-offsets', () => {
  const a = rec(0, 'a');
  const b = rec(1, 'b');

  it('passes when every offset holds what was acknowledged there', () => {
    expect(checkInconsistentOffsets(new Builder().send(0, a).send(1, b).reads([a, b]).ops)).toMatchObject({
      valid: true,
      count: 0,
    });
  });

  it('flags two acknowledgements naming one offset', () => {
    const r = checkInconsistentOffsets(new Builder().send(0, a).send(1, rec(0, 'x')).reads([a]).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({
      offset: 't/0@0',
      acknowledgedTwice: [
        { key: null, value: 'a' },
        { key: null, value: 'x' },
      ],
    });
  });

  it('flags a read returning another record at an acknowledged offset', () => {
    const r = checkInconsistentOffsets(
      new Builder()
        .send(0, a)
        .send(0, b)
        .reads([a, rec(1, 'z')]).ops,
    );
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ offset: 't/0@1', acknowledged: { value: 'b' }, read: { value: 'z' } });
  });

  it('keeps partitions apart', () => {
    expect(
      checkInconsistentOffsets(
        new Builder()
          .send(0, rec(0, 'a', 0))
          .send(0, rec(0, 'b', 1))
          .reads([rec(0, 'a', 0), rec(0, 'b', 1)]).ops,
      ).valid,
    ).toBe(true);
  });

  it('leaves out acknowledgements without an offset (acks=0) and info sends', () => {
    const ops = new Builder()
      .send(0, rec(-1, 'a'))
      .send(0, rec(-1, 'b'))
      .send(0, rec(0, 'c'), 'info')
      .reads([rec(0, 'a'), rec(1, 'b')]).ops;
    expect(checkInconsistentOffsets(ops).valid).toBe(true);
  });

  it('marks offsets reused after a loss the configuration allows as allowed', () => {
    const r = checkInconsistentOffsets(
      new Builder()
        .send(0, a)
        .send(1, rec(0, 'x'))
        .reads([rec(0, 'x')]).ops,
      { acks: 1, faults: true },
    );
    expect(r).toMatchObject({ valid: true, allowed: true, count: 1 });
    expect(r.summary).toContain('truncated log');
  });
});
