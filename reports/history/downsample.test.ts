import { describe, expect, it } from 'vitest';
import { downsampleMax, PointBuffer } from './downsample.ts';

describe('downsampleMax', () => {
  it('keeps every point, sorted by time, when there are few enough', () => {
    expect(downsampleMax([3, 1, 2], [30, 10, 20], 5)).toEqual({ t: [1, 2, 3], v: [10, 20, 30] });
  });

  it('keeps the largest value of each bucket at its own time', () => {
    // 10 points over [0, 10) into 2 buckets: [0, 5) and [5, 10)
    const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const v = [1, 9, 2, 3, 4, 5, 6, 7, 50, 8];
    expect(downsampleMax(t, v, 2, { from: 0, to: 10 })).toEqual({ t: [1, 8], v: [9, 50] });
  });

  it('bounds the output however many points come in, and never loses the maximum', () => {
    const buf = new PointBuffer();
    for (let i = 0; i < 200_000; i++) buf.push(i / 10, i === 123_456 ? 1e6 : i % 97);
    const { t, v } = buf.columns();
    const d = downsampleMax(t, v, 1000);
    expect(d.t.length).toBeLessThanOrEqual(1000);
    expect(Math.max(...d.v)).toBe(1e6);
    expect(d.t[d.v.indexOf(1e6)]).toBeCloseTo(12_345.6);
    expect([...d.t]).toEqual([...d.t].sort((a, b) => a - b));
  });

  it('skips empty buckets and rejects mismatched columns', () => {
    expect(downsampleMax([0, 0.1, 9.9, 10], [1, 2, 3, 4], 3, { from: 0, to: 10 })).toEqual({ t: [0.1, 10], v: [2, 4] });
    expect(() => downsampleMax([1, 2], [1], 5)).toThrow(/2 times but 1 values/);
  });
});
