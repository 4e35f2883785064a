import { describe, expect, it } from 'vitest';
import { percentileTicks, percentileX } from './chart-specs.ts';

describe('the percentile axis of a load distribution plot', () => {
  it('puts 90%, 99%, 99.9% one decade apart, and the maximum beyond the finest percentile', () => {
    expect(percentileX(0, 1000)).toBe(0);
    expect(percentileX(90, 1000)).toBe(1);
    expect(percentileX(99, 1000)).toBe(2);
    expect(percentileX(99.9, 1000)).toBeCloseTo(3, 3);
    expect(percentileX(100, 1000)).toBeGreaterThan(3);
  });

  it('labels the decades as HdrHistogram does', () => {
    expect(percentileTicks(3.3).map((t) => t.label)).toEqual(['0%', '90%', '99%', '99.9%']);
    expect(percentileTicks(5).at(-1)).toEqual({ at: 5, label: '99.999%' });
  });
});
