import type { Op } from '../../harness/history/history.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { indexHistory, pollOp, recordOfRow, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Polls of each consumer, per partition: offsets must strictly increase (nonmonotonic-poll) and
 * follow each other with no gap (poll-skip) — a consumer that reads on from where it was never
 * jumps over a record. A `seek`, `assign` or `subscribe` op by the consumer (ok or info) starts
 * it afresh. On partitions that transactional sends wrote to (or every partition, when the
 * configuration says transactional), gaps are allowed: commit markers and, for read_committed
 * consumers, aborted records take offsets no consumer is given. They are counted, not hidden.
 */
export function checkPollOrder(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult[] {
  const { polls, records } = ix;
  const c = resolveCheckConfig(config);
  const parts = ix.partitions.names.length;
  // Per actor (consumer), by partition id: the row it last read there, or -1. A reposition clears it.
  const last: (number[] | undefined)[] = [];
  const backwards: unknown[] = [];
  const skips: unknown[] = [];
  let backwardsCount = 0;
  let skipCount = 0;
  let txnGaps = 0;
  // Polls and repositions, merged in history order.
  let next = 0;
  for (let p = 0; p < polls.count; p++) {
    const at = polls.at[p]!;
    for (; next < ix.repositions.at.length && ix.repositions.at[next]! < at; next++)
      last[ix.repositions.actor[next]!]?.fill(-1);
    const actor = polls.actor[p]!;
    let mine = last[actor];
    if (!mine) mine = last[actor] = new Array<number>(parts).fill(-1);
    const end = polls.start[p]! + polls.size[p]!;
    for (let row = polls.start[p]!; row < end; row++) {
      const part = records.part[row]!;
      const offset = records.offset[row]!;
      const prevRow = mine[part]!;
      mine[part] = row;
      if (prevRow < 0) continue;
      const prev = records.offset[prevRow]!;
      if (offset === prev + 1) continue;
      if (offset <= prev) {
        backwardsCount++;
        if (backwards.length < MAX_WITNESSES)
          backwards.push({
            process: ix.actors[actor],
            previous: recordOfRow(ix, prevRow),
            next: recordOfRow(ix, row),
            op: pollOp(ix, p),
          });
      } else if (c.transactional || ix.txns.partitions[part]) txnGaps++;
      else {
        skipCount++;
        if (skips.length < MAX_WITNESSES)
          skips.push({
            process: ix.actors[actor],
            previous: recordOfRow(ix, prevRow),
            next: recordOfRow(ix, row),
            op: pollOp(ix, p),
            skipped: offset - prev - 1,
          });
      }
    }
  }
  const gapNote =
    txnGaps > 0
      ? ` (${txnGaps} gap(s) on transactional partitions, allowed: commit markers and aborted records take offsets)`
      : '';
  const skip = verdict(
    'poll-skip',
    skipCount,
    skips,
    `no consumer skipped an offset${gapNote}`,
    `${skipCount} read(s) skipped offsets${gapNote}`,
    allowance(c, 'poll-skip'),
  );
  if (txnGaps > 0 && skipCount === 0) {
    skip.allowed = true;
    skip.count = txnGaps;
  }
  return [
    verdict(
      'nonmonotonic-poll',
      backwardsCount,
      backwards,
      'every consumer read offsets in increasing order',
      `${backwardsCount} read(s) went backwards`,
      allowance(c, 'nonmonotonic-poll'),
    ),
    skip,
  ];
}
