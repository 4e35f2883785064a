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
