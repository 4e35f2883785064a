/**
 * Synthetic transactional histories, as a correct Kafka would produce them: transactional
 * producers (one transactional.id each, their transactions one after another, concurrent with each
 * other) append to shared partitions, commit or abort at random, and read a partition inside
 * some of their transactions (consume-transform-produce); consumers poll at read_committed (up to
 * the last stable offset, aborted records and markers left out) and read_uncommitted; the run
 * ends with the final reads at both levels. For the checker benchmark and the checkers'
 * property tests (every transactional checker passes it; a planted anomaly is caught).
 */
import type { Op } from '../../harness/history/history.ts';
import {
  END_TXN,
  FINAL_READ,
  FINAL_READ_UNCOMMITTED,
  POLL,
  REPLAY_READ,
  SEND,
  TXN_BEGIN,
  type RecordRef,
} from '../../harness/history/ops.ts';
import { prng } from './simulated-history.ts';

/** The shape of a simulated transactional history. */
export interface TxnSimulationOptions {
  /** Ops to emit (about; the final reads come on top). */
  ops: number;
  seed: number;
  producers: number;
  partitions: number;
  consumers: number;
}

interface Entry {
  record: RecordRef;
  /** Transaction number, -1 for a control marker. */
  txn: number;
}

/** Generates the history (invocations and completions in one order, as a recorder writes them). */
export function simulateTxnHistory(o: TxnSimulationOptions): Op[] {
  const rand = prng(o.seed);
  const ops: Op[] = [];
  let time = 0;
  const emit = (process: Op['process'], type: Op['type'], f: string, value: unknown) =>
    ops.push({ index: ops.length, time: time++, process, type, f, value });
  const logs: Entry[][] = Array.from({ length: o.partitions }, () => []);
  /** Per partition: the first offset of each open transaction there. */
  const openAt: Map<number, number>[] = Array.from({ length: o.partitions }, () => new Map());
  const outcome: ('open' | 'commit' | 'abort')[] = [];
  const ids: string[] = [];
  const producers = Array.from({ length: o.producers }, (_, p) => ({
    tid: `tx-${p}`,
    txn: -1,
    left: 0,
    parts: new Set<number>(),
    readFrom: new Array<number>(o.partitions).fill(0),
  }));
  const consumers = Array.from({ length: o.consumers }, (_, c) => ({
    committed: c % 2 === 0,
    position: new Array<number>(o.partitions).fill(0),
  }));
  const lso = (q: number) => {
    let min = logs[q]!.length;
    for (const at of openAt[q]!.values()) if (at < min) min = at;
    return min;
  };
  /** Up to `max` readable records of partition q from `from`, and the position after them. */
  const read = (q: number, from: number, committed: boolean, max: number) => {
    const end = committed ? lso(q) : logs[q]!.length;
    const records: RecordRef[] = [];
    let at = from;
    for (; at < end && records.length < max; at++) {
      const e = logs[q]![at]!;
      if (e.txn < 0 || (committed && outcome[e.txn] === 'abort')) continue;
      records.push(e.record);
    }
    return { records, next: at };
  };
  let seq = 0;
  while (ops.length < o.ops) {
    const roll = rand();
    if (roll < 0.8) {
      const p = Math.floor(rand() * o.producers);
      const pr = producers[p]!;
      if (pr.txn < 0) {
        pr.txn = ids.length;
        ids.push(`${pr.tid}#${ids.length}`);
        outcome.push('open');
        pr.left = 1 + Math.floor(rand() * 4);
        pr.parts.clear();
        const begin = { id: ids[pr.txn]!, transactionalId: pr.tid };
        emit(p, 'invoke', TXN_BEGIN, begin);
        emit(p, 'ok', TXN_BEGIN, { ...begin, producerId: 1000 + p, epoch: 0 });
        if (rand() < 0.3) {
          // Consume-transform-produce: read a partition inside the transaction.
          const q = Math.floor(rand() * o.partitions);
          const { records, next } = read(q, pr.readFrom[q]!, true, 5);
          pr.readFrom[q] = next;
          const txn = { id: ids[pr.txn]! };
          emit(p, 'invoke', POLL, { topic: 't', partition: q, isolation: 'read_committed', txn });
          emit(p, 'ok', POLL, { records });
        }
      } else if (pr.left > 0) {
        const q = Math.floor(rand() * o.partitions);
        const txn = { id: ids[pr.txn]!, transactionalId: pr.tid };
        const value = `v${seq++}`;
        emit(p, 'invoke', SEND, { topic: 't', partition: q, key: null, value, txn });
        const record: RecordRef = { topic: 't', partition: q, offset: logs[q]!.length, key: null, value };
        if (!openAt[q]!.has(pr.txn)) openAt[q]!.set(pr.txn, record.offset);
        logs[q]!.push({ record, txn: pr.txn });
        pr.parts.add(q);
        pr.left--;
        emit(p, 'ok', SEND, { ...record, txn });
      } else {
        const end = { id: ids[pr.txn]!, outcome: rand() < 0.7 ? 'commit' : 'abort' } as const;
        emit(p, 'invoke', END_TXN, end);
        outcome[pr.txn] = end.outcome;
        for (const q of pr.parts) {
          openAt[q]!.delete(pr.txn);
          logs[q]!.push({
            record: { topic: 't', partition: q, offset: logs[q]!.length, key: null, value: null },
            txn: -1,
          });
        }
        emit(p, 'ok', END_TXN, end);
        pr.txn = -1;
      }
    } else {
      const c = Math.floor(rand() * o.consumers);
      const con = consumers[c]!;
      const q = Math.floor(rand() * o.partitions);
      const isolation = con.committed ? 'read_committed' : 'read_uncommitted';
      const { records, next } = read(q, con.position[q]!, con.committed, 10);
      con.position[q] = next;
      emit(`c${c}`, 'invoke', POLL, { topic: 't', partition: q, isolation });
      emit(`c${c}`, 'ok', POLL, { records });
    }
  }
  // End what is open (commit), then read everything at both levels.
  for (let p = 0; p < o.producers; p++) {
    const pr = producers[p]!;
    if (pr.txn < 0) continue;
    const end = { id: ids[pr.txn]!, outcome: 'commit' } as const;
    emit(p, 'invoke', END_TXN, end);
    outcome[pr.txn] = 'commit';
    for (const q of pr.parts) {
      openAt[q]!.delete(pr.txn);
      logs[q]!.push({ record: { topic: 't', partition: q, offset: logs[q]!.length, key: null, value: null }, txn: -1 });
    }
    emit(p, 'ok', END_TXN, end);
  }
  for (const [process, committed] of [
    [FINAL_READ, true],
    [REPLAY_READ, true],
    [FINAL_READ_UNCOMMITTED, false],
  ] as const) {
    const isolation = committed ? 'read_committed' : 'read_uncommitted';
    for (let q = 0; q < o.partitions; q++) {
      for (let from = 0; from < logs[q]!.length; ) {
        const { records, next } = read(q, from, committed, 500);
        from = next;
        emit(process, 'invoke', POLL, { topic: 't', partition: q, from: 'beginning', isolation });
        emit(process, 'ok', POLL, { records });
      }
    }
  }
  return ops;
}
