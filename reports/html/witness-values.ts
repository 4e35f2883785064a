/**
 * Witness values as the report prints them: whole, never cut mid-value. Two things keep a
 * 10^5-op run's page small without cutting a value: a poll that returned many records shows the
 * records in the anomaly's lanes (each whole) and says how many others there were and where the
 * whole op is; a witness that holds an op printed in the witness-op table names it instead of
 * repeating it.
 */
import type { Op } from '../../harness/history/history.ts';
import type { PartitionLane } from '../history/log-lanes.ts';
import { isHistoryOp } from '../results-schema.ts';

/** Polls with at most this many records are printed whole. */
export const MAX_POLL_RECORDS_IN_FULL = 200;

interface PollRecord {
  topic?: unknown;
  partition?: unknown;
  offset?: unknown;
}

/** An op's value as JSON text, and a note when a long poll shows only the records in `lanes`. */
export function opValueText(op: Op, lanes: readonly PartitionLane[]): { text: string; note?: string } {
  const v = op.value as { records?: unknown } | null;
  const records = v && typeof v === 'object' && Array.isArray(v.records) ? (v.records as PollRecord[]) : undefined;
  if (!records || records.length <= MAX_POLL_RECORDS_IN_FULL) return { text: JSON.stringify(op.value) ?? '' };
  const drawn = new Map(lanes.map((l) => [l.partition, new Set(l.offsets)]));
  const kept = records.filter((r) => drawn.get(`${String(r.topic)}/${String(r.partition)}`)?.has(Number(r.offset)));
  return {
    text: JSON.stringify({ ...v, records: kept }),
    note: `${kept.length} of this poll's ${records.length} records shown: those at the offsets drawn in the lanes above; the whole op is line ${op.index + 1} of history.jsonl`,
  };
}

/** Stored witnesses as JSON, each op that `printed` holds replaced by `{"op": index}` (it is in the table above). */
export function storedWitnessText(witnesses: readonly unknown[], printed: ReadonlySet<number>): string {
  const replace = (v: unknown, depth: number): unknown => {
    if (isHistoryOp(v) && printed.has(v.index)) return { op: v.index, shown: 'in the witness ops above' };
    if (depth > 2 || typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => replace(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x, depth + 1)]));
  };
  return JSON.stringify(
    witnesses.map((w) => replace(w, 0)),
    null,
    2,
  );
}
