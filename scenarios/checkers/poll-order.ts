import type { Op } from '../../harness/history/history.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { indexHistory, recordAt, type HistoryIndex, type PollEntry } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from './types.ts';

/** Where one consumer is, per partition id: the offset it last read and the poll and row it came in. */
interface Position {
  offset: number[];
  poll: PollEntry[];
  row: number[];
}

/**
 * Polls of each consumer, per partition: offsets must strictly increase (nonmonotonic-poll) and
 * follow each other with no gap (poll-skip) — a consumer that reads on from where it was never
 * jumps over a record. A `seek`, `assign` or `subscribe` op by the consumer (ok or info) starts
 * it afresh. On partitions that transactional sends wrote to (or every partition, when the
 * configuration says transactional), gaps are allowed: commit markers and, for read_committed
 * consumers, aborted records take offsets no consumer is given. They are counted, not hidden.
 */
export function checkPollOrder(history: readonly Op[], config: Partial<CheckConfig> = {}, ix: HistoryIndex = indexHistory(history)): CheckResult[] {
  const c = resolveCheckConfig(config);
  const last = new Map<Op['process'], Position>();
  const backwards: unknown[] = [];
  const skips: unknown[] = [];
  let backwardsCount = 0;
  let skipCount = 0;
  let txnGaps = 0;
  // Polls and repositions, merged in history order.
  let next = 0;
  for (const p of ix.polls) {
    for (; next < ix.repositions.length && ix.repositions[next]! < p.at; next++) last.delete(history[ix.repositions[next]!]!.process);
    const process = p.op.process;
    let mine = last.get(process);
    if (!mine) last.set(process, (mine = { offset: [], poll: [], row: [] }));
    for (let row = p.start; row < p.start + p.count; row++) {
      const part = ix.recPart[row]!;
      const offset = ix.recOffset[row]!;
      const prev = mine.offset[part];
      if (prev !== undefined && offset !== prev + 1) {
        if (offset <= prev) {
          backwardsCount++;
          if (backwards.length < MAX_WITNESSES) backwards.push({ process, previous: recordAt(mine.poll[part]!, mine.row[part]!), next: recordAt(p, row), op: p.op });
        } else if (c.transactional || ix.txnParts[part]) txnGaps++;
        else {
          skipCount++;
          if (skips.length < MAX_WITNESSES) skips.push({ process, previous: recordAt(mine.poll[part]!, mine.row[part]!), next: recordAt(p, row), op: p.op, skipped: offset - prev - 1 });
        }
      }
      mine.offset[part] = offset;
      mine.poll[part] = p;
      mine.row[part] = row;
    }
  }
  const gapNote = txnGaps > 0 ? ` (${txnGaps} gap(s) on transactional partitions, allowed: commit markers and aborted records take offsets)` : '';
  const skip = verdict('poll-skip', skipCount, skips, `no consumer skipped an offset${gapNote}`, `${skipCount} read(s) skipped offsets${gapNote}`, allowance(c, 'poll-skip'));
  if (txnGaps > 0 && skipCount === 0) {
    skip.allowed = true;
    skip.count = txnGaps;
  }
  return [
    verdict('nonmonotonic-poll', backwardsCount, backwards, 'every consumer read offsets in increasing order', `${backwardsCount} read(s) went backwards`, allowance(c, 'nonmonotonic-poll')),
    skip,
  ];
}
