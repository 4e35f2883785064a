import type { Op } from '../../harness/history/history.ts';
import { ackedSends, contentKey, FINAL_READ, hasRead, readsOf, type CheckResult } from './types.ts';

/** Lost write: a send the broker acknowledged whose record the final read never returned. */
export function checkLostWrites(history: readonly Op[]): CheckResult {
  if (!hasRead(history, FINAL_READ)) return { checker: 'lost-write', valid: 'unknown', summary: 'no final read in the history', witnesses: [] };
  const read = new Set(readsOf(history, FINAL_READ).map(contentKey));
  const lost = ackedSends(history).filter((s) => !read.has(contentKey(s.record)));
  return {
    checker: 'lost-write',
    valid: lost.length === 0,
    summary: lost.length === 0 ? `all ${ackedSends(history).length} acknowledged writes were read back` : `${lost.length} acknowledged write(s) missing from the final read`,
    witnesses: lost.slice(0, 20).map((s) => s.op),
  };
}
