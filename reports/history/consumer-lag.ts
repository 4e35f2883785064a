/**
 * Consumer lag over time, per partition: the end of what producers had acknowledged (highest ok
 * send offset + 1) minus the end of what consumers had read (highest polled offset + 1). Only
 * partitions that consumers read get a series — a history without consumers has no lag to draw.
 * The final read and the replay (which read everything after the run) are not consumers here.
 */
import type { Op } from '../../harness/history/history.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND } from '../../harness/history/ops.ts';
import { downsampleMax, PointBuffer, type PointSeries } from './downsample.ts';

/** One partition's lag in records over time (ms). */
export interface LagSeries extends PointSeries {
  label: string;
  /** Largest lag seen (before downsampling). */
  peak: number;
}

interface PartitionState {
  acked: number;
  consumed: number;
  read: boolean;
  points: PointBuffer;
  peak: number;
}

const NOT_CONSUMERS = new Set<unknown>([FINAL_READ, REPLAY_READ]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Follows acknowledged and consumed offsets per partition. */
export class ConsumerLagCollector {
  private readonly partitions = new Map<string, PartitionState>();

  private state(topic: string, partition: number): PartitionState {
    const key = `${topic}/${partition}`;
    let s = this.partitions.get(key);
    if (!s) this.partitions.set(key, (s = { acked: 0, consumed: 0, read: false, points: new PointBuffer(), peak: 0 }));
    return s;
  }

  private sample(s: PartitionState, time: number): void {
    const lag = Math.max(0, s.acked - s.consumed);
    if (lag > s.peak) s.peak = lag;
    s.points.push(time, lag);
  }

  add(op: Op): void {
    if (op.type !== 'ok' || !isObject(op.value)) return;
    if (op.f === SEND) {
      const { topic, partition, offset } = op.value;
      if (typeof topic !== 'string' || typeof partition !== 'number' || typeof offset !== 'number' || offset < 0)
        return;
      const s = this.state(topic, partition);
      if (offset + 1 > s.acked) {
        s.acked = offset + 1;
        this.sample(s, op.time);
      }
    } else if (op.f === POLL && !NOT_CONSUMERS.has(op.process) && Array.isArray(op.value.records)) {
      const touched = new Set<PartitionState>();
      for (const r of op.value.records as unknown[]) {
        if (
          !isObject(r) ||
          typeof r.topic !== 'string' ||
          typeof r.partition !== 'number' ||
          typeof r.offset !== 'number'
        )
          continue;
        const s = this.state(r.topic, r.partition);
        s.read = true;
        if (r.offset + 1 > s.consumed) s.consumed = r.offset + 1;
        touched.add(s);
      }
      for (const s of touched) this.sample(s, op.time);
    }
  }

  /**
   * The lag series of partitions that consumers read, the `maxSeries` with the highest peak
   * (`omitted` counts the rest), each downsampled to at most `maxPoints`.
   */
  series(
    maxPoints: number,
    maxSeries = 8,
    range?: { from: number; to: number },
  ): { series: LagSeries[]; omitted: number } {
    const read = [...this.partitions.entries()].filter(([, s]) => s.read);
    const kept = read.sort(([a, x], [b, y]) => y.peak - x.peak || a.localeCompare(b)).slice(0, maxSeries);
    const series = kept
      .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
      .map(([label, s]) => {
        const { t, v } = s.points.columns();
        return { label, peak: s.peak, ...downsampleMax(t, v, maxPoints, range) };
      });
    return { series, omitted: read.length - kept.length };
  }
}
