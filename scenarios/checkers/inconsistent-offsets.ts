import type { Op } from '../../harness/history/history.ts';
import { ackedSends, contentKey, FINAL_READ, hasRead, readsOf, type CheckResult } from './types.ts';

const at = (r: { topic: string; partition: number; offset: number }) => `${r.topic}/${r.partition}@${r.offset}`;

/**
 * Inconsistent offsets: two different records at one offset — two acknowledgements naming the
 * same offset, or a read returning at an acknowledged offset something other than what was acked.
 */
export function checkInconsistentOffsets(history: readonly Op[]): CheckResult {
  const acked = new Map<string, string>();
  const witnesses: unknown[] = [];
  for (const { op, record } of ackedSends(history)) {
    const where = at(record);
    const prev = acked.get(where);
    if (prev !== undefined && prev !== contentKey(record)) witnesses.push({ offset: where, acknowledgedTwice: [prev, contentKey(record)], op });
    acked.set(where, contentKey(record));
  }
  if (hasRead(history, FINAL_READ)) {
    for (const r of readsOf(history, FINAL_READ)) {
      const expected = acked.get(at(r));
      if (expected !== undefined && expected !== contentKey(r)) witnesses.push({ offset: at(r), acknowledged: expected, read: contentKey(r) });
    }
  }
  return {
    checker: 'inconsistent-offsets',
    valid: witnesses.length === 0,
    summary: witnesses.length === 0 ? 'every offset holds one record' : `${witnesses.length} offset(s) hold different records`,
    witnesses: witnesses.slice(0, 20),
  };
}
