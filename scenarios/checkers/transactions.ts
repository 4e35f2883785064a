/**
 * The transactional checkers (docs/transactions-checkers.md), run on every history with
 * transactions in the txn-begin vocabulary (harness/history/ops.ts) or made by a transactional
 * scenario: one graph and one version order per history, shared by the checkers that need them.
 */
import type { Op } from '../../harness/history/history.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';
import type { CheckConfig } from './config.ts';
import { indexHistory, type HistoryIndex } from './history-index.ts';
import { checkG0, checkG1c } from './txn-cycles.ts';
import {
  checkLostCommittedWrites,
  checkTornTransactions,
  checkTxnDuplicates,
  checkUncommittedVisibility,
} from './txn-final.ts';
import { checkFencing } from './txn-fencing.ts';
import { buildTxnGraph, txnOfContents } from './txn-graph.ts';
import { checkG1a, checkG1b, checkPrecommittedReads } from './txn-reads.ts';

/** Every transactional verdict of a history. */
export function checkTransactions(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult[] {
  const txnOf = txnOfContents(ix);
  const graph = buildTxnGraph(ix, txnOf);
  return [
    checkG0(history, ix, graph),
    checkG1a(history, ix, txnOf),
    checkG1b(history, ix, txnOf, graph.order),
    checkG1c(history, ix, graph),
    checkPrecommittedReads(history, ix, txnOf),
    checkTornTransactions(history, ix),
    checkLostCommittedWrites(history, config, ix),
    checkTxnDuplicates(history, config, ix),
    checkUncommittedVisibility(history, config, ix),
    checkFencing(history, ix),
  ];
}
