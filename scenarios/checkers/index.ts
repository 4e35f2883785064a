import type { Op } from '../../harness/history/history.ts';
import { checkAbortedReads } from './aborted-read.ts';
import type { CheckConfig } from './config.ts';
import { checkDuplicates } from './duplicate.ts';
import { indexHistory } from './history-index.ts';
import { checkInconsistentOffsets } from './inconsistent-offsets.ts';
import { checkLostWrites } from './lost-write.ts';
import { checkNonmonotonicSends } from './nonmonotonic-send.ts';
import { checkPollOrder } from './poll-order.ts';
import { checkProtocolExpectations } from './protocol-expectations.ts';
import { checkReorder } from './reorder.ts';
import { checkReplay } from './replay.ts';
import { checkScenario } from './scenario-checks.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';
import { checkUnseen } from './unseen.ts';
import { checkTransactions } from './transactions.ts';
import { TXN_BEGIN } from '../../harness/history/ops.ts';
import { checkUnderMinIsr, ISR_OBSERVATION } from './under-min-isr.ts';
import { withTransactionVersionAllowance } from './txn-version.ts';

export { allowance, type AllowableAnomaly } from './allowances.ts';
export {
  DEFAULT_CHECK_CONFIG,
  describeCheckConfig,
  parseCheckConfig,
  resolveCheckConfig,
  type CheckConfig,
} from './config.ts';
export { indexHistory, type HistoryIndex } from './history-index.ts';
export { validateOp } from './validate-op.ts';
export { checkScenario } from './scenario-checks.ts';
export { checkTransactions } from './transactions.ts';
export { END_OFFSETS, PLAN, SCENARIO_PROCESS, endOffsetsOf, planOf, type ScenarioPlan } from './scenario-plan.ts';
export {
  checkAbortedReads,
  checkDuplicates,
  checkInconsistentOffsets,
  checkLostWrites,
  checkNonmonotonicSends,
  checkPollOrder,
  checkProtocolExpectations,
  checkReorder,
  checkReplay,
  checkUnseen,
  checkUnderMinIsr,
};

/**
 * Runs every checker on a history (pure; no I/O), under the configuration the history was made
 * with (fields left out take DEFAULT_CHECK_CONFIG: acks=all, idempotent, no faults — under which
 * no anomaly is allowed). The history is indexed once and shared, so this stays O(n log n).
 */
export function checkHistory(history: readonly Op[], config: Partial<CheckConfig> = {}): CheckResult[] {
  const ix = indexHistory(history);
  // transaction version 1's known anomaly (KAFKA-17754), only where the history shows its cause
  return withTransactionVersionAllowance(
    [
      checkLostWrites(history, config, ix),
      checkDuplicates(history, config, ix),
      checkInconsistentOffsets(history, config, ix),
      checkNonmonotonicSends(history, config, ix),
      ...checkPollOrder(history, config, ix),
      checkReplay(history, ix),
      checkReorder(history, ix),
      checkUnseen(history, config, ix),
      checkAbortedReads(history, config, ix),
      checkProtocolExpectations(history, ix),
      // Only histories that observe the ISR (the under-min-isr scenario) can say anything about strict min ISR.
      ...(history.some((o) => o.f === ISR_OBSERVATION) ? [checkUnderMinIsr(history)] : []),
      // The transactional checkers judge histories in the txn-begin vocabulary (transactional scenarios).
      ...(history.some((o) => o.f === TXN_BEGIN) ? checkTransactions(history, config, ix) : []),
      // What the scenario that made the history checks of its own workload (its plan op names it).
      ...checkScenario(history, config),
    ],
    history,
  );
}
