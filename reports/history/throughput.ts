/**
 * Throughput over time: ok completions per second of produce (`send`) and consume (`poll`) ops.
 * Counted in fine fixed slots while reading the history (the run's length is not known until
 * the end), then merged into at most `maxBuckets` buckets of a round width.
 */
import type { Op } from '../../harness/history/history.ts';
import { LATENCY_KINDS } from './latency.ts';
import { round } from './downsample.ts';

/** The slot width counts are kept at while reading, in milliseconds. */
const SLOT_MS = 50;
/** Bucket widths a plot may use, in milliseconds (each a multiple of SLOT_MS). */
const WIDTHS_MS = [
  100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
];

/** Ops per second per bucket: `t` holds each bucket's start (ms), each series one rate per bucket. */
export interface ThroughputSeries {
  bucketMs: number;
  t: number[];
  series: { label: string; f: string; v: number[]; ops: number }[];
}

/** Counts ok produce and consume completions over time. */
export class ThroughputCollector {
  private readonly slots = new Map<string, Map<number, number>>();
  private readonly totals = new Map<string, number>();

  add(op: Op): void {
    if (op.type !== 'ok' || !(op.f in LATENCY_KINDS)) return;
    let counts = this.slots.get(op.f);
    if (!counts) this.slots.set(op.f, (counts = new Map()));
    const slot = Math.floor(op.time / SLOT_MS);
    counts.set(slot, (counts.get(slot) ?? 0) + 1);
    this.totals.set(op.f, (this.totals.get(op.f) ?? 0) + 1);
  }

  /** Rates over [0, durationMs] in at most `maxBuckets` buckets (the narrowest round width that fits). */
  series(durationMs: number, maxBuckets = 300): ThroughputSeries {
    const bucketMs =
      WIDTHS_MS.find((w) => durationMs / w <= maxBuckets) ?? Math.ceil(durationMs / maxBuckets / SLOT_MS) * SLOT_MS;
    const n = Math.max(1, Math.ceil(durationMs / bucketMs));
    const t = Array.from({ length: n }, (_, i) => i * bucketMs);
    const series = [...this.slots.entries()]
      .sort(([a], [b]) => Object.keys(LATENCY_KINDS).indexOf(a) - Object.keys(LATENCY_KINDS).indexOf(b))
      .map(([f, counts]) => {
        const v = new Array<number>(n).fill(0);
        for (const [slot, c] of counts) v[Math.min(n - 1, Math.floor((slot * SLOT_MS) / bucketMs))]! += c;
        return {
          label: `${LATENCY_KINDS[f]} ok ops/s`,
          f,
          v: v.map((c) => round((c * 1000) / bucketMs, 2)),
          ops: this.totals.get(f) ?? 0,
        };
      });
    return { bucketMs, t, series };
  }
}
