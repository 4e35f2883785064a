/**
 * What a load run's plots are drawn from: per time bucket, records sent, acknowledged, consumed and
 * failed, and the produce-ack p50 and p99 of the records acknowledged in it. The bucket width is
 * chosen from the run's length ({@link bucketWidthMs}), so a 3 s run is drawn in 30 buckets rather
 * than 3 points that say nothing.
 */
import { LatencyHistogram } from './histogram.ts';

/** Bucket widths a plot may use, in milliseconds. */
const WIDTHS_MS = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

/**
 * The narrowest round width giving at most `maxBuckets` buckets over `durationMs` (at least 100 ms,
 * so a bucket holds a few acknowledgements even at low rates): a 3 s run gets 100 ms buckets, a
 * 10 min run 2 s ones.
 */
export function bucketWidthMs(durationMs: number, maxBuckets = 300): number {
  return WIDTHS_MS.find((w) => durationMs / w <= maxBuckets) ?? Math.ceil(durationMs / maxBuckets / 1000) * 1000;
}

/** One bucket of a load run, rates per second. */
export interface PlotPoint {
  /** Milliseconds since producing started, end of the bucket. */
  readonly time: number;
  readonly sentPerSecond: number;
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly consumedPerSecond: number;
  readonly errorsPerSecond: number;
  /** Produce-ack latency of the records acknowledged in this bucket (0 when none were). */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface Bucket {
  sent: number;
  acked: number;
  bytes: number;
  consumed: number;
  errors: number;
  latency: LatencyHistogram;
}

/** Counts a load run's events into buckets of {@link bucketWidthMs}. */
export class PlotSeries {
  readonly bucketMs: number;
  private readonly startMs: number;
  private readonly buckets: Bucket[] = [];

  constructor(startMs: number, durationMs: number) {
    this.startMs = startMs;
    this.bucketMs = bucketWidthMs(durationMs);
  }

  private at(nowMs: number): Bucket {
    const i = Math.max(0, Math.floor((nowMs - this.startMs) / this.bucketMs));
    while (this.buckets.length <= i)
      this.buckets.push({ sent: 0, acked: 0, bytes: 0, consumed: 0, errors: 0, latency: new LatencyHistogram() });
    return this.buckets[i]!;
  }

  sent(n: number, nowMs: number): void {
    this.at(nowMs).sent += n;
  }

  /** `n` records acknowledged at `nowMs`, each with its produce-ack latency. */
  acked(latenciesMs: readonly number[], bytes: number, nowMs: number): void {
    const b = this.at(nowMs);
    b.acked += latenciesMs.length;
    b.bytes += bytes;
    for (const ms of latenciesMs) b.latency.record(ms);
  }

  consumed(n: number, nowMs: number): void {
    this.at(nowMs).consumed += n;
  }

  errors(n: number, nowMs: number): void {
    this.at(nowMs).errors += n;
  }

  /** Every bucket so far, as rates per second. */
  points(): PlotPoint[] {
    const perSecond = (n: number) => Math.round((n * 1000 * 10) / this.bucketMs) / 10;
    return this.buckets.map((b, i) => ({
      time: (i + 1) * this.bucketMs,
      sentPerSecond: perSecond(b.sent),
      recordsPerSecond: perSecond(b.acked),
      bytesPerSecond: perSecond(b.bytes),
      consumedPerSecond: perSecond(b.consumed),
      errorsPerSecond: perSecond(b.errors),
      p50Ms: b.latency.summary().p50,
      p99Ms: b.latency.summary().p99,
    }));
  }
}
