import type { Op } from '../../harness/history/history.ts';
import { indexHistory, type HistoryIndex } from './history-index.ts';
import { verdict, type CheckResult, type RecordRef } from './types.ts';

/**
 * Bad replay: reading from the beginning again must return the same records at the same
 * offsets, in the same order, per partition. One witness per partition: the first position where
 * they differ. No configuration allows it: what was read once is committed and stays.
 */
export function checkReplay(history: readonly Op[], ix: HistoryIndex = indexHistory(history)): CheckResult {
  if (!ix.final || !ix.replay) return { checker: 'replay', valid: 'unknown', summary: 'the history lacks a final read and a replay', witnesses: [] };
  const parts = ix.partitions.names.length;
  // The final read's records per partition id (positions in ix.finalRead), and a cursor into each.
  const first: number[][] = Array.from({ length: parts }, () => []);
  ix.final.forEach((row, k) => first[ix.recPart[row]!]!.push(k));
  const cursor = new Int32Array(parts);
  const differs = new Uint8Array(parts);
  const witnesses: unknown[] = [];
  const differ = (part: number, x: RecordRef | undefined, y: RecordRef | undefined) => {
    differs[part] = 1;
    witnesses.push({ partition: ix.partitions.name(part), position: cursor[part], firstRead: x ?? null, replay: y ?? null });
  };
  for (const p of ix.replay) {
    const records = (p.op.value as { records: RecordRef[] }).records;
    for (let j = 0; j < p.count; j++) {
      const part = ix.recPart[p.start + j]!;
      if (differs[part]) continue;
      const k = first[part]![cursor[part]!];
      const x = k === undefined ? undefined : ix.finalRead[k]!;
      const y = records[j]!;
      if (!x || x.offset !== y.offset || (x.key ?? null) !== (y.key ?? null) || (x.value ?? null) !== (y.value ?? null)) differ(part, x, y);
      else cursor[part]!++;
    }
  }
  for (let part = 0; part < parts; part++) if (!differs[part] && cursor[part]! < first[part]!.length) differ(part, ix.finalRead[first[part]![cursor[part]!]!], undefined);
  return verdict('replay', witnesses.length, witnesses, 'the replay returned the same records in the same order', `${witnesses.length} partition(s) replayed differently`, null);
}
