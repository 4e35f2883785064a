import { describe, expect, it } from 'vitest';
import { OffsetTable } from './offset-table.ts';

describe('OffsetTable', () => {
  it('holds numbers by partition and offset, refusing offsets it cannot hold within its budget', () => {
    const t = new OffsetTable();
    expect(t.get(0, 5)).toBe(-1);
    expect(t.set(0, 5, 7, 10)).toBe(true);
    expect(t.get(0, 5)).toBe(7);
    expect(t.get(0, 4)).toBe(-1);
    expect(t.get(1, 5)).toBe(-1);
    expect(t.set(0, -1, 1, 10)).toBe(false);
    expect(t.set(0, 1.5, 1, 10)).toBe(false);
    expect(t.set(-1, 1, 1, 10)).toBe(false);
    // A topic that started before the run: held from near its first offset on.
    expect(t.set(1, 5_000_000, 3, 10)).toBe(true);
    expect(t.get(1, 5_000_000)).toBe(3);
    expect(t.set(1, 10, 3, 10)).toBe(false);
    // Growing is bounded by the budget (the history's size), not by the offsets a broker names.
    expect(t.set(0, 2 ** 40, 1, 10)).toBe(false);
    expect(t.set(0, 300_000, 1, 1_000_000)).toBe(true);
    expect(t.get(0, 300_000)).toBe(1);
    expect(t.get(0, 5)).toBe(7);
  });
});
