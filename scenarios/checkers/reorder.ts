import type { Op } from '../../harness/history/history.ts';
import { indexHistory, OK, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from './types.ts';

/** One producer's acks in one partition, in completion order, with where the final read found each. */
interface Group {
  invoke: number[];
  done: number[];
  offset: number[];
}

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
  const final = ix.final;
  if (!final) return { checker: 'reorder', valid: 'unknown', summary: 'no final read in the history', witnesses: [] };
  // Content id → its first row in the final read.
  const where = new Int32Array(ix.contents).fill(-1);
  for (let k = final.length - 1; k >= 0; k--) where[ix.recContent[final[k]!]!] = final[k]!;
  // Per process, by partition id.
  const groups: (Group | undefined)[][] = ix.processes.map(() => []);
  for (let s = 0; s < ix.sendCount; s++) {
    const row = where[ix.sendContent[s]!]!;
    if (ix.sendOutcome[s] !== OK || ix.sendInvoke[s]! < 0 || row < 0) continue;
    const g = (groups[ix.sendProcess[s]!]![ix.recPart[row]!] ??= { invoke: [], done: [], offset: [] });
    g.invoke.push(ix.sendInvoke[s]!);
    g.done.push(ix.sendDone[s]!);
    g.offset.push(ix.recOffset[row]!);
  }
  const witnesses: unknown[] = [];
  let count = 0;
  groups.forEach((byPart, p) => {
    const process = ix.processes[p];
    byPart.forEach((g, part) => {
      if (!g) return;
      inCompletionOrder(g);
      const n = g.done.length;
      // best[i]: the ack among the first i + 1 that the final read placed last.
      const best = new Int32Array(n);
      for (let i = 1; i < n; i++) best[i] = g.offset[best[i - 1]!]! > g.offset[i]! ? best[i - 1]! : i;
      for (let b = 0; b < n; b++) {
        const j = lastCompletedBefore(g.done, g.invoke[b]!);
        if (j < 0) continue;
        const a = best[j]!;
        if (g.offset[a]! <= g.offset[b]!) continue;
        count++;
        if (witnesses.length < MAX_WITNESSES) {
          witnesses.push({ partition: ix.partitions.name(part), process, first: history[g.done[a]!], then: history[g.done[b]!], finalOffsets: { first: g.offset[a], then: g.offset[b] } });
        }
      }
    });
  });
  return verdict(
    'reorder',
    count,
    witnesses,
    "every producer's acknowledged records are in the log in the order they were acknowledged",
    `${count} acknowledged record(s) stored before a record their producer had acknowledged earlier`,
    null,
  );
}

/** Sorts a group by completion; sends pair first in, first out, so this is nearly always a no-op. */
function inCompletionOrder(g: Group): void {
  if (g.done.every((d, i) => i === 0 || g.done[i - 1]! < d)) return;
  const order = g.done.map((_, i) => i).sort((x, y) => g.done[x]! - g.done[y]!);
  for (const k of ['invoke', 'done', 'offset'] as const) {
    const col = g[k];
    g[k] = order.map((i) => col[i]!);
  }
}

/** The last index whose completion comes before position `before`, or -1 (`done` ascending). */
function lastCompletedBefore(done: readonly number[], before: number): number {
  let lo = 0;
  let hi = done.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (done[mid]! < before) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
