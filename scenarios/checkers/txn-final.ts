/**
 * What the reads after the run show of every transaction, once every transaction has ended and
 * every fault healed: the final read (process `final-read`, read_committed, from the beginning to
 * the end offsets) and the read_uncommitted one (process `final-read-uncommitted`).
 *
 * - torn-transaction: a transaction not aborted of which the final read_committed read shows some
 *   acknowledged records but not all (atomicity). A transaction whose end timed out counts too:
 *   it committed or aborted, and either way all or nothing of it is visible.
 * - lost committed write: an acknowledged record of a transaction whose commit was acknowledged,
 *   missing from the final read_committed read (allowed only where the configuration lets
 *   acknowledged writes be lost: allowances.ts).
 * - duplicate: a transactional record's content at two offsets of a final read, or read at an
 *   offset other than the one its send was acknowledged with.
 * - read_uncommitted visibility: every acknowledged transactional record — aborted ones too: an
 *   abort writes a marker, it removes nothing — is in the final read_uncommitted read.
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';
import { FINAL_READ_UNCOMMITTED } from '../../harness/history/ops.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { ackedRecord, indexHistory, OK, READ_COMMITTED, recordOfRow, type HistoryIndex } from './history-index.ts';

/** The record rows of `actor`'s polls at `isolation` (or any level when isolation is undefined), or null when it made none. */
function rowsOf(ix: HistoryIndex, actor: number, isolation?: number): number[] | null {
  if (actor < 0) return null;
  let any = false;
  const rows: number[] = [];
  for (let p = 0; p < ix.polls.count; p++) {
    if (ix.polls.actor[p] !== actor || (isolation !== undefined && ix.polls.isolation[p] !== isolation)) continue;
    any = true;
    const end = ix.polls.start[p]! + ix.polls.size[p]!;
    for (let row = ix.polls.start[p]!; row < end; row++) rows.push(row);
  }
  return any ? rows : null;
}

/** How many times each content appears among `rows`. */
function seenCounts(ix: HistoryIndex, rows: readonly number[]): number[] {
  const seen = new Array<number>(ix.contents).fill(0);
  for (const row of rows) seen[ix.records.content[row]!]!++;
  return seen;
}

/** The acknowledged transactional sends, as send rows. */
function ackedTxnSends(ix: HistoryIndex): number[] {
  const out: number[] = [];
  for (let s = 0; s < ix.sends.count; s++) if (ix.sends.txn[s]! >= 0 && ix.sends.outcome[s] === OK) out.push(s);
  return out;
}

const unknown = (checker: string, summary: string): CheckResult => ({
  checker,
  valid: 'unknown',
  summary,
  witnesses: [],
});

/** The final read_committed read's rows, or null. */
const finalCommitted = (ix: HistoryIndex) => rowsOf(ix, ix.final.actor, READ_COMMITTED);

/** Torn transactions in the final read_committed read. */
export function checkTornTransactions(history: readonly Op[], ix: HistoryIndex = indexHistory(history)): CheckResult {
  const fates = ix.txns.fates;
  const rows = finalCommitted(ix);
  if (fates.length === 0)
    return { checker: 'txn-torn', valid: true, summary: 'no transactions: nothing to check', witnesses: [], count: 0 };
  if (!rows) return unknown('txn-torn', 'no read_committed final read: nothing shows what stayed visible');
  const seen = seenCounts(ix, rows);
  const acked = new Array<number>(fates.length).fill(0);
  const visible = new Array<number>(fates.length).fill(0);
  const missing: number[][] = fates.map(() => []);
  for (const s of ackedTxnSends(ix)) {
    const t = ix.sends.txn[s]!;
    acked[t]!++;
    if (seen[ix.sends.content[s]!]! > 0) visible[t]!++;
    else if (missing[t]!.length < 5) missing[t]!.push(s);
  }
  let count = 0;
  const witnesses: unknown[] = [];
  for (let t = 0; t < fates.length; t++) {
    if (fates[t]!.outcome === 'abort' || visible[t] === 0 || visible[t] === acked[t]) continue;
    count++;
    if (witnesses.length < MAX_WITNESSES)
      witnesses.push({
        txn: fates[t]!.id,
        outcome: fates[t]!.outcome,
        acknowledged: acked[t],
        visible: visible[t],
        missing: missing[t]!.map((s) => ackedRecord(ix, s)),
      });
  }
  const whole = fates.filter((_, t) => fates[t]!.outcome !== 'abort' && visible[t]! > 0).length;
  return verdict(
    'txn-torn',
    count,
    witnesses,
    `every transaction visible to the final read_committed read is whole (${whole} visible)`,
    `${count} transaction(s) partly visible to the final read_committed read`,
    null,
  );
}

/** Acknowledged records of commit-acknowledged transactions missing from the final read_committed read. */
export function checkLostCommittedWrites(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const fates = ix.txns.fates;
  const rows = finalCommitted(ix);
  if (fates.length === 0)
    return {
      checker: 'txn-lost-write',
      valid: true,
      summary: 'no transactions: nothing to check',
      witnesses: [],
      count: 0,
    };
  if (!rows) return unknown('txn-lost-write', 'no read_committed final read: nothing shows what stayed visible');
  const seen = seenCounts(ix, rows);
  let owed = 0;
  let count = 0;
  const witnesses: unknown[] = [];
  for (const s of ackedTxnSends(ix)) {
    const f = fates[ix.sends.txn[s]!]!;
    if (f.outcome !== 'commit' || f.endDone < 0) continue;
    owed++;
    if (seen[ix.sends.content[s]!]! > 0) continue;
    count++;
    if (witnesses.length < MAX_WITNESSES) witnesses.push({ txn: f.id, record: ackedRecord(ix, s) });
  }
  return verdict(
    'txn-lost-write',
    count,
    witnesses,
    `all ${owed} acknowledged record(s) of acknowledged commits are in the final read_committed read`,
    `${count} of ${owed} acknowledged record(s) of acknowledged commits missing from the final read_committed read`,
    allowance(resolveCheckConfig(config), 'lost-write'),
  );
}

/** Transactional records read twice, or at another offset than acknowledged, by the final reads. */
export function checkTxnDuplicates(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const readers = [finalCommitted(ix), rowsOf(ix, ix.actors.indexOf(FINAL_READ_UNCOMMITTED))].filter(
    (r): r is number[] => r !== null,
  );
  if (ix.txns.fates.length === 0)
    return {
      checker: 'txn-duplicate',
      valid: true,
      summary: 'no transactions: nothing to check',
      witnesses: [],
      count: 0,
    };
  if (readers.length === 0) return unknown('txn-duplicate', 'no final read to look for duplicates in');
  // Content id → the acknowledged send (row), for transactional contents.
  const sendOf = new Array<number>(ix.contents).fill(-1);
  for (const s of ackedTxnSends(ix)) sendOf[ix.sends.content[s]!] = s;
  let count = 0;
  const witnesses: unknown[] = [];
  for (const rows of readers) {
    const firstRow = new Array<number>(ix.contents).fill(-1);
    for (const row of rows) {
      const content = ix.records.content[row]!;
      const s = sendOf[content]!;
      if (s < 0) continue;
      const ackedAt = ix.sends.offset[s]!;
      const readAt = ix.records.offset[row]!;
      const before = firstRow[content]!;
      if (before < 0) firstRow[content] = row;
      const twice = before >= 0 && ix.records.offset[before] !== readAt;
      const moved = ackedAt >= 0 && ackedAt !== readAt;
      if (!twice && !moved) continue;
      count++;
      if (witnesses.length < MAX_WITNESSES)
        witnesses.push({
          txn: ix.txns.fates[ix.sends.txn[s]!]!.id,
          acknowledged: ackedRecord(ix, s),
          read: recordOfRow(ix, row),
          why: twice ? 'read at two offsets' : 'read at another offset than acknowledged',
        });
    }
  }
  return verdict(
    'txn-duplicate',
    count,
    witnesses,
    `every transactional record read once, at its acknowledged offset, by ${readers.length} final read(s)`,
    `${count} transactional record(s) read twice or away from their acknowledged offset`,
    allowance(resolveCheckConfig(config), 'duplicate'),
  );
}

/** read_uncommitted shows every acknowledged transactional record, aborted ones included. */
export function checkUncommittedVisibility(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const fates = ix.txns.fates;
  if (fates.length === 0)
    return {
      checker: 'txn-read-uncommitted',
      valid: true,
      summary: 'no transactions: nothing to check',
      witnesses: [],
      count: 0,
    };
  const rows = rowsOf(ix, ix.actors.indexOf(FINAL_READ_UNCOMMITTED));
  if (!rows) return unknown('txn-read-uncommitted', `no read_uncommitted final read (${FINAL_READ_UNCOMMITTED})`);
  const seen = seenCounts(ix, rows);
  let owed = 0;
  let aborted = 0;
  let count = 0;
  const witnesses: unknown[] = [];
  for (const s of ackedTxnSends(ix)) {
    const f = fates[ix.sends.txn[s]!]!;
    owed++;
    if (seen[ix.sends.content[s]!]! > 0) {
      if (f.outcome === 'abort') aborted++;
      continue;
    }
    count++;
    if (witnesses.length < MAX_WITNESSES) witnesses.push({ txn: f.id, outcome: f.outcome, record: ackedRecord(ix, s) });
  }
  return verdict(
    'txn-read-uncommitted',
    count,
    witnesses,
    `the final read_uncommitted read shows all ${owed} acknowledged transactional record(s), ${aborted} of aborted transactions`,
    `${count} of ${owed} acknowledged transactional record(s) missing from the final read_uncommitted read`,
    allowance(resolveCheckConfig(config), 'lost-write'),
  );
}
