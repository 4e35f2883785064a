/**
 * Latency histograms for load runs: HDR histograms (hdr-histogram-js) recording microseconds,
 * so p99.9 of a million samples costs a few kilobytes and no sorting, summarized in milliseconds.
 */
import * as hdr from 'hdr-histogram-js';

/** What a load report shows of a latency distribution, in milliseconds. */
export interface LatencySummary {
  /** Samples recorded. */
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** A latency distribution; values are recorded in milliseconds (fractions kept to the microsecond). */
export class LatencyHistogram {
  private readonly h = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, autoResize: true });

  /** Records one latency; negative values (clock steps) count as zero. */
  record(ms: number): void {
    this.h.recordValue(Math.max(0, Math.round(ms * 1000)));
  }

  /** Records `count` samples of the same latency. */
  recordMany(ms: number, count: number): void {
    if (count > 0) this.h.recordValueWithCount(Math.max(0, Math.round(ms * 1000)), count);
  }

  /** Adds every sample of another histogram (e.g. one per producer into the run's total). */
  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** The latency at `percentile` (0-100), in ms; 0 when empty. */
  percentile(percentile: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(percentile) / 1000;
  }

  /**
   * The percentile distribution as HdrHistogram plots it: the latency at each percentile of
   * {@link percentileLadder} (ms, capped at the maximum), ending at 100 (the maximum). Empty when
   * nothing was recorded.
   */
  distribution(): { percentile: number; ms: number }[] {
    const h = this.h;
    if (h.totalCount === 0) return [];
    const max = h.maxValue;
    return percentileLadder(h.totalCount).map((p) => ({
      percentile: p,
      ms: us(p === 100 ? max : Math.min(h.getValueAtPercentile(p), max)),
    }));
  }

  /** p50, p90, p99, p99.9, max and mean, in ms rounded to the microsecond; all zero when empty. */
  summary(): LatencySummary {
    const h = this.h;
    if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    // A percentile is reported as the top of its bucket, which can lie above the largest sample
    // recorded: capped at the maximum so that p50 <= p99 <= p99.9 <= max always holds.
    const max = h.maxValue;
    const at = (p: number) => us(Math.min(h.getValueAtPercentile(p), max));
    return {
      count: h.totalCount,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: us(max),
      mean: us(h.mean),
    };
  }
}

/** Microseconds to milliseconds, rounded to the microsecond. */
const us = (micros: number) => Math.round(micros) / 1000;

/**
 * The percentiles HdrHistogram's percentile distribution reports (`ticksPerHalfDistance` ticks in
 * each halving of the distance to 100%: 0, 10, 20, 30, 40, 50, 55…, 75, 77.5…), as far as
 * `count` samples resolve (1/(1 − p) ≤ count), then 100.
 */
export function percentileLadder(count: number, ticksPerHalfDistance = 5): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const base = 1 - 2 ** -k;
    const step = 2 ** -(k + 1) / ticksPerHalfDistance;
    for (let j = 0; j < ticksPerHalfDistance; j++) {
      const p = base + j * step;
      if (1 / (1 - p) > count || k > 40) return [...out, 100];
      out.push(Math.round(p * 100 * 1e6) / 1e6);
    }
  }
}
