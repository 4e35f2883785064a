import type { Op } from '../../harness/history/history.ts';
import { checkDuplicates } from './duplicate.ts';
import { checkInconsistentOffsets } from './inconsistent-offsets.ts';
import { checkLostWrites } from './lost-write.ts';
import { checkNonmonotonicSends } from './nonmonotonic-send.ts';
import { checkPollOrder } from './poll-order.ts';
import { checkReplay } from './replay.ts';
import type { CheckResult } from './types.ts';

export * from './types.ts';

/** Runs every checker on a history (pure; no I/O). */
export function checkHistory(history: readonly Op[]): CheckResult[] {
  return [
    checkLostWrites(history),
    checkDuplicates(history),
    checkInconsistentOffsets(history),
    checkNonmonotonicSends(history),
    ...checkPollOrder(history),
    checkReplay(history),
  ];
}
