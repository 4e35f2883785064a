/**
 * Histories with random damage, for the equivalence test of the checkers (equivalence.test.ts):
 * a simulated history (simulated-history.ts) with a few seeded edits of the kinds broken brokers
 * and drivers produce — records dropped, repeated, swapped, changed or moved within a poll,
 * acknowledgements with other offsets or contents, completions turned into info or fail or left
 * out, consumers repositioned, isolation levels and transactions changed. Unlike plantAnomaly the
 * edits may trip several checkers at once and reach the corners of each (witness limits, unpaired
 * ops, null contents), which is the point: every checker's verdict, count and witnesses on these
 * histories must not change when the checkers are reworked for speed.
 */
import type { Op } from '../../harness/history/history.ts';
import { prng } from './simulated-history.ts';
import { END_TXN, FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';

const EDITS = [
  'drop-record',
  'repeat-record',
  'swap-records',
  'change-value',
  'copy-value',
  'null-content',
  'shift-offset',
  'ack-offset',
  'ack-content',
  'ack-to-info',
  'ack-to-fail',
  'drop-op',
  'reposition',
  'isolation',
  'drop-end-txn',
  'move-partition',
] as const;

type Edit = (typeof EDITS)[number];

const clone = <T>(x: T): T => (x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T));

/** `history` (not changed) with `edits` seeded random edits; ops stay numbered by position. */
export function mutateHistory(history: readonly Op[], seed: number, edits: number): Op[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[Math.floor(rand() * xs.length)] : undefined);
  const ops: Op[] = history.map((op) => ({ ...op, value: clone(op.value) }));
  const where = (test: (op: Op) => boolean) => ops.flatMap((op, i) => (test(op) ? [i] : []));
  const records = (op: Op) => (op.value as { records: RecordRef[] }).records;
  const polls = () => where((op) => op.f === POLL && op.type === 'ok' && records(op).length > 0);
  const acks = () =>
    where((op) => op.f === SEND && op.type === 'ok' && typeof op.value === 'object' && op.value !== null);
  const values = () => ops.flatMap((op) => (op.f === SEND && op.type === 'ok' ? [(op.value as RecordRef).value] : []));
  const edit = (e: Edit): void => {
    switch (e) {
      case 'drop-record':
      case 'repeat-record':
      case 'swap-records':
      case 'change-value':
      case 'copy-value':
      case 'null-content':
      case 'shift-offset':
      case 'move-partition': {
        const i = pick(polls());
        if (i === undefined) return;
        const rs = records(ops[i]!);
        const j = Math.floor(rand() * rs.length);
        const r = rs[j]!;
        if (e === 'drop-record') rs.splice(j, 1);
        else if (e === 'repeat-record') rs.splice(j, 0, { ...r });
        else if (e === 'swap-records' && j + 1 < rs.length) [rs[j], rs[j + 1]] = [rs[j + 1]!, r];
        else if (e === 'change-value') r.value = `${r.value}-x`;
        else if (e === 'copy-value') r.value = pick(values()) ?? null;
        else if (e === 'null-content') rand() < 0.5 ? (r.value = null) : (r.key = null);
        else if (e === 'shift-offset')
          r.offset += rand() < 0.5 ? -1 - Math.floor(rand() * 3) : 1 + Math.floor(rand() * 3);
        else if (e === 'move-partition') r.partition += 1;
        return;
      }
      case 'ack-offset':
      case 'ack-content':
      case 'ack-to-info':
      case 'ack-to-fail': {
        const i = pick(acks());
        if (i === undefined) return;
        const op = ops[i]!;
        const r = op.value as RecordRef;
        if (e === 'ack-offset') r.offset = rand() < 0.3 ? -1 : Math.max(0, r.offset + Math.floor(rand() * 7) - 3);
        else if (e === 'ack-content') r.value = pick(values()) ?? 'v';
        else ops[i] = { ...op, type: e === 'ack-to-info' ? 'info' : 'fail', error: 'edited' };
        return;
      }
      case 'drop-op': {
        const i = pick(
          where((op) => op.process !== FINAL_READ && op.process !== REPLAY_READ && op.process !== 'nemesis'),
        );
        if (i !== undefined) ops.splice(i, 1);
        return;
      }
      case 'reposition': {
        const i = pick(
          where(
            (op) => op.f === POLL && op.type === 'invoke' && op.process !== FINAL_READ && op.process !== REPLAY_READ,
          ),
        );
        if (i === undefined) return;
        const { process, time } = ops[i]!;
        const f = pick(['seek', 'assign', 'subscribe'])!;
        const type = pick(['ok', 'info', 'fail'] as const)!;
        ops.splice(
          i,
          0,
          { index: 0, time, process, type: 'invoke', f, value: {} },
          { index: 0, time, process, type, f, value: {} },
        );
        return;
      }
      case 'isolation': {
        const i = pick(where((op) => op.f === POLL && op.type === 'invoke'));
        if (i === undefined) return;
        const v = ops[i]!.value as { isolation?: string };
        v.isolation = v.isolation === 'read_committed' ? 'read_uncommitted' : 'read_committed';
        return;
      }
      case 'drop-end-txn': {
        const i = pick(where((op) => op.f === END_TXN && op.type !== 'invoke'));
        if (i !== undefined) ops.splice(i, 1);
        return;
      }
    }
  };
  for (let k = 0; k < edits; k++) edit(pick(EDITS)!);
  ops.forEach((op, i) => (op.index = i));
  return ops;
}
