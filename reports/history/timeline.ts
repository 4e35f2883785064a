/**
 * The run's timeline: per process, when it had an op in flight and how those ops ended (ok, fail,
 * info), as Jepsen's timeline draws it. Ops are counted into time slots whose width doubles when
 * there are too many, so a 10^6-op history keeps at most a few tens of thousands of slots.
 */
import type { Op } from '../../harness/history/history.ts';

/** Outcome bits a slot may carry. */
export const OK_BIT = 1;
export const FAIL_BIT = 2;
export const INFO_BIT = 4;

/** One process's row: runs of slots with the same outcomes, merged. */
export interface TimelineRow {
  process: string | number;
  /** Completed ops of the process. */
  ops: number;
  /** [start ms, end ms, outcome bits] of each stretch with ops in flight. */
  spans: [number, number, number][];
}

export interface Timeline {
  /** Width of one slot in ms (the resolution of the spans). */
  slotMs: number;
  rows: TimelineRow[];
  /** Processes not drawn (past `maxRows`), counted. */
  omitted: number;
}

/** Slots kept while reading before the width doubles. */
const MAX_SLOTS = 40_000;
const bitOf = (type: string) => (type === 'ok' ? OK_BIT : type === 'fail' ? FAIL_BIT : INFO_BIT);

/** Feed completions with their invocations (history order). */
export class TimelineCollector {
  private slotMs = 1;
  private slots = new Map<string | number, Map<number, number>>();
  private counts = new Map<string | number, number>();
  private total = 0;

  add(invoke: Op | undefined, completion: Op): void {
    if (completion.type === 'invoke') return;
    const p = completion.process;
    this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
    if (!this.slots.has(p)) this.slots.set(p, new Map());
    const bit = bitOf(completion.type);
    const startMs = invoke?.time ?? completion.time;
    let s = Math.floor(startMs / this.slotMs);
    while (s <= Math.floor(completion.time / this.slotMs)) {
      const m = this.slots.get(p)!;
      const had = m.get(s);
      if (had === undefined) this.total++;
      m.set(s, (had ?? 0) | bit);
      s++;
      if (this.total > MAX_SLOTS) {
        // the slots filled so far merge into half as many; go on from the next coarse slot
        this.coarsen();
        s = Math.floor((s - 1) / 2) + 1;
      }
    }
  }

  /** Doubles the slot width, merging neighbours. */
  private coarsen(): void {
    this.slotMs *= 2;
    this.total = 0;
    for (const [p, m] of this.slots) {
      const next = new Map<number, number>();
      for (const [s, bits] of m) next.set(s >> 1, (next.get(s >> 1) ?? 0) | bits);
      this.total += next.size;
      this.slots.set(p, next);
    }
  }

  /**
   * The rows: numbered processes (clients) first, then named ones (final-read, replay…), at most
   * `maxRows`; the nemesis gets no row (its faults are the shaded windows).
   */
  timeline(maxRows = 24): Timeline {
    const procs = [...this.slots.keys()]
      .filter((p) => p !== 'nemesis')
      .sort((a, b) =>
        typeof a === typeof b
          ? typeof a === 'number'
            ? a - (b as number)
            : String(a).localeCompare(String(b))
          : typeof a === 'number'
            ? -1
            : 1,
      );
    const rows = procs.slice(0, maxRows).map((process) => {
      const m = this.slots.get(process)!;
      const keys = [...m.keys()].sort((a, b) => a - b);
      const spans: [number, number, number][] = [];
      for (const k of keys) {
        const bits = m.get(k)!;
        const last = spans.at(-1);
        if (last && last[1] === k * this.slotMs && last[2] === bits) last[1] = (k + 1) * this.slotMs;
        else spans.push([k * this.slotMs, (k + 1) * this.slotMs, bits]);
      }
      return { process, ops: this.counts.get(process) ?? 0, spans };
    });
    return { slotMs: this.slotMs, rows, omitted: procs.length - rows.length };
  }
}
