import { describe, expect, it } from 'vitest';
import { PlotSeries, bucketWidthMs } from './plot-series.ts';

describe('bucketWidthMs', () => {
  it('draws a short run in many buckets and a long one in at most 300', () => {
    expect(bucketWidthMs(3_000)).toBe(100);
    expect(bucketWidthMs(60_000)).toBe(250);
    expect(bucketWidthMs(600_000)).toBe(2000);
    expect((24 * 3_600_000) / bucketWidthMs(24 * 3_600_000)).toBeLessThanOrEqual(300);
  });
});

describe('PlotSeries', () => {
  it('counts events into their bucket as rates per second, with the latency percentiles of each', () => {
    const s = new PlotSeries(1000, 3000); // 100 ms buckets
    s.sent(10, 1000);
    s.acked([1, 2, 3, 4, 100], 500, 1050);
    s.consumed(5, 1150);
    s.errors(2, 1250);
    const p = s.points();
    expect(p.map((x) => x.time)).toEqual([100, 200, 300]);
    expect(p[0]).toMatchObject({ sentPerSecond: 100, recordsPerSecond: 50, bytesPerSecond: 5000, p99Ms: 100 });
    expect(p[0]!.p50Ms).toBeCloseTo(3, 2);
    expect(p[1]).toMatchObject({ consumedPerSecond: 50, recordsPerSecond: 0, p99Ms: 0 });
    expect(p[2]!.errorsPerSecond).toBe(20);
  });
});
