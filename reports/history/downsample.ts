/**
 * Downsampling for plots: a history of 10^6 ops has far more points than a chart has pixels.
 * Keeping the maximum of each time bucket (rather than a mean or a sample) keeps what a latency
 * or lag plot is read for — the spikes — while the report stays a few MB.
 */

/** Points of one series, sorted by time. */
export interface PointSeries {
  t: number[];
  v: number[];
}

/** A growable pair of number columns (time, value); cheaper than an array of objects at 10^6 points. */
export class PointBuffer {
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);
  length = 0;

  push(t: number, v: number): void {
    if (this.length === this.times.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.times = grow(this.times);
      this.values = grow(this.values);
    }
    this.times[this.length] = t;
    this.values[this.length] = v;
    this.length++;
  }

  /** The filled part of the columns (views, not copies). */
  columns(): { t: Float64Array; v: Float64Array } {
    return { t: this.times.subarray(0, this.length), v: this.values.subarray(0, this.length) };
  }
}

/**
 * At most `maxPoints` points of (t, v): all of them, sorted by time, when there are few enough;
 * else the time range [from, to] is cut into `maxPoints` equal buckets and the point with the
 * largest value of each bucket is kept (at its own time). Empty buckets yield nothing.
 */
export function downsampleMax(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  maxPoints: number,
  range?: { from: number; to: number },
): PointSeries {
  const n = t.length;
  if (v.length !== n) throw new Error(`downsampleMax: ${n} times but ${v.length} values`);
  if (!(maxPoints >= 1)) throw new Error(`downsampleMax: maxPoints must be ≥ 1, got ${maxPoints}`);
  if (n <= maxPoints) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a]! - t[b]! || a - b);
    return { t: order.map((i) => t[i]!), v: order.map((i) => v[i]!) };
  }
  let from = range?.from ?? Infinity;
  let to = range?.to ?? -Infinity;
  if (!range) {
    for (let i = 0; i < n; i++) {
      if (t[i]! < from) from = t[i]!;
      if (t[i]! > to) to = t[i]!;
    }
  }
  const width = (to - from) / maxPoints || 1;
  const best = new Int32Array(maxPoints).fill(-1);
  for (let i = 0; i < n; i++) {
    const b = Math.min(maxPoints - 1, Math.max(0, Math.floor((t[i]! - from) / width)));
    const j = best[b]!;
    if (j < 0 || v[i]! > v[j]!) best[b] = i;
  }
  const out: PointSeries = { t: [], v: [] };
  for (const i of best) {
    if (i < 0) continue;
    out.t.push(t[i]!);
    out.v.push(v[i]!);
  }
  return out;
}

/** Rounds to `digits` decimals, so the embedded JSON does not carry float noise. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
