import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LatencyHistogram } from './histogram.ts';

describe('LatencyHistogram', () => {
  it('summarizes an empty histogram as zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  });

  it('gives p50, p99, p99.9 and max of 1..1000 ms within the histogram precision', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -1);
    expect(s.p99).toBeCloseTo(990, -1);
    expect(s.p999).toBeCloseTo(999, -1);
    expect(s.max).toBeCloseTo(1000, -1);
    expect(s.mean).toBeCloseTo(500.5, 0);
  });

  it('keeps microseconds', () => {
    const h = new LatencyHistogram();
    h.record(0.25);
    expect(h.summary().max).toBeCloseTo(0.25, 3);
  });

  it('shows one slow sample in the max and p99.9, not in p50', () => {
    const h = new LatencyHistogram();
    h.recordMany(1, 9999);
    h.record(2000);
    const s = h.summary();
    expect(s.p50).toBeCloseTo(1, 2);
    expect(s.max).toBeCloseTo(2000, -1);
  });

  it('adds histograms', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1);
    b.record(3);
    a.add(b);
    expect(a.count).toBe(2);
    expect(a.summary().max).toBeCloseTo(3, 2);
  });

  it('counts negative latencies (a clock step) as zero', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    expect(h.summary()).toMatchObject({ count: 1, max: 0 });
  });

  it('always orders p50 <= p99 <= p99.9 <= max', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const h = new LatencyHistogram();
        for (const x of xs) h.record(x);
        const s = h.summary();
        expect(s.p50).toBeLessThanOrEqual(s.p99);
        expect(s.p99).toBeLessThanOrEqual(s.p999);
        expect(s.p999).toBeLessThanOrEqual(s.max);
        expect(s.max).toBeCloseTo(Math.max(...xs), -Math.ceil(Math.log10(Math.max(...xs, 1))) + 2);
      }),
    );
  });
});

describe('percentile distribution', () => {
  it('steps as HdrHistogram does, as far as the samples resolve, then the maximum', async () => {
    const { percentileLadder } = await import('./histogram.ts');
    const ladder = percentileLadder(1000);
    expect(ladder.slice(0, 8)).toEqual([0, 10, 20, 30, 40, 50, 55, 60]);
    expect(ladder.at(-1)).toBe(100);
    // 1000 samples resolve 99.9% but nothing finer
    expect(ladder.filter((p) => p < 100).every((p) => 1 / (1 - p / 100) <= 1000)).toBe(true);
    expect(ladder.some((p) => p >= 99.8)).toBe(true);
  });

  it('gives the latency at each percentile, rising to the maximum', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10);
    const d = h.distribution();
    expect(d[0]!.percentile).toBe(0);
    expect(d.at(-1)).toEqual({ percentile: 100, ms: 100 });
    expect(d.every((x, i) => i === 0 || x.ms >= d[i - 1]!.ms)).toBe(true);
    expect(d.find((x) => x.percentile === 50)!.ms).toBeCloseTo(50, 0);
    expect(new LatencyHistogram().distribution()).toEqual([]);
  });
});
