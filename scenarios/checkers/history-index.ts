import type { Op } from '../../harness/history/history.ts';
import { END_TXN, FINAL_READ, POLL, REPLAY_READ, REPOSITION, SEND, type RecordRef } from './types.ts';

const repositionFs = new Set<string>(REPOSITION);

/** Send outcomes in HistoryIndex.sendOutcome. OPEN: never completed (as good as info). */
export const OPEN = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;
const OUTCOME: Record<string, number> = { ok: OK, fail: FAIL, info: INFO };

/** An ok poll, with the isolation level it read at. */
export interface PollEntry {
  op: Op;
  /** Position of the completion in the history. */
  at: number;
  invoke: Op | undefined;
  /** Its records are rows start … start + count - 1 of the record columns. */
  start: number;
  count: number;
  /** From the completion's or the invocation's value; undefined when the poll does not say. */
  isolation: 'read_committed' | 'read_uncommitted' | undefined;
}

/** How a transaction ended, as far as the history tells. */
export interface TxnFate {
  id: string;
  outcome: 'commit' | 'abort' | 'unknown';
  /** Position of the first end-txn invocation for it; -1 when none was recorded. */
  endInvoke: number;
}

/** Numbers (topic, partition) pairs 0, 1, 2… in order of first appearance. */
export class PartitionIds {
  private readonly byTopic = new Map<string, number[]>();
  /** The pair behind each id. */
  readonly names: { topic: string; partition: number }[] = [];

  id(topic: string, partition: number): number {
    let list = this.byTopic.get(topic);
    if (!list) this.byTopic.set(topic, (list = []));
    let id = list[partition];
    if (id === undefined) {
      id = list[partition] = this.names.length;
      this.names.push({ topic, partition });
    }
    return id;
  }

  /** "topic/partition" of an id. */
  name(id: number): string {
    const n = this.names[id]!;
    return `${n.topic}/${n.partition}`;
  }
}

/**
 * What the checkers need from a history, gathered in one pass — the only one that touches the
 * ops and records themselves. It leaves compact columns behind: one row per send (struct of
 * arrays) and one row per polled record, so the checkers run over typed arrays a small fraction
 * of the history's size. At 10^6 ops the history's objects no longer fit in any cache and every
 * pass over them runs at memory latency; the columns largely do fit. Record contents (key and
 * value) are numbered here once, so sends and reads are matched through arrays, not string maps.
 *
 * Invocations and completions are paired first in, first out per process and `f`: a process may
 * have several ops of one kind in flight (a batch of sends), and they complete in the order they
 * were made. So a process's sends, taken in invocation order, are also in completion order.
 */
export interface HistoryIndex {
  history: readonly Op[];
  /** For each position, the position of its partner (invoke ↔ completion), or -1. */
  partner: Int32Array;
  /** How many distinct record contents there are; content ids run from 0 to contents - 1. */
  contents: number;
  partitions: PartitionIds;
  /** The processes, numbered in order of first appearance (sendProcess holds these numbers). */
  processes: Op['process'][];

  /** Sends, one row each in invocation order (a completion without an invocation: at its completion). */
  sendCount: number;
  /** Positions of the invocation (-1 for none) and of the completion (-1: never completed). */
  sendInvoke: Int32Array;
  sendDone: Int32Array;
  /** The completion's time (ms); NaN while never completed. */
  sendTime: Float64Array;
  /** OPEN, OK, FAIL or INFO. */
  sendOutcome: Uint8Array;
  sendProcess: Int32Array;
  /** Content id of the record sent (the acknowledged one for ok sends). */
  sendContent: Int32Array;
  /** Partition id the send named, or -1. */
  sendPart: Int32Array;
  /** The acknowledged offset; -1 when there is none (not ok, or acks=0). */
  sendOffset: Float64Array;
  /** Index in `txns` of the send's transaction, or -1. */
  sendTxn: Int32Array;
  /** 1 when the record is meant to stay: not transactional, or its transaction committed. */
  sendDurable: Uint8Array;

  /** Every ok poll, in completion order. */
  polls: PollEntry[];
  /**
   * Columns with a row per polled record, poll after poll: content id (-1 for the replay's
   * records, which replay.ts compares with the final read directly), partition id, offset.
   */
  recContent: Int32Array;
  recPart: Int32Array;
  recOffset: Float64Array;
  /** The final read's rows in read order, or null when the history has no final read. */
  final: Int32Array | null;
  /** The final read's records, in the same order as `final`. */
  finalRead: RecordRef[];
  /** The replay's polls, or null without a replay. */
  replay: PollEntry[] | null;
  /** Positions of the ok or info completions of seek, assign and subscribe ops (REPOSITION). */
  repositions: number[];
  /** Positions of the invocations that state an expected error code (`value.expect`). */
  expectations: number[];
  /** Transactions, numbered in order of first appearance on a send. */
  txns: TxnFate[];
  /** 1 for each partition id transactional sends wrote to. */
  txnParts: Uint8Array;
}

const field = (v: unknown, k: string): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined);

function txnOf(v: unknown): { id: string; outcome: unknown } | null {
  const t = field(v, 'txn');
  const id = field(t, 'id');
  return typeof id === 'string' || typeof id === 'number' ? { id: String(id), outcome: field(t, 'outcome') } : null;
}

const isOutcome = (o: unknown): o is 'commit' | 'abort' => o === 'commit' || o === 'abort';

function isolationOf(v: unknown): PollEntry['isolation'] {
  const i = field(v, 'isolation');
  return i === 'read_committed' || i === 'read_uncommitted' ? i : undefined;
}

/** Builds the index in O(n). */
export function indexHistory(history: readonly Op[]): HistoryIndex {
  const n = history.length;
  const partner = new Int32Array(n).fill(-1);
  const sendAt = new Int32Array(n).fill(-1);
  const queues = new Map<Op['process'], Map<string, { q: number[]; head: number }>>();
  // Content ids by key, then by value: no string is built per record, and a string's hash is
  // computed once and kept by the engine.
  const ids = new Map<string | null, Map<string | null, number>>();
  let contents = 0;
  const idOf = (v: unknown): number => {
    const key = field(v, 'key');
    const value = field(v, 'value');
    const k = typeof key === 'string' ? key : null;
    let byValue = ids.get(k);
    if (!byValue) ids.set(k, (byValue = new Map()));
    const val = typeof value === 'string' ? value : null;
    let id = byValue.get(val);
    if (id === undefined) byValue.set(val, (id = contents++));
    return id;
  };
  const partitions = new PartitionIds();
  const partOf = (v: unknown): number => {
    const topic = field(v, 'topic');
    const partition = field(v, 'partition');
    return typeof topic === 'string' && typeof partition === 'number' ? partitions.id(topic, partition) : -1;
  };
  const processIds = new Map<Op['process'], number>();
  const processes: Op['process'][] = [];
  const processOf = (p: Op['process']): number => {
    let id = processIds.get(p);
    if (id === undefined) {
      processIds.set(p, (id = processes.length));
      processes.push(p);
    }
    return id;
  };
  const txnIds = new Map<string, number>();
  const txns: TxnFate[] = [];
  const txnIndex = (id: string): number => {
    let t = txnIds.get(id);
    if (t === undefined) {
      txnIds.set(id, (t = txns.length));
      txns.push({ id, outcome: 'unknown', endInvoke: -1 });
    }
    return t;
  };
  const ended = new Map<string, { outcome: 'commit' | 'abort' | null; endInvoke: number }>();
  const declared = new Map<string, 'commit' | 'abort'>();

  // Send rows; the record of an ok send is kept only until its content id is known.
  const sInvoke: number[] = [];
  const sDone: number[] = [];
  const sTime: number[] = [];
  const sOutcome: number[] = [];
  const sProcess: number[] = [];
  const sContent: number[] = [];
  const sPart: number[] = [];
  const sOffset: number[] = [];
  const sTxn: number[] = [];
  const addSend = (invoke: number, process: Op['process'], part: number, txn: number): number => {
    sInvoke.push(invoke);
    sDone.push(-1);
    sTime.push(NaN);
    sOutcome.push(OPEN);
    sProcess.push(processOf(process));
    sContent.push(-1);
    sPart.push(part);
    sOffset.push(-1);
    sTxn.push(txn);
    return sInvoke.length - 1;
  };

  const polls: PollEntry[] = [];
  const recContent: number[] = [];
  const recPart: number[] = [];
  const recOffset: number[] = [];
  let final: number[] | null = null;
  const finalRead: RecordRef[] = [];
  let replay: PollEntry[] | null = null;
  const repositions: number[] = [];
  const expectations: number[] = [];

  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    let byF = queues.get(op.process);
    if (!byF) queues.set(op.process, (byF = new Map()));
    let queue = byF.get(op.f);
    if (op.type === 'invoke') {
      if (!queue) byF.set(op.f, (queue = { q: [], head: 0 }));
      queue.q.push(i);
      if (field(op.value, 'expect') !== undefined) expectations.push(i);
      if (op.f === SEND) {
        const txn = txnOf(op.value);
        if (txn && isOutcome(txn.outcome)) declared.set(txn.id, txn.outcome);
        sendAt[i] = addSend(i, op.process, partOf(op.value), txn ? txnIndex(txn.id) : -1);
      } else if (op.f === END_TXN) {
        const id = field(op.value, 'id');
        if ((typeof id === 'string' || typeof id === 'number') && !ended.has(String(id))) ended.set(String(id), { outcome: null, endInvoke: i });
      }
      continue;
    }
    let inv = -1;
    if (queue && queue.head < queue.q.length) {
      inv = queue.q[queue.head++]!;
      if (queue.head === queue.q.length) queue.q.length = queue.head = 0;
      partner[i] = inv;
      partner[inv] = i;
    }
    const invoke = inv >= 0 ? history[inv] : undefined;
    if (op.f === SEND) {
      let s = inv >= 0 ? sendAt[inv]! : -1;
      if (s < 0) s = addSend(-1, op.process, partOf(op.value), -1);
      sDone[s] = i;
      sTime[s] = op.time;
      sOutcome[s] = OUTCOME[op.type]!;
      const txn = txnOf(op.value);
      if (txn) {
        sTxn[s] = txnIndex(txn.id);
        if (isOutcome(txn.outcome)) declared.set(txn.id, txn.outcome);
      }
      let sent: unknown = invoke?.value ?? op.value;
      if (op.type === 'ok' && typeof op.value === 'object' && op.value !== null) {
        const r = op.value as RecordRef;
        sent = r;
        sPart[s] = partOf(r);
        sOffset[s] = r.offset >= 0 ? r.offset : -1;
      }
      sContent[s] = idOf(sent);
    } else if (op.f === POLL && op.type === 'ok') {
      const records = (op.value as { records: RecordRef[] }).records;
      const start = recPart.length;
      const isReplay = op.process === REPLAY_READ;
      const isFinal = op.process === FINAL_READ;
      if (isFinal) final ??= [];
      for (let j = 0; j < records.length; j++) {
        const r = records[j]!;
        recPart.push(partitions.id(r.topic, r.partition));
        recOffset.push(r.offset);
        recContent.push(isReplay ? -1 : idOf(r));
        if (isFinal) {
          final!.push(start + j);
          finalRead.push(r);
        }
      }
      const entry: PollEntry = { op, at: i, invoke, start, count: records.length, isolation: isolationOf(op.value) ?? isolationOf(invoke?.value) };
      polls.push(entry);
      if (isReplay) (replay ??= []).push(entry);
    } else if (op.type !== 'fail' && repositionFs.has(op.f)) {
      repositions.push(i);
    } else if (op.f === END_TXN && op.type === 'ok') {
      const id = field(op.value, 'id') ?? field(invoke?.value, 'id');
      const outcome = field(op.value, 'outcome') ?? field(invoke?.value, 'outcome');
      if ((typeof id === 'string' || typeof id === 'number') && isOutcome(outcome)) {
        const e = ended.get(String(id));
        if (e) e.outcome ??= outcome;
        else ended.set(String(id), { outcome, endInvoke: inv });
      }
    }
  }

  const sendCount = sInvoke.length;
  for (let s = 0; s < sendCount; s++) if (sContent[s]! < 0) sContent[s] = idOf(history[sInvoke[s]!]!.value);
  // Transactions only ended (never named on a send) matter to no checker; those named get their fate.
  for (const [id, e] of ended) {
    const t = txnIds.get(id);
    if (t === undefined) continue;
    txns[t]!.outcome = e.outcome ?? 'unknown';
    txns[t]!.endInvoke = e.endInvoke;
  }
  for (const [id, outcome] of declared) {
    const t = txns[txnIds.get(id)!]!;
    // A completed end-txn is the better witness of the outcome than what a send said.
    if (t.outcome === 'unknown') t.outcome = outcome;
  }
  const txnParts = new Uint8Array(partitions.names.length);
  const sendDurable = new Uint8Array(sendCount);
  for (let s = 0; s < sendCount; s++) {
    const t = sTxn[s]!;
    sendDurable[s] = t < 0 || txns[t]!.outcome === 'commit' ? 1 : 0;
    if (t >= 0 && sPart[s]! >= 0) txnParts[sPart[s]!] = 1;
  }
  return {
    history,
    partner,
    contents,
    partitions,
    processes,
    sendCount,
    sendInvoke: Int32Array.from(sInvoke),
    sendDone: Int32Array.from(sDone),
    sendTime: Float64Array.from(sTime),
    sendOutcome: Uint8Array.from(sOutcome),
    sendProcess: Int32Array.from(sProcess),
    sendContent: Int32Array.from(sContent),
    sendPart: Int32Array.from(sPart),
    sendOffset: Float64Array.from(sOffset),
    sendTxn: Int32Array.from(sTxn),
    sendDurable,
    polls,
    recContent: Int32Array.from(recContent),
    recPart: Int32Array.from(recPart),
    recOffset: Float64Array.from(recOffset),
    final: final && Int32Array.from(final),
    finalRead,
    replay,
    repositions,
    expectations,
    txns,
    txnParts,
  };
}

/** The record behind a row of a poll's (for witnesses). */
export function recordAt(p: PollEntry, row: number): RecordRef {
  return (p.op.value as { records: RecordRef[] }).records[row - p.start]!;
}

/** The record an ok send acknowledged (for witnesses). */
export function ackedRecord(ix: HistoryIndex, s: number): RecordRef {
  return ix.history[ix.sendDone[s]!]!.value as RecordRef;
}
