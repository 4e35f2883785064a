import type { Op } from '../../harness/history/history.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';
import { END_TXN, TXN_BEGIN } from '../../harness/history/ops.ts';
import { notRunReason } from './scenario-plan.ts';

/**
 * Whether a transactional scenario's workload ran at all, so that its transactional verdicts
 * (transactions.ts, which run on histories with txn-begin ops) mean something: unknown with the
 * scenario's reason when it did not run (a target without transactions: "not supported by this
 * target yet"), unknown when no transaction began or none ended, else valid with the counts.
 */
export function checkTxnWorkload(history: readonly Op[], scenario: string): CheckResult {
  const checker = 'txn-workload';
  const reason = notRunReason(history);
  if (reason !== undefined) return { checker, valid: 'unknown', summary: `${scenario}: ${reason}`, witnesses: [] };
  let begun = 0;
  const ended = { commit: 0, abort: 0, unknown: 0 };
  for (const o of history) {
    if (o.f === TXN_BEGIN && o.type === 'ok') begun++;
    else if (o.f === END_TXN && o.type !== 'invoke') {
      const outcome = (o.value as { outcome?: string } | null)?.outcome;
      if (o.type === 'ok' && (outcome === 'commit' || outcome === 'abort')) ended[outcome]++;
      else ended.unknown++;
    }
  }
  if (begun === 0 || ended.commit + ended.abort === 0)
    return {
      checker,
      valid: 'unknown',
      summary: `${scenario}: ${begun} transaction(s) begun, none ended with an answer: the transactional checks have nothing to judge`,
      witnesses: [],
    };
  return {
    checker,
    valid: true,
    summary: `${begun} transaction(s) begun: ${ended.commit} committed, ${ended.abort} aborted, ${ended.unknown} without an answer`,
    witnesses: [],
    count: 0,
  };
}
