import type { Op } from '../../harness/history/history.ts';
import { indexHistory, OK, READ_COMMITTED, recordOfRow, type HistoryIndex } from './history-index.ts';
import { END_OFFSETS } from './scenario-plan.ts';
import { FINAL_READ } from '../../harness/history/ops.ts';
import { verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Bad replay: reading from the beginning again must return the same records at the same
 * offsets, in the same order, per partition. One witness per partition: the first position where
 * they differ. No configuration allows it: what was read once is committed and stays.
 *
 * The replay may run on past the final read's end, but only with records the final read could
 * not have been owed: ones whose sends were not acknowledged (an `ok` naming an offset) before the
 * final read took that topic's end offsets — acks=0 sends, sends still in flight then, or ones
 * that failed or timed out (a Produce error such as REQUEST_TIMED_OUT leaves the record in the
 * leader's log). Such a record becomes visible when the high watermark moves on after the final
 * read, which Kafka allows. A record that runs on must also follow the partition's last offset;
 * one no send in the history accounts for, or one acknowledged before the final read, is a witness.
 * At read_committed a transactional record is owed only once its commit was invoked too, and one
 * of an aborted transaction is always a witness (aborted-read leaves the replay to this checker).
 */
export function checkReplay(history: readonly Op[], ix: HistoryIndex = indexHistory(history)): CheckResult {
  const { polls, records } = ix;
  if (!ix.final.rows || !ix.final.replay)
    return {
      checker: 'replay',
      valid: 'unknown',
      summary: 'the history lacks a final read and a replay',
      witnesses: [],
    };
  const parts = ix.partitions.names.length;
  const final = ix.final.rows;
  // The final read's rows per partition id (counting sort, rows in read order), and a cursor into each.
  const from = new Array<number>(parts + 1).fill(0);
  for (const row of final) from[records.part[row]! + 1]!++;
  for (let part = 0; part < parts; part++) from[part + 1]! += from[part]!;
  const firstRows = new Array<number>(final.length).fill(0);
  const fill = from.slice(0, parts);
  for (const row of final) firstRows[fill[records.part[row]!]!++] = row;
  const cursor = new Array<number>(parts).fill(0);
  // Records the replay read past the final read's end, and the offset of the last one matched or run on.
  const ranOn = new Array<number>(parts).fill(0);
  const lastOffset = new Array<number>(parts).fill(-Infinity);
  const differs = new Array<number>(parts).fill(0);
  const witnesses: unknown[] = [];
  const differ = (part: number, x: number, y: number, why?: Record<string, unknown>) => {
    differs[part] = 1;
    witnesses.push({
      partition: ix.partitions.name(part),
      position: cursor[part]! + ranOn[part]!,
      firstRead: x < 0 ? null : recordOfRow(ix, x),
      replay: y < 0 ? null : recordOfRow(ix, y),
      ...why,
    });
  };
  let sendsOf: SendsByContent | null = null;
  let endsAt: ((part: number) => number) | null = null;
  // Content ids stand for key and value: equal ids, equal records.
  for (const p of ix.final.replay) {
    const end = polls.start[p]! + polls.size[p]!;
    for (let y = polls.start[p]!; y < end; y++) {
      const part = records.part[y]!;
      if (differs[part]) continue;
      const k = from[part]! + cursor[part]!;
      const x = k < from[part + 1]! ? firstRows[k]! : -1;
      if (x >= 0) {
        if (records.offset[x] !== records.offset[y] || records.content[x] !== records.content[y]) differ(part, x, y);
        else {
          cursor[part]!++;
          lastOffset[part] = records.offset[y]!;
        }
        continue;
      }
      // Past the final read's end.
      if (!(records.offset[y]! > lastOffset[part]!)) {
        differ(part, -1, y, { reason: 'the replay ran on with an offset at or below the one before it' });
        continue;
      }
      const why = explainRunOn(
        ix,
        (sendsOf ??= sendsByContent(ix)),
        (endsAt ??= endsTakenAt(ix)),
        part,
        y,
        polls.isolation[p] === READ_COMMITTED,
      );
      if (why) differ(part, -1, y, why);
      else {
        ranOn[part]!++;
        lastOffset[part] = records.offset[y]!;
      }
    }
  }
  for (let part = 0; part < parts; part++)
    if (!differs[part] && from[part]! + cursor[part]! < from[part + 1]!)
      differ(part, firstRows[from[part]! + cursor[part]!]!, -1);
  let extra = 0;
  for (let part = 0; part < parts; part++) if (!differs[part]) extra += ranOn[part]!;
  const clean =
    'the replay returned the same records in the same order' +
    (extra ? `, and ${extra} more past the final read's end, all from sends not acknowledged before it` : '');
  return verdict(
    'replay',
    witnesses.length,
    witnesses,
    clean,
    `${witnesses.length} partition(s) replayed differently`,
    null,
  );
}

/**
 * Where the final read took the end offsets of `part`'s topic: the position of its `end-offsets`
 * invocation for that topic (see scenario-plan.ts), or Infinity where the history has none (an
 * older history: the final read's first op stands for it).
 */
function endsTakenAt(ix: HistoryIndex): (part: number) => number {
  const at = new Map<unknown, number>();
  ix.history.forEach((o, i) => {
    if (o.process === FINAL_READ && o.f === END_OFFSETS && o.type === 'invoke') {
      const topic = (o.value as { topic?: unknown } | null)?.topic;
      if (!at.has(topic)) at.set(topic, i);
    }
  });
  return (part) => at.get(ix.partitions.names[part]!.topic) ?? Infinity;
}

/** Send rows per content id, as linked lists (head per content, next per send). */
interface SendsByContent {
  head: number[];
  next: number[];
}

function sendsByContent(ix: HistoryIndex): SendsByContent {
  const { sends } = ix;
  const head = new Array<number>(ix.contents).fill(-1);
  const next = new Array<number>(sends.count).fill(-1);
  for (let s = sends.count - 1; s >= 0; s--) {
    const c = sends.content[s]!;
    if (c < 0) continue;
    next[s] = head[c]!;
    head[c] = s;
  }
  return { head, next };
}

/**
 * Why replay row `y` (past the final read's end of `part`) may not run on, or null when a send
 * explains it: one of the same record, to the same partition (or naming none), that the final
 * read was not owed when it took the partition's end offsets. A send is owed once acknowledged
 * with an offset; a transactional one, read at read_committed, only once its transaction's commit
 * was also invoked by then, and a record of an aborted transaction is never explained there
 * (aborted-read leaves the replay to this checker).
 */
function explainRunOn(
  ix: HistoryIndex,
  byContent: SendsByContent,
  endsAt: (part: number) => number,
  part: number,
  y: number,
  readCommitted: boolean,
): Record<string, unknown> | null {
  const { sends, records } = ix;
  const tookEnds = Math.min(ix.final.from[part]!, endsAt(part));
  let acknowledged = -1;
  let aborted = -1;
  for (let s = byContent.head[records.content[y]!] ?? -1; s >= 0; s = byContent.next[s]!) {
    const sp = sends.part[s]!;
    if (sp >= 0 && sp !== part) continue;
    const done = sends.done[s]!;
    const t = sends.txn[s]!;
    const txn = t >= 0 && readCommitted ? ix.txns.fates[t]! : null;
    if (txn?.outcome === 'abort') {
      aborted = s;
      continue;
    }
    const visible = !txn || (txn.outcome === 'commit' && txn.endInvoke >= 0 && txn.endInvoke < tookEnds);
    if (sends.outcome[s] === OK && sends.offset[s]! >= 0 && done >= 0 && done < tookEnds && visible)
      acknowledged = done;
    else return null;
  }
  if (acknowledged >= 0) {
    return {
      reason: 'the replay ran on with a record acknowledged before the final read took its end offsets',
      acknowledged: ix.history[acknowledged],
      finalReadFrom: tookEnds,
    };
  }
  if (aborted >= 0)
    return {
      reason: 'the replay (read_committed) ran on with a record of an aborted transaction',
      transaction: ix.txns.fates[sends.txn[aborted]!]!.id,
    };
  return { reason: 'the replay ran on with a record no send in the history accounts for' };
}
