import type { Op } from '../../harness/history/history.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { FAIL, indexHistory, recordOfRow, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Duplicate: the same record (key and value, unique per run) stored at more offsets than the
 * clients sent it. Each send invocation that did not definitely fail may account for one copy —
 * an info send (outcome unknown) that shows up once is where it belongs, not a duplicate of
 * itself, and a scenario that resends after an unknown outcome may rightly find both copies.
 * Allowed for non-idempotent producers, whose internal retries can write a batch twice.
 */
export function checkDuplicates(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const { sends, records } = ix;
  const final = ix.final.rows;
  if (!final) return { checker: 'duplicate', valid: 'unknown', summary: 'no final read in the history', witnesses: [] };
  // Content id → where in the final read it first appeared; then the later copies of those that recur.
  const first = new Array<number>(ix.contents).fill(-1);
  const copies = new Map<number, number[]>();
  for (let k = 0; k < final.length; k++) {
    const row = final[k]!;
    const id = records.content[row]!;
    const f = first[id]!;
    if (f < 0) {
      first[id] = k;
      continue;
    }
    // The same offset read twice is a read repeating itself (nonmonotonic-poll's business), not a second copy.
    const firstRow = final[f]!;
    if (records.part[firstRow] === records.part[row] && records.offset[firstRow] === records.offset[row]) continue;
    let list = copies.get(id);
    if (!list) copies.set(id, (list = [f]));
    list.push(k);
  }
  const sent = new Map<number, number>();
  if (copies.size > 0) {
    for (let s = 0; s < sends.count; s++) {
      const id = sends.content[s]!;
      if (sends.outcome[s] !== FAIL && copies.has(id)) sent.set(id, (sent.get(id) ?? 0) + 1);
    }
  }
  const witnesses: unknown[] = [];
  let count = 0;
  for (const [id, list] of copies) {
    const times = sent.get(id) ?? 0;
    if (list.length <= Math.max(1, times)) continue;
    count++;
    if (witnesses.length < MAX_WITNESSES)
      witnesses.push({
        first: recordOfRow(ix, final[list[0]!]!),
        again: list.slice(1).map((k) => recordOfRow(ix, final[k]!)),
        sent: times,
      });
  }
  return verdict(
    'duplicate',
    count,
    witnesses,
    'no record stored twice',
    `${count} record(s) stored more than once`,
    allowance(resolveCheckConfig(config), 'duplicate'),
  );
}
