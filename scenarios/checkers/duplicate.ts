import type { Op } from '../../harness/history/history.ts';
import { contentKey, FINAL_READ, hasRead, readsOf, type CheckResult, type RecordRef } from './types.ts';

/** Duplicate: the same record (key and value, unique per run) stored at more than one offset. */
export function checkDuplicates(history: readonly Op[]): CheckResult {
  if (!hasRead(history, FINAL_READ)) return { checker: 'duplicate', valid: 'unknown', summary: 'no final read in the history', witnesses: [] };
  const seen = new Map<string, RecordRef>();
  const dups: { first: RecordRef; again: RecordRef }[] = [];
  for (const r of readsOf(history, FINAL_READ)) {
    const k = contentKey(r);
    const first = seen.get(k);
    if (first && (first.partition !== r.partition || first.offset !== r.offset || first.topic !== r.topic)) dups.push({ first, again: r });
    else seen.set(k, r);
  }
  return {
    checker: 'duplicate',
    valid: dups.length === 0,
    summary: dups.length === 0 ? 'no record stored twice' : `${dups.length} record(s) stored more than once`,
    witnesses: dups.slice(0, 20),
  };
}
