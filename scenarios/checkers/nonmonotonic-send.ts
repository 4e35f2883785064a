import type { Op } from '../../harness/history/history.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { indexHistory, OK, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Non-monotonic send: one producer's acknowledged offsets in a partition must grow in the order
 * its acknowledgements arrive (a producer's sends to one partition are ordered, so their offsets
 * are too). This reads only what the broker *said* (the offsets in the acks); reorder.ts checks
 * what the log *holds*. Acks without an offset (acks=0) and info sends are left out. Allowed
 * where writes may be lost (offsets reused after truncation) and for non-idempotent producers.
 */
export function checkNonmonotonicSends(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const { sends } = ix;
  // Per process, by partition id: the last acknowledged send.
  const last: number[][] = sends.processes.map(() => []);
  const witnesses: unknown[] = [];
  let count = 0;
  // Per process, invocation order is completion order (the index pairs first in, first out).
  for (let s = 0; s < sends.count; s++) {
    const part = sends.part[s]!;
    const offset = sends.offset[s]!;
    if (sends.outcome[s] !== OK || offset < 0 || part < 0) continue;
    const mine = last[sends.process[s]!]!;
    const prev = mine[part];
    if (prev !== undefined && offset <= sends.offset[prev]!) {
      count++;
      if (witnesses.length < MAX_WITNESSES)
        witnesses.push({ before: history[sends.done[prev]!], after: history[sends.done[s]!] });
    }
    mine[part] = s;
  }
  return verdict(
    'nonmonotonic-send',
    count,
    witnesses,
    'acknowledged offsets grow in send order',
    `${count} acknowledgement(s) went backwards`,
    allowance(resolveCheckConfig(config), 'nonmonotonic-send'),
  );
}
