import type { Op } from '../../harness/history/history.ts';
import { indexHistory, recordOfRow, type HistoryIndex } from './history-index.ts';
import { verdict, type CheckResult } from './types.ts';

/**
 * Bad replay: reading from the beginning again must return the same records at the same
 * offsets, in the same order, per partition. One witness per partition: the first position where
 * they differ. No configuration allows it: what was read once is committed and stays.
 */
export function checkReplay(history: readonly Op[], ix: HistoryIndex = indexHistory(history)): CheckResult {
  if (!ix.final || !ix.replay) return { checker: 'replay', valid: 'unknown', summary: 'the history lacks a final read and a replay', witnesses: [] };
  const parts = ix.partitions.names.length;
  const final = ix.final;
  // The final read's rows per partition id (counting sort, rows in read order), and a cursor into each.
  const from = new Array<number>(parts + 1).fill(0);
  for (const row of final) from[ix.recPart[row]! + 1]!++;
  for (let part = 0; part < parts; part++) from[part + 1]! += from[part]!;
  const firstRows = new Array<number>(final.length).fill(0);
  const fill = from.slice(0, parts);
  for (const row of final) firstRows[fill[ix.recPart[row]!]!++] = row;
  const cursor = new Array<number>(parts).fill(0);
  const differs = new Array<number>(parts).fill(0);
  const witnesses: unknown[] = [];
  const differ = (part: number, x: number, y: number) => {
    differs[part] = 1;
    witnesses.push({ partition: ix.partitions.name(part), position: cursor[part], firstRead: x < 0 ? null : recordOfRow(ix, x), replay: y < 0 ? null : recordOfRow(ix, y) });
  };
  // Content ids stand for key and value: equal ids, equal records.
  for (const p of ix.replay) {
    const end = ix.pollStart[p]! + ix.pollRecords[p]!;
    for (let y = ix.pollStart[p]!; y < end; y++) {
      const part = ix.recPart[y]!;
      if (differs[part]) continue;
      const k = from[part]! + cursor[part]!;
      const x = k < from[part + 1]! ? firstRows[k]! : -1;
      if (x < 0 || ix.recOffset[x] !== ix.recOffset[y] || ix.recContent[x] !== ix.recContent[y]) differ(part, x, y);
      else cursor[part]!++;
    }
  }
  for (let part = 0; part < parts; part++) if (!differs[part] && from[part]! + cursor[part]! < from[part + 1]!) differ(part, firstRows[from[part]! + cursor[part]!]!, -1);
  return verdict('replay', witnesses.length, witnesses, 'the replay returned the same records in the same order', `${witnesses.length} partition(s) replayed differently`, null);
}
