import type { Op } from '../../harness/history/history.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { indexHistory, pollOp, READ_COMMITTED, recordOfRow, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Aborted read: a read_committed consumer must never be given a record of an aborted
 * transaction, nor a record of any transaction before that transaction ended (a read past the
 * last stable offset).
 *
 * The history convention (what a scenario records when it uses transactions):
 * - A transactional send carries `txn: {id}` in its invoke value (or its completion's). `id`
 *   names one transaction, not the transactional.id that spans many (e.g. `"tx-1#7"`).
 * - The transaction's end is an op `f: "end-txn"` with invoke value `{id, outcome: "commit" |
 *   "abort"}`; its ok completion settles the outcome of every send tagged with that id. A send
 *   may instead (or also) say `txn: {id, outcome}` when the scenario knows it; a completed
 *   end-txn wins. A transaction with neither — or whose end-txn timed out — is unsettled: its
 *   records are not checked for being aborted (lost-write and unseen leave them out too).
 * - A poll says the isolation level it read at: `isolation: "read_committed" |
 *   "read_uncommitted"` in its invoke value (or completion's). A poll that does not say is not
 *   checked, because clients differ in their default (Java: read_uncommitted; kafkajs:
 *   read_committed).
 *
 * Verdict: valid when no send is transactional (nothing to check) unless the configuration says
 * transactional — then unknown, since the history should have tagged its sends; unknown when
 * there are transactions but no read_committed poll; otherwise valid or invalid. Never allowed.
 */
export function checkAbortedReads(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const { sends, polls, records } = ix;
  const c = resolveCheckConfig(config);
  // Content id → the transaction (index in ix.txns.fates) that wrote it, or -1.
  const txnOf = new Array<number>(ix.contents).fill(-1);
  let txnSends = 0;
  for (let s = 0; s < sends.count; s++) {
    if (sends.txn[s]! < 0) continue;
    txnOf[sends.content[s]!] = sends.txn[s]!;
    txnSends++;
  }
  if (txnSends === 0) {
    return c.transactional
      ? {
          checker: 'aborted-read',
          valid: 'unknown',
          summary: 'the configuration says transactional, but no send carries a txn tag',
          witnesses: [],
        }
      : {
          checker: 'aborted-read',
          valid: true,
          summary: 'no transactional sends: nothing to check',
          witnesses: [],
          count: 0,
        };
  }
  let committedPolls = 0;
  let count = 0;
  const witnesses: unknown[] = [];
  for (let p = 0; p < polls.count; p++) {
    if (polls.isolation[p] !== READ_COMMITTED) continue;
    // The replay must equal the final read (replay.ts), which is checked here.
    if (polls.actor[p] === ix.final.replayActor) continue;
    committedPolls++;
    const at = polls.at[p]!;
    const end = polls.start[p]! + polls.size[p]!;
    for (let row = polls.start[p]!; row < end; row++) {
      const t = txnOf[records.content[row]!]!;
      if (t < 0) continue;
      const fate = ix.txns.fates[t]!;
      const early = fate.endInvoke >= 0 && at < fate.endInvoke;
      if (fate.outcome !== 'abort' && !early) continue;
      count++;
      if (witnesses.length < MAX_WITNESSES) {
        witnesses.push({
          txn: fate.id,
          why: fate.outcome === 'abort' ? 'aborted' : 'read before the transaction ended',
          record: recordOfRow(ix, row),
          poll: pollOp(ix, p),
        });
      }
    }
  }
  const txns = ix.txns.fates.length;
  const aborted = ix.txns.fates.filter((t) => t.outcome === 'abort').length;
  if (committedPolls === 0)
    return {
      checker: 'aborted-read',
      valid: 'unknown',
      summary: `${txns} transaction(s), but no read_committed poll to check`,
      witnesses: [],
    };
  return verdict(
    'aborted-read',
    count,
    witnesses,
    `${committedPolls} read_committed poll(s) saw no record of an aborted (${aborted}) or unfinished transaction`,
    `${count} record(s) of aborted or unfinished transactions given to read_committed consumers`,
    null,
  );
}
