/**
 * The other side of a lost-write witness: what the final read (process `final-read`) held at
 * the offset a write was acknowledged at, and which offsets of that partition it skipped. A
 * report then shows both sides — "acknowledged at mmr/0@14" and "the final read held …/nothing
 * there" — instead of the acknowledgement alone.
 */
import type { Op } from '../../harness/history/history.ts';

/** A position a witness names: topic, partition, offset. */
export interface Position {
  topic: string;
  partition: number;
  offset: number;
}

/** What the final read held at one position, and what it skipped in that partition. */
export interface FinalReadAt {
  /** `topic/partition@offset`. */
  position: string;
  /** The record the final read returned at that offset (key and value), or null when it returned none. */
  held: { key: unknown; value: unknown } | null;
  /** Offsets of the partition the final read did not return, between its first and the highest acknowledged or read (at most 50). */
  skipped: number[];
  /** How many skipped offsets there were in all. */
  skippedCount: number;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;
const MAX_SKIPPED = 50;

/** Collects, op by op, what the final read returned in the partitions of `wanted`. */
export class FinalReadCollector {
  private readonly wanted: Position[];
  private readonly partitions: Set<string>;
  private readonly read = new Map<string, Map<number, { key: unknown; value: unknown }>>();
  private readonly highestAcked = new Map<string, number>();

  constructor(wanted: readonly Position[]) {
    this.wanted = [...wanted];
    this.partitions = new Set(wanted.map((p) => key(p.topic, p.partition)));
  }

  add(op: Op): void {
    if (this.partitions.size === 0 || op.type !== 'ok') return;
    const v = op.value as
      | {
          topic?: string;
          partition?: number;
          offset?: number;
          records?: { topic: string; partition: number; offset: number; key: unknown; value: unknown }[];
        }
      | undefined;
    if (
      op.f === 'send' &&
      v &&
      typeof v.topic === 'string' &&
      typeof v.partition === 'number' &&
      typeof v.offset === 'number'
    ) {
      const k = key(v.topic, v.partition);
      if (this.partitions.has(k)) this.highestAcked.set(k, Math.max(this.highestAcked.get(k) ?? -1, v.offset));
    }
    if (op.f === 'poll' && op.process === 'final-read' && Array.isArray(v?.records)) {
      for (const r of v!.records!) {
        const k = key(r.topic, r.partition);
        if (!this.partitions.has(k)) continue;
        let m = this.read.get(k);
        if (!m) this.read.set(k, (m = new Map()));
        m.set(Number(r.offset), { key: r.key, value: r.value });
      }
    }
  }

  /** One entry per wanted position; empty when the history had no final read of those partitions. */
  result(): FinalReadAt[] {
    return this.wanted.map((p) => {
      const k = key(p.topic, p.partition);
      const m = this.read.get(k) ?? new Map<number, { key: unknown; value: unknown }>();
      const offsets = [...m.keys()];
      const low = offsets.length ? Math.min(...offsets) : 0;
      const high = Math.max(p.offset, this.highestAcked.get(k) ?? -1, ...offsets);
      const skipped: number[] = [];
      let skippedCount = 0;
      for (let o = Math.min(low, p.offset); o <= high; o++) {
        if (m.has(o)) continue;
        skippedCount++;
        if (skipped.length < MAX_SKIPPED) skipped.push(o);
      }
      return { position: `${k}@${p.offset}`, held: m.get(p.offset) ?? null, skipped, skippedCount };
    });
  }
}
