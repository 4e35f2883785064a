/**
 * Histories of a simulated, correct Kafka — for the checkers' property tests and bench/checkers.ts,
 * not for runs. The simulation keeps one log per partition and records every op the way the
 * drivers do: producers with several sends in flight (completed in order; some time out as info,
 * written or not, some fail), one transactional producer whose aborted records stay in the log
 * and whose commit markers take offsets, consumers at both isolation levels that read on from
 * where they were (read_committed ones only up to the last stable offset), ops with expected
 * error codes, a few nemesis ops, then the consumers drain, the final read and the replay.
 * Everything it records is correct, so every checker must pass; `plantAnomaly` then adds exactly
 * one anomaly of a chosen kind.
 */
import type { Op } from '../../harness/history/history.ts';
import { END_TXN, FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';
import { seededRandom as prng } from '../../protocol/seeded-random.ts';

/** What to simulate. */
export interface SimulationOptions {
  seed: number;
  /** Stop producing and polling once the history has this many ops (the drain and the reads come on top). */
  ops: number;
  producers?: number;
  partitions?: number;
  /** Consumer c reads the partitions p with p % consumers === c. */
  consumers?: number;
  /** Sends a producer keeps in flight at most. */
  maxInFlight?: number;
  /** Share of sends that time out (info); half of them were written. */
  infoRate?: number;
  /** Share of sends that fail (not written). */
  failRate?: number;
  /** Producer 0 is transactional and writes to partition 0 only (needs 2+ producers and partitions). */
  transactions?: boolean;
  /** Records per poll of the final read and the replay. */
  readBatch?: number;
  topic?: string;
}

interface Entry {
  record: RecordRef;
  txn: string | null;
  /** A commit or abort marker: takes an offset, never given to consumers. */
  control: boolean;
}

interface Pending {
  value: { topic: string; partition: number; key: string | null; value: string; txn?: { id: string } };
}

export { prng };

/** A history of a correct log, per `o`. */
export function simulateHistory(o: SimulationOptions): Op[] {
  const rand = prng(o.seed);
  const topic = o.topic ?? 't';
  const P = o.producers ?? 3;
  const K = o.partitions ?? 4;
  const C = o.consumers ?? 2;
  const maxInFlight = o.maxInFlight ?? 3;
  const infoRate = o.infoRate ?? 0.02;
  const failRate = o.failRate ?? 0.01;
  const txnProducer = o.transactions && P >= 2 && K >= 2 ? 0 : -1;
  const readBatch = o.readBatch ?? 1000;
  const ops: Op[] = [];
  let time = 0;
  const emit = (process: Op['process'], type: Op['type'], f: string, value: unknown, error?: string) => {
    time += 0.25 + rand();
    const op: Op = { index: ops.length, time: Math.round(time * 1000) / 1000, process, type, f, value };
    if (error !== undefined) op.error = error;
    ops.push(op);
  };

  const logs: Entry[][] = Array.from({ length: K }, () => []);
  const txnState = new Map<string, 'open' | 'commit' | 'abort'>();
  /** Per partition: open transactions and the offset of their first record (the last stable offset's candidates). */
  const openAt: Map<string, number>[] = Array.from({ length: K }, () => new Map());
  const lso = (q: number) => {
    let min = logs[q]!.length;
    for (const off of openAt[q]!.values()) min = Math.min(min, off);
    return min;
  };
  const append = (q: number, record: RecordRef | null, txn: string | null, control = false): RecordRef => {
    const r = record ?? { topic, partition: q, offset: 0, key: null, value: null };
    r.offset = logs[q]!.length;
    logs[q]!.push({ record: r, txn, control });
    if (txn !== null && !control && !openAt[q]!.has(txn)) openAt[q]!.set(txn, r.offset);
    return r;
  };

  const producers = Array.from({ length: P }, () => ({
    pending: [] as Pending[],
    seq: 0,
    txn: null as null | { id: string; planned: number; sent: number },
  }));
  let txnCount = 0;
  const invokeSend = (p: number) => {
    const pr = producers[p]!;
    const partition = p === txnProducer ? 0 : Math.floor(rand() * K);
    const value: Pending['value'] = { topic, partition, key: `k${p}`, value: `v${p}-${pr.seq++}` };
    if (pr.txn) {
      value.txn = { id: pr.txn.id };
      pr.txn.sent++;
    }
    pr.pending.push({ value });
    emit(p, 'invoke', SEND, value);
  };
  const completeSend = (p: number) => {
    const { value } = producers[p]!.pending.shift()!;
    const txn = value.txn?.id ?? null;
    const roll = txn ? 1 : rand();
    if (roll < infoRate) {
      if (rand() < 0.5)
        append(
          value.partition,
          { topic, partition: value.partition, offset: 0, key: value.key, value: value.value },
          null,
        );
      emit(p, 'info', SEND, value, 'request timed out');
    } else if (roll < infoRate + failRate) {
      emit(p, 'fail', SEND, value, 'NOT_LEADER_OR_FOLLOWER');
    } else {
      const r = append(
        value.partition,
        { topic, partition: value.partition, offset: 0, key: value.key, value: value.value },
        txn,
      );
      emit(p, 'ok', SEND, txn ? { ...r, txn: { id: txn } } : r);
    }
  };
  const endTxn = (p: number, outcome: 'commit' | 'abort') => {
    const pr = producers[p]!;
    const id = pr.txn!.id;
    emit(p, 'invoke', END_TXN, { id, outcome });
    append(0, null, id, true);
    txnState.set(id, outcome);
    openAt[0]!.delete(id);
    emit(p, 'ok', END_TXN, { id, outcome });
    pr.txn = null;
  };
  const producerStep = (p: number) => {
    const pr = producers[p]!;
    if (p === txnProducer) {
      pr.txn ??= { id: `tx-${txnCount++}`, planned: 1 + Math.floor(rand() * 4), sent: 0 };
      if (pr.txn.sent < pr.txn.planned && pr.pending.length < maxInFlight && (pr.pending.length === 0 || rand() < 0.5))
        return invokeSend(p);
      if (pr.pending.length > 0) return completeSend(p);
      return endTxn(p, rand() < 0.3 ? 'abort' : 'commit');
    }
    if (pr.pending.length < maxInFlight && (pr.pending.length === 0 || rand() < 0.5)) invokeSend(p);
    else completeSend(p);
  };

  const consumers = Array.from({ length: C }, (_, c) => ({
    name: `consumer-${c}`,
    isolation: (rand() < 0.5 ? 'read_committed' : 'read_uncommitted') as 'read_committed' | 'read_uncommitted',
    partitions: Array.from({ length: K }, (_, q) => q).filter((q) => q % C === c),
    pos: new Array<number>(K).fill(0),
  }));
  /** One poll of partition q from `from`; returns where the reader is afterwards. */
  const poll = (
    process: string,
    isolation: 'read_committed' | 'read_uncommitted',
    q: number,
    from: number,
    max: number,
    extra: object = {},
  ): number => {
    const limit = isolation === 'read_committed' ? lso(q) : logs[q]!.length;
    const to = Math.min(limit, from + max);
    const records: RecordRef[] = [];
    for (let i = from; i < to; i++) {
      const e = logs[q]![i]!;
      if (e.control || (isolation === 'read_committed' && e.txn !== null && txnState.get(e.txn) === 'abort')) continue;
      records.push(e.record);
    }
    emit(process, 'invoke', POLL, { topic, partition: q, isolation, ...extra });
    emit(process, 'ok', POLL, { records });
    return to;
  };
  const consumerStep = (c: number) => {
    const cs = consumers[c]!;
    if (cs.partitions.length === 0) return;
    const q = cs.partitions[Math.floor(rand() * cs.partitions.length)]!;
    cs.pos[q] = poll(cs.name, cs.isolation, q, cs.pos[q]!, 1 + Math.floor(rand() * 20));
  };

  const expectations = [[0], [45], [0, 45], [19, 20]];
  let decided = 0;
  const rawStep = () => {
    const expected = expectations[Math.floor(rand() * expectations.length)]!;
    emit('raw', 'invoke', 'produce-raw', {
      topic,
      partition: 0,
      expect: { errorCode: expected.length === 1 ? expected[0] : expected },
    });
    const got = expected[Math.floor(rand() * expected.length)]!;
    // Never only timeouts: a history whose every expectation is undecided is rightly unknown.
    if (decided > 0 && rand() < 0.1) return emit('raw', 'info', 'produce-raw', null, 'request timed out');
    decided++;
    if (got === 0) emit('raw', 'ok', 'produce-raw', { errorCode: 0 });
    else emit('raw', 'fail', 'produce-raw', { errorCode: got }, `error ${got}`);
  };

  const faultEvery = Math.max(50, Math.floor(o.ops / 6));
  let nextFault = faultEvery;
  let paused = false;
  while (ops.length < o.ops) {
    if (ops.length >= nextFault) {
      nextFault += faultEvery;
      const fault = paused ? 'resume' : 'pause';
      paused = !paused;
      emit('nemesis', 'invoke', 'nemesis', { fault, node: 0 });
      emit('nemesis', 'ok', 'nemesis', { fault, node: 0 });
    }
    const r = rand();
    if (r < 0.6) producerStep(Math.floor(rand() * P));
    else if (r < 0.97) {
      if (C > 0) consumerStep(Math.floor(rand() * C));
    } else rawStep();
  }

  for (let p = 0; p < P; p++) {
    while (producers[p]!.pending.length > 0) completeSend(p);
    if (producers[p]!.txn) endTxn(p, 'commit');
  }
  emit('nemesis', 'invoke', 'nemesis', { fault: 'heal-all' });
  emit('nemesis', 'ok', 'nemesis', { fault: 'heal-all' });
  for (const cs of consumers)
    for (const q of cs.partitions)
      while (cs.pos[q]! < logs[q]!.length) cs.pos[q] = poll(cs.name, cs.isolation, q, cs.pos[q]!, 500);
  for (const reader of [FINAL_READ, REPLAY_READ]) {
    for (let q = 0; q < K; q++)
      for (let at = 0; at < logs[q]!.length; )
        at = poll(reader, 'read_committed', q, at, readBatch, { from: 'beginning' });
  }
  return ops;
}

/** The kinds of anomaly plantAnomaly can add; each is the name of the checker that must flag it. */
export const PLANTABLE = [
  'lost-write',
  'duplicate',
  'inconsistent-offsets',
  'nonmonotonic-send',
  'nonmonotonic-poll',
  'poll-skip',
  'replay',
  'reorder',
  'unseen',
  'aborted-read',
  'protocol-expectations',
] as const;
export type PlantableAnomaly = (typeof PLANTABLE)[number];

type Draft = Omit<Op, 'index' | 'time'>;

/**
 * `history` (a correct one, with a final read and a replay) with one anomaly of `kind` added —
 * built so that only the checker of that name fails: new processes (`planted-…`) make the sends
 * and polls, and the final read and replay grow only at the end of a partition, with no gap.
 * 'unseen' is an anomaly only under `consumersSeeAll`; with it, the others keep every new write
 * seen by a consumer. Works on a non-transactional partition with 3+ records; throws otherwise.
 */
export function plantAnomaly(history: readonly Op[], kind: PlantableAnomaly): Op[] {
  const perPartition = new Map<string, RecordRef[]>();
  const ends = new Map<string, number>();
  const txnParts = new Set<string>();
  let firstFinal = -1;
  let lastFinal = -1;
  let lastReplay = -1;
  const bump = (r: { topic: string; partition: number; offset: number }) => {
    const k = `${r.topic}/${r.partition}`;
    ends.set(k, Math.max(ends.get(k) ?? 0, r.offset + 1));
  };
  history.forEach((op, i) => {
    if (op.process === FINAL_READ) {
      if (firstFinal < 0) firstFinal = i;
      lastFinal = i;
    }
    if (op.process === REPLAY_READ) lastReplay = i;
    if (op.f === SEND && op.type !== 'fail' && typeof op.value === 'object' && op.value !== null) {
      const v = op.value as RecordRef & { txn?: unknown };
      if (v.txn !== undefined) txnParts.add(`${v.topic}/${v.partition}`);
      if (op.type === 'ok') bump(v);
    }
    if (op.f === POLL && op.type === 'ok') {
      for (const r of (op.value as { records: RecordRef[] }).records) {
        bump(r);
        if (op.process === FINAL_READ) {
          const k = `${r.topic}/${r.partition}`;
          let list = perPartition.get(k);
          if (!list) perPartition.set(k, (list = []));
          list.push(r);
        }
      }
    }
  });
  if (firstFinal < 0 || lastReplay < lastFinal)
    throw new Error('plantAnomaly needs a history with a final read followed by a replay');
  let part: string | undefined;
  for (const [k, list] of perPartition)
    if (!txnParts.has(k) && list.length >= 3 && (!part || list.length > perPartition.get(part)!.length)) part = k;
  if (!part)
    throw new Error('plantAnomaly needs a non-transactional partition with 3 or more records in the final read');
  const recs = perPartition.get(part)!;
  const { topic, partition } = recs[0]!;
  const e = ends.get(part)!;
  const fresh = (value: string, offset: number): RecordRef => ({ topic, partition, offset, key: null, value });
  const sendValue = (r: RecordRef) => ({ topic, partition, key: r.key, value: r.value });

  const before: Draft[] = [];
  let finalExtra: RecordRef[] = [];
  let replayEdit: ((ops: Op[]) => void) | null = null;
  const op = (process: string, type: Op['type'], f: string, value: unknown) => before.push({ process, type, f, value });
  const consumerSees = (records: RecordRef[], extra: object = {}) => {
    op('planted-consumer', 'invoke', POLL, { topic, partition, ...extra });
    op('planted-consumer', 'ok', POLL, { records });
  };
  const x = fresh('planted-x', e);
  const z = fresh('planted-z', e);
  switch (kind) {
    case 'lost-write':
      op('planted-producer', 'invoke', SEND, sendValue(x));
      op('planted-producer', 'ok', SEND, x);
      consumerSees([x]);
      break;
    case 'unseen':
      op('planted-producer', 'invoke', SEND, sendValue(x));
      op('planted-producer', 'ok', SEND, x);
      finalExtra = [x];
      break;
    case 'duplicate':
      finalExtra = [{ ...recs[0]!, offset: e }];
      break;
    case 'inconsistent-offsets':
      op('planted-producer', 'invoke', SEND, sendValue(x));
      op('planted-producer', 'ok', SEND, { ...x, offset: recs[0]!.offset });
      consumerSees([x]);
      finalExtra = [x];
      break;
    case 'nonmonotonic-send': {
      const x1 = { ...x, offset: e + 1 };
      op('planted-producer', 'invoke', SEND, sendValue(x1));
      op('planted-producer', 'invoke', SEND, sendValue(z));
      op('planted-producer', 'ok', SEND, x1);
      op('planted-producer', 'ok', SEND, z);
      consumerSees([z, x1]);
      finalExtra = [z, x1];
      break;
    }
    case 'reorder': {
      const x1 = { ...x, offset: e + 1 };
      op('planted-producer', 'invoke', SEND, sendValue(x1));
      op('planted-producer', 'ok', SEND, { ...x1, offset: -1 });
      op('planted-producer', 'invoke', SEND, sendValue(z));
      op('planted-producer', 'ok', SEND, { ...z, offset: -1 });
      consumerSees([z, x1]);
      finalExtra = [z, x1];
      break;
    }
    case 'nonmonotonic-poll':
      consumerSees([recs[0]!, recs[1]!]);
      consumerSees([recs[1]!]);
      break;
    case 'poll-skip':
      consumerSees([recs[0]!]);
      consumerSees([recs[2]!]);
      break;
    case 'aborted-read': {
      const txn = { id: 'planted-txn', outcome: 'abort' };
      op('planted-producer', 'invoke', SEND, { ...sendValue(x), txn });
      op('planted-producer', 'ok', SEND, { ...x, txn });
      consumerSees([x], { isolation: 'read_committed' });
      break;
    }
    case 'protocol-expectations':
      op('planted-raw', 'invoke', 'produce-raw', { topic, partition, expect: { errorCode: 45 } });
      op('planted-raw', 'ok', 'produce-raw', { errorCode: 0 });
      break;
    case 'replay': {
      const victim = recs[Math.floor(recs.length / 2)]!;
      replayEdit = (ops) => {
        for (let i = ops.length - 1; i >= 0; i--) {
          const o = ops[i]!;
          if (o.process !== REPLAY_READ || o.type !== 'ok') continue;
          const records = (o.value as { records: RecordRef[] }).records;
          const at = records.findIndex(
            (r) => r.topic === victim.topic && r.partition === victim.partition && r.offset === victim.offset,
          );
          if (at < 0) continue;
          ops[i] = {
            ...o,
            value: { records: records.map((r, j) => (j === at ? { ...r, value: `${r.value}-changed` } : r)) },
          };
          return;
        }
      };
      break;
    }
  }

  const readsExtra = (process: string): Draft[] =>
    finalExtra.length
      ? [
          { process, type: 'invoke', f: POLL, value: { topic, partition, from: 'beginning' } },
          { process, type: 'ok', f: POLL, value: { records: finalExtra } },
        ]
      : [];
  const drafts: (Op | Draft)[] = [
    ...history.slice(0, firstFinal),
    ...before,
    ...history.slice(firstFinal, lastFinal + 1),
    ...readsExtra(FINAL_READ),
    ...history.slice(lastFinal + 1, lastReplay + 1),
    ...readsExtra(REPLAY_READ),
    ...history.slice(lastReplay + 1),
  ];
  const out: Op[] = [];
  let time = 0;
  drafts.forEach((d, i) => {
    time = 'time' in d ? d.time : time;
    out.push('index' in d && d.index === i ? d : { ...d, index: i, time });
  });
  replayEdit?.(out);
  return out;
}
