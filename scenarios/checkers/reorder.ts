// biome-ignore-all lint/suspicious/noThenProperty: a witness field of results.json (first … then); the object is never awaited
import type { Op } from '../../harness/history/history.ts';
import { indexHistory, OK, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Reorder: per partition, two records acknowledged by one producer in real-time order — A's ok
 * completed before B was invoked — that the final read returns B before A (B at a lower offset).
 * Sends that overlap in time (a batch in flight) carry no order and are never compared.
 *
 * How it differs from nonmonotonic-send: that checker reads the offsets the broker *told* the
 * producer; this one reads where the records *are* in the log at the end. A broker that acks
 * truthfully but later rewrites its log (a bad truncation, a replica that appended in another
 * order and became leader), or that acks without offsets (acks=0, where nonmonotonic-send sees
 * nothing), is caught here. No configuration allows it: Kafka appends a producer's acknowledged
 * records in order, and a lost record is lost-write's business, not a reordering.
 *
 * O(n log n): per producer and partition, a running maximum of final-read offsets over the acks
 * in completion order; for each B a binary search finds the acks completed before B's invocation.
 */
export function checkReorder(history: readonly Op[], ix: HistoryIndex = indexHistory(history)): CheckResult {
  const { sends, records } = ix;
  const final = ix.final.rows;
  if (!final) return { checker: 'reorder', valid: 'unknown', summary: 'no final read in the history', witnesses: [] };
  // Content id → its first row in the final read.
  const where = new Array<number>(ix.contents).fill(-1);
  for (let k = final.length - 1; k >= 0; k--) where[records.content[final[k]!]!] = final[k]!;
  // Groups: one producer's acks in one partition (where the final read found them), numbered in
  // order of appearance; key = process * partitions + partition.
  const parts = ix.partitions.names.length;
  // Keys are few (producers × partitions): an array finds their groups, a map where they are many.
  const keySpace = sends.processes.length * parts;
  const groupOfKey = keySpace <= 1 << 16 ? new Array<number>(keySpace).fill(-1) : null;
  const groupOfFarKey = new Map<number, number>();
  const keys: number[] = [];
  const sizes: number[] = [];
  const groupOf = new Array<number>(sends.count).fill(-1);
  for (let s = 0; s < sends.count; s++) {
    const row = where[sends.content[s]!]!;
    if (sends.outcome[s] !== OK || sends.invoke[s]! < 0 || row < 0) continue;
    const key = sends.process[s]! * parts + records.part[row]!;
    let g = groupOfKey ? groupOfKey[key]! : (groupOfFarKey.get(key) ?? -1);
    if (g < 0) {
      g = keys.length;
      if (groupOfKey) groupOfKey[key] = g;
      else groupOfFarKey.set(key, g);
      keys.push(key);
      sizes.push(0);
    }
    groupOf[s] = g;
    sizes[g]!++;
  }
  // Each group's acks side by side, in send order: invocation, completion, final-read offset.
  const start = new Array<number>(keys.length + 1).fill(0);
  for (let g = 0; g < keys.length; g++) start[g + 1] = start[g]! + sizes[g]!;
  const fill = start.slice(0, keys.length);
  const total = start[keys.length]!;
  const invoke = new Array<number>(total).fill(0);
  const done = new Array<number>(total).fill(0);
  const offset = new Array<number>(total).fill(0);
  for (let s = 0; s < sends.count; s++) {
    const g = groupOf[s]!;
    if (g < 0) continue;
    const at = fill[g]!++;
    invoke[at] = sends.invoke[s]!;
    done[at] = sends.done[s]!;
    offset[at] = records.offset[where[sends.content[s]!]!]!;
  }
  const witnesses: unknown[] = [];
  let count = 0;
  // best[i]: the ack among the group's first ones up to i that the final read placed last.
  const best = new Array<number>(total).fill(0);
  // Witnesses in order of process, then partition.
  const order = keys.map((_, g) => g).sort((x, y) => keys[x]! - keys[y]!);
  for (const g of order) {
    const from = start[g]!;
    const to = start[g + 1]!;
    inCompletionOrder(invoke, done, offset, from, to);
    best[from] = from;
    for (let i = from + 1; i < to; i++) best[i] = offset[best[i - 1]!]! > offset[i]! ? best[i - 1]! : i;
    for (let b = from; b < to; b++) {
      const j = lastCompletedBefore(done, from, to, invoke[b]!);
      if (j < 0) continue;
      const a = best[j]!;
      if (offset[a]! <= offset[b]!) continue;
      count++;
      if (witnesses.length < MAX_WITNESSES) {
        const part = keys[g]! % parts;
        const process = sends.processes[(keys[g]! - part) / parts];
        witnesses.push({
          partition: ix.partitions.name(part),
          process,
          first: history[done[a]!],
          then: history[done[b]!],
          finalOffsets: { first: offset[a], then: offset[b] },
        });
      }
    }
  }
  return verdict(
    'reorder',
    count,
    witnesses,
    "every producer's acknowledged records are in the log in the order they were acknowledged",
    `${count} acknowledged record(s) stored before a record their producer had acknowledged earlier`,
    null,
  );
}

/** Sorts a group's slice by completion; sends pair first in, first out, so this is nearly always a no-op. */
function inCompletionOrder(invoke: number[], done: number[], offset: number[], from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = done[i - 1]! < done[i]!;
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((x, y) => done[x]! - done[y]!);
  for (const col of [invoke, done, offset]) {
    const copy = order.map((i) => col[i]!);
    for (let i = from; i < to; i++) col[i] = copy[i - from]!;
  }
}

/** The last index in [from, to) whose completion comes before position `before`, or -1 (`done` ascending there). */
function lastCompletedBefore(done: readonly number[], from: number, to: number, before: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (done[mid]! < before) lo = mid + 1;
    else hi = mid;
  }
  return lo === from ? -1 : lo - 1;
}
