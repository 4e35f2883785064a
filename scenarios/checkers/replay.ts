import type { Op } from '../../harness/history/history.ts';
import { FINAL_READ, hasRead, readsOf, REPLAY_READ, type CheckResult, type RecordRef } from './types.ts';

function byPartition(records: RecordRef[]): Map<string, RecordRef[]> {
  const out = new Map<string, RecordRef[]>();
  for (const r of records) {
    const k = `${r.topic}/${r.partition}`;
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}

/** Bad replay: reading from the beginning again must return the same records at the same offsets, in the same order. */
export function checkReplay(history: readonly Op[]): CheckResult {
  if (!hasRead(history, FINAL_READ) || !hasRead(history, REPLAY_READ)) {
    return { checker: 'replay', valid: 'unknown', summary: 'the history lacks a final read and a replay', witnesses: [] };
  }
  const first = byPartition(readsOf(history, FINAL_READ));
  const again = byPartition(readsOf(history, REPLAY_READ));
  const witnesses: unknown[] = [];
  for (const k of new Set([...first.keys(), ...again.keys()])) {
    const a = first.get(k) ?? [];
    const b = again.get(k) ?? [];
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (!x || !y || x.offset !== y.offset || x.key !== y.key || x.value !== y.value) {
        witnesses.push({ partition: k, position: i, firstRead: x ?? null, replay: y ?? null });
        break;
      }
    }
  }
  return {
    checker: 'replay',
    valid: witnesses.length === 0,
    summary: witnesses.length === 0 ? 'the replay returned the same records in the same order' : `${witnesses.length} partition(s) replayed differently`,
    witnesses,
  };
}
