/**
 * The log positions an anomaly's witnesses name, read from the witnesses as results.json stores
 * them (no checker is run): an acknowledged send's offset, a record read at an offset, an
 * `offset: "topic/partition@offset"` string, a consumer's previous and next record around a
 * skip. The report draws a log lane around these positions.
 */
import { isHistoryOp } from '../results-schema.ts';

/** A partition of a topic, written `topic/partition`. */
export type PartitionKey = string;

/** One position a witness names; `process` when it is a consumer's read (poll-skip, nonmonotonic-poll). */
export interface WitnessPosition {
  topic: string;
  partition: number;
  offset: number;
  process?: string | number;
}

/** `topic/partition`. */
export const partitionKey = (topic: string, partition: number): PartitionKey => `${topic}/${partition}`;

interface RecordLike {
  topic: string;
  partition: number;
  offset: number;
}

function isRecordLike(v: unknown): v is RecordLike {
  const r = v as Partial<RecordLike> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.topic === 'string' &&
    typeof r.partition === 'number' &&
    typeof r.offset === 'number' &&
    Number.isInteger(r.offset) &&
    r.offset >= 0
  );
}

/** Parses `topic/partition@offset` (topic names cannot hold `/` or `@`). */
export function parsePosition(s: string): WitnessPosition | undefined {
  const m = /^([^/@]+)\/(\d+)@(\d+)$/.exec(s);
  return m ? { topic: m[1]!, partition: Number(m[2]), offset: Number(m[3]) } : undefined;
}

/**
 * Every position in `witnesses`, deduplicated, in the order found. Looks two levels into each
 * witness; a poll op's records are not taken (a witness poll names its record separately), a
 * send op's acknowledged offset is.
 */
export function witnessPositions(witnesses: readonly unknown[]): WitnessPosition[] {
  const out = new Map<string, WitnessPosition>();
  const add = (p: WitnessPosition) => {
    const k = `${p.topic}/${p.partition}@${p.offset}:${p.process ?? ''}`;
    if (!out.has(k)) out.set(k, p);
  };
  const visit = (v: unknown, depth: number, process?: string | number) => {
    if (typeof v === 'string') {
      const p = parsePosition(v);
      if (p) add(p);
      return;
    }
    if (typeof v !== 'object' || v === null || depth > 3) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1, process);
      return;
    }
    if (isHistoryOp(v)) {
      if (v.f === 'send' && v.type === 'ok' && isRecordLike(v.value)) add(pick(v.value));
      return;
    }
    if (isRecordLike(v)) {
      add({ ...pick(v), ...(process !== undefined ? { process } : {}) });
      return;
    }
    const o = v as Record<string, unknown>;
    const proc = typeof o.process === 'string' || typeof o.process === 'number' ? o.process : process;
    for (const [k, x] of Object.entries(o)) if (k !== 'process') visit(x, depth + 1, proc);
  };
  for (const w of witnesses) visit(w, 0);
  // A consumer's skip: the offsets between its previous and next record are what it jumped over.
  for (const w of witnesses) {
    const o = w as { previous?: unknown; next?: unknown; process?: unknown } | null;
    if (!o || typeof o !== 'object' || !isRecordLike(o.previous) || !isRecordLike(o.next)) continue;
    const { previous: a, next: b } = o;
    if (a.topic !== b.topic || a.partition !== b.partition || b.offset <= a.offset + 1) continue;
    add({ topic: a.topic, partition: a.partition, offset: a.offset + 1 });
    add({ topic: a.topic, partition: a.partition, offset: b.offset - 1 });
  }
  return [...out.values()];
}

const pick = (r: RecordLike): WitnessPosition => ({ topic: r.topic, partition: r.partition, offset: r.offset });
