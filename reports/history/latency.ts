/**
 * Per-op latency over time for produce (`send`) and consume (`poll`) ops: for each completed op,
 * the time from its invocation to its completion, placed at the invocation time, one series per
 * kind and outcome (ok, fail, info) — Jepsen's latency-raw plot.
 */
import type { Op } from '../../harness/history/history.ts';
import { downsampleMax, PointBuffer, round, type PointSeries } from './downsample.ts';

/** The op kinds plotted and what the report calls them. */
export const LATENCY_KINDS: Readonly<Record<string, string>> = { send: 'produce', poll: 'consume' };

/** One plotted series: e.g. `produce ok`, with how many ops it stands for before downsampling. */
export interface LatencySeries extends PointSeries {
  label: string;
  f: string;
  type: 'ok' | 'fail' | 'info';
  /** Ops in the series before downsampling. */
  ops: number;
}

/** Collects (invocation time, latency) per kind and outcome. */
export class LatencyCollector {
  private readonly buffers = new Map<string, { f: string; type: 'ok' | 'fail' | 'info'; points: PointBuffer }>();

  /** Records one completed op, given its invocation. Ops of other kinds are ignored. */
  add(invoke: Op | undefined, completion: Op): void {
    if (!invoke || completion.type === 'invoke' || !(completion.f in LATENCY_KINDS)) return;
    const key = `${completion.f} ${completion.type}`;
    let b = this.buffers.get(key);
    if (!b) this.buffers.set(key, (b = { f: completion.f, type: completion.type, points: new PointBuffer() }));
    b.points.push(invoke.time, Math.max(0, completion.time - invoke.time));
  }

  /**
   * The series, each downsampled to at most `maxPoints` (the slowest op of each time bucket
   * kept); times and latencies in milliseconds.
   */
  series(maxPoints: number, range?: { from: number; to: number }): LatencySeries[] {
    const order = (s: LatencySeries) =>
      Object.keys(LATENCY_KINDS).indexOf(s.f) * 3 + ['ok', 'fail', 'info'].indexOf(s.type);
    const out: LatencySeries[] = [];
    for (const { f, type, points } of this.buffers.values()) {
      const { t, v } = points.columns();
      const d = downsampleMax(t, v, maxPoints, range);
      out.push({
        label: `${LATENCY_KINDS[f]} ${type}`,
        f,
        type,
        ops: points.length,
        t: d.t.map((x) => round(x, 1)),
        v: d.v.map((x) => round(x, 3)),
      });
    }
    return out.sort((a, b) => order(a) - order(b));
  }
}
