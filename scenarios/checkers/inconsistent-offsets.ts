import type { Op } from '../../harness/history/history.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { ackedRecord, indexHistory, OffsetTable, OK, recordOfRow, type HistoryIndex } from './history-index.ts';
import type { RecordRef } from '../../harness/history/ops.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

const content = (r: RecordRef) => ({ key: r.key ?? null, value: r.value ?? null });

/**
 * Inconsistent offsets: two different records at one offset — two acknowledgements naming the
 * same offset, or a read returning at an acknowledged offset something other than what was acked.
 * Acknowledgements without an offset (negative: acks=0) and info sends name no offset and are left
 * out. Allowed where writes may be lost: a truncated log reuses the lost records' offsets.
 */
export function checkInconsistentOffsets(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const { sends, records } = ix;
  // Per partition id: acknowledged offset → the send that was told it (the last one). Offsets the
  // table cannot hold (far apart, not whole) go to a map.
  const acked = new OffsetTable();
  const far: (Map<number, number> | undefined)[] = [];
  const ackedAt = (part: number, offset: number): number => {
    const s = acked.get(part, offset);
    return s >= 0 ? s : (far[part]?.get(offset) ?? -1);
  };
  // Offsets found holding two records; one seen both acked twice and read otherwise counts once.
  const flagged: (Set<number> | undefined)[] = [];
  const witnesses: unknown[] = [];
  let count = 0;
  const flag = (part: number, offset: number, witness: () => unknown) => {
    const set = (flagged[part] ??= new Set());
    if (!set.has(offset)) count++;
    set.add(offset);
    if (witnesses.length < MAX_WITNESSES) witnesses.push(witness());
  };
  const at = (part: number, offset: number) => `${ix.partitions.name(part)}@${offset}`;
  for (let s = 0; s < sends.count; s++) {
    const part = sends.part[s]!;
    const offset = sends.offset[s]!;
    if (sends.outcome[s] !== OK || offset < 0 || part < 0) continue;
    const prev = ackedAt(part, offset);
    if (prev >= 0 && sends.content[prev] !== sends.content[s]) {
      flag(part, offset, () => ({
        offset: at(part, offset),
        acknowledgedTwice: [content(ackedRecord(ix, prev)), content(ackedRecord(ix, s))],
        op: history[sends.done[s]!],
      }));
    }
    if (acked.set(part, offset, s, sends.count)) far[part]?.delete(offset);
    else (far[part] ??= new Map()).set(offset, s);
  }
  if (ix.final.rows) {
    for (const row of ix.final.rows) {
      const part = records.part[row]!;
      const offset = records.offset[row]!;
      const sent = ackedAt(part, offset);
      if (sent < 0 || sends.content[sent] === records.content[row]) continue;
      flag(part, offset, () => ({
        offset: at(part, offset),
        acknowledged: content(ackedRecord(ix, sent)),
        read: content(recordOfRow(ix, row)),
      }));
    }
  }
  return verdict(
    'inconsistent-offsets',
    count,
    witnesses,
    'every offset holds one record',
    `${count} offset(s) hold different records`,
    allowance(resolveCheckConfig(config), 'inconsistent-offsets'),
  );
}
