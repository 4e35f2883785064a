import type { Op } from '../../harness/history/history.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { indexHistory, OK, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/**
 * Lost write: a send the broker acknowledged (ok) whose record the final read never returned.
 * Only ok sends count: an info send (timed out, outcome unknown) may rightly be missing, and so
 * may a send of an aborted transaction or of one whose end the history does not show. Allowed
 * when the configuration lets acknowledged writes go (allowances.ts: acks=0; acks=1 under faults…).
 */
export function checkLostWrites(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const { sends, records } = ix;
  if (!ix.final.rows)
    return { checker: 'lost-write', valid: 'unknown', summary: 'no final read in the history', witnesses: [] };
  const read = new Array<number>(ix.contents).fill(0);
  for (const row of ix.final.rows) read[records.content[row]!] = 1;
  let acked = 0;
  let count = 0;
  const lost: Op[] = [];
  for (let s = 0; s < sends.count; s++) {
    if (sends.outcome[s] !== OK || !sends.durable[s]) continue;
    acked++;
    if (read[sends.content[s]!]) continue;
    count++;
    if (lost.length < MAX_WITNESSES) lost.push(history[sends.done[s]!]!);
  }
  return verdict(
    'lost-write',
    count,
    lost,
    `all ${acked} acknowledged writes were read back`,
    `${count} acknowledged write(s) missing from the final read`,
    allowance(resolveCheckConfig(config), 'lost-write'),
  );
}
