import type { Op } from '../../harness/history/history.ts';
import { END_TXN, FINAL_READ, POLL, REPLAY_READ, REPOSITION, SEND, type RecordRef } from '../../harness/history/ops.ts';

const repositionFs = new Set<string>(REPOSITION);

/** Send outcomes in HistoryIndex.sendOutcome. OPEN: never completed (as good as info). */
export const OPEN = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;

/** Isolation levels in HistoryIndex.pollIsolation. UNSAID: the poll does not say. */
export const UNSAID = 0;
export const READ_COMMITTED = 1;
export const READ_UNCOMMITTED = 2;

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
  // Records of one topic come in runs: the last topic's list saves a map lookup per record.
  private lastTopic: string | undefined = undefined;
  private lastList: number[] = [];
  /** The pair behind each id. */
  readonly names: { topic: string; partition: number }[] = [];

  id(topic: string, partition: number): number {
    let list: number[] | undefined;
    if (topic === this.lastTopic && this.lastTopic !== undefined) list = this.lastList;
    else {
      list = this.byTopic.get(topic);
      if (!list) this.byTopic.set(topic, (list = []));
      this.lastTopic = topic;
      this.lastList = list;
    }
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
 * Per partition id, a number per offset, in an array that starts at the first offset seen and
 * grows as offsets do — for offset → number lookups that run in order through memory instead of
 * hopping through a hash table. Offsets it cannot hold (not whole, below the start, or so far
 * above everything seen that the array would outgrow the history) are refused and the caller
 * takes its slower path; `budget` (the rows seen so far) bounds the memory by the history's size.
 */
export class OffsetTable {
  private readonly base: number[] = [];
  /** Per partition id: the number + 1 per offset from base on (0: none). */
  private readonly slots: number[][] = [];
  private size = 0;

  /** The number stored for (part, offset), or -1. */
  get(part: number, offset: number): number {
    const slots = this.slots[part];
    if (slots === undefined) return -1;
    const i = offset - this.base[part]!;
    return i >= 0 && i < slots.length ? slots[i]! - 1 : -1;
  }

  /** Stores `v` (≥ 0) for (part, offset); false when the offset is one this table does not hold. */
  set(part: number, offset: number, v: number, budget: number): boolean {
    if (part < 0 || !Number.isInteger(offset) || offset < 0) return false;
    let slots = this.slots[part];
    if (slots === undefined) {
      // Runs start at offset 0; a topic that existed before the run starts higher.
      this.base[part] = offset < 65_536 ? 0 : offset - 1024;
      slots = this.slots[part] = [];
    }
    const i = offset - this.base[part]!;
    if (i < 0) return false;
    if (i >= slots.length) {
      if (this.size + i + 1 - slots.length > 65_536 + 4 * budget) return false;
      this.size += i + 1 - slots.length;
      while (slots.length < i) slots.push(0);
      slots.push(v + 1);
      return true;
    }
    slots[i] = v + 1;
    return true;
  }
}

/**
 * Numbers record contents (key and value, each a string or null): equal contents, one id; ids
 * 0, 1, 2… in order of first appearance. An open-addressing hash table over arrays of small
 * integers, so numbering a million contents allocates a few arrays instead of a map entry each
 * (each an object the garbage collector would trace, and a Map grows by rehashing into new ones).
 */
export class ContentIds {
  /** Key and value of each id. */
  readonly keys: (string | null)[] = [];
  readonly values: (string | null)[] = [];
  private readonly hashes: number[] = [];
  /** id + 1 per slot; 0 is empty. */
  private slots: number[] = new Array<number>(2048).fill(0);

  get size(): number {
    return this.keys.length;
  }

  /** The id of (key, value), numbering it when new. */
  id(key: string | null, value: string | null): number {
    const h = hashContent(key, value);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) break;
      const c = slot - 1;
      if (this.hashes[c] === h && this.values[c] === value && this.keys[c] === key) return c;
    }
    const c = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    this.hashes.push(h);
    // At most half full: probe runs stay short.
    if (2 * (c + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(c, h);
    return c;
  }

  private place(c: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = c + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Array<number>(capacity).fill(0);
    for (let c = 0; c < this.keys.length; c++) this.place(c, this.hashes[c]!);
  }
}

/** FNV-1a over the value's and the key's UTF-16 units, null told apart from every string. */
function hashContent(key: string | null, value: string | null): number {
  let h = 0x811c9dc5;
  if (value === null) h = Math.imul(h ^ 0x1_0000, 0x01000193);
  else for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  // A unit no string holds, between the two.
  h = Math.imul(h ^ 0x2_0000, 0x01000193);
  if (key === null) h = Math.imul(h ^ 0x1_0000, 0x01000193);
  else for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  // Spread the low bits the table indexes by; 30 bits, so a hash is a small integer to the engine.
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 2;
}

/**
 * What the checkers need from a history, gathered in one pass — the only one that touches the
 * ops and records themselves. It leaves compact columns behind (struct of arrays of numbers): one
 * row per send, one per ok poll and one per polled record, so the checkers run over a small
 * fraction of the history's memory. At 10^6 ops the history's objects no longer fit in any cache
 * and every pass over them runs at memory latency; the columns largely do fit.
 *
 * The pass allocates no object per op, and its columns are plain arrays of small integers and
 * doubles, not typed arrays: V8 starts a full garbage collection — which must mark the whole
 * history, tens of MB per 10^5 ops — whenever some 64 MB of typed-array memory has been allocated
 * since the last one, a bound that does not grow with the heap, so typed columns would cost a
 * full collection per check of a 10^6-op history. Arrays on the heap are collected on the heap's
 * own schedule, which grows with the heap.
 *
 * Record contents (key and value) are numbered here once, so sends and reads are matched through
 * arrays, not string maps. A record read at an offset usually holds what was acknowledged (or
 * read before) at that offset, so the content id is looked up by offset first (OffsetTable) and
 * confirmed by comparing the strings; only a first sighting or a mismatch goes to ContentIds.
 *
 * Invocations and completions are paired first in, first out per process and `f`: a process may
 * have several ops of one kind in flight (a batch of sends), and they complete in the order they
 * were made. So a process's sends, taken in invocation order, are also in completion order.
 */
export interface HistoryIndex {
  history: readonly Op[];
  /** How many distinct record contents there are; content ids run from 0 to contents - 1. */
  contents: number;
  partitions: PartitionIds;
  /** The processes that sent, numbered in order of their first send (sendProcess holds these numbers). */
  processes: Op['process'][];
  /** Every process, numbered in order of first appearance (pollActor and repositionActor hold these numbers). */
  actors: Op['process'][];
  /** The actor numbers of the final read and the replay, or -1 when they never appear. */
  finalActor: number;
  replayActor: number;

  /** Sends, one row each in invocation order (a completion without an invocation: at its completion). */
  sendCount: number;
  /** Positions of the invocation (-1 for none) and of the completion (-1: never completed). */
  sendInvoke: readonly number[];
  sendDone: readonly number[];
  /** The completion's time (ms); NaN while never completed. */
  sendTime: readonly number[];
  /** OPEN, OK, FAIL or INFO. */
  sendOutcome: readonly number[];
  sendProcess: readonly number[];
  /** Content id of the record sent (the acknowledged one for ok sends). */
  sendContent: readonly number[];
  /** Partition id the send named, or -1. */
  sendPart: readonly number[];
  /** The acknowledged offset; -1 when there is none (not ok, or acks=0). */
  sendOffset: readonly number[];
  /** Index in `txns` of the send's transaction, or -1. */
  sendTxn: readonly number[];
  /** 1 when the record is meant to stay: not transactional, or its transaction committed. */
  sendDurable: readonly number[];

  /** Ok polls, one row each in completion order. */
  pollCount: number;
  /** Position of the completion; its time (ms); its actor. */
  pollAt: readonly number[];
  pollTime: readonly number[];
  pollActor: readonly number[];
  /** The poll's records are rows pollStart … pollStart + pollRecords - 1 of the record columns. */
  pollStart: readonly number[];
  pollRecords: readonly number[];
  /** From the completion's or the invocation's value: UNSAID, READ_COMMITTED or READ_UNCOMMITTED. */
  pollIsolation: readonly number[];
  /** Columns with a row per polled record, poll after poll: content id, partition id, offset. */
  recContent: readonly number[];
  recPart: readonly number[];
  recOffset: readonly number[];
  /** The final read's rows in read order, or null when the history has no final read. */
  final: readonly number[] | null;
  /**
   * Per partition id: the position of the final read's first op (invocation or completion) that
   * names the partition's topic — the final read took that topic's end offsets before it — or,
   * when the final read never names the topic, of the final read's first op; -1 without a final read.
   */
  finalFrom: readonly number[];
  /** The replay's polls (poll rows), or null without a replay. */
  replay: readonly number[] | null;
  /** Positions of the ok or info completions of seek, assign and subscribe ops (REPOSITION), and their actors. */
  repositions: readonly number[];
  repositionActor: readonly number[];
  /** Positions of the invocations that state an expected error code (`value.expect`), and of their completions (-1: none). */
  expectations: readonly number[];
  expectationDone: readonly number[];
  /** Transactions, numbered in order of first appearance on a send. */
  txns: TxnFate[];
  /** 1 for each partition id transactional sends wrote to. */
  txnParts: readonly number[];
}

/** Op values as the checkers read them: any object, fields looked up by name (named loads, not keyed ones). */
interface Loose {
  readonly expect?: unknown;
  readonly isolation?: unknown;
  readonly txn?: unknown;
  readonly id?: unknown;
  readonly outcome?: unknown;
  readonly topic?: unknown;
  readonly partition?: unknown;
  readonly key?: unknown;
  readonly value?: unknown;
}
const loose = (v: unknown): Loose | undefined => (typeof v === 'object' && v !== null ? (v as Loose) : undefined);

const isOutcome = (o: unknown): o is 'commit' | 'abort' => o === 'commit' || o === 'abort';

function isolationOf(v: unknown): number {
  const i = loose(v)?.isolation;
  return i === 'read_committed' ? READ_COMMITTED : i === 'read_uncommitted' ? READ_UNCOMMITTED : UNSAID;
}

/** The id of a send's transaction (`value.txn.id`, as a string), or undefined. */
function txnIdOf(v: unknown): string | undefined {
  const id = loose(loose(v)?.txn)?.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}

/**
 * Invocations waiting for their completion, one first-in-first-out queue per (actor, f). An entry
 * is the invocation's position — for sends its send row, which knows the position — and the
 * number of the expectation it states (-1: none). The queue's arrays are reused from the front
 * whenever it runs empty and never shrunk (setting an array's length to 0 would drop its storage,
 * and the next entry would allocate it again), so pairing allocates nothing per op.
 */
class Waiting {
  private readonly items: number[] = [];
  private readonly expects: number[] = [];
  private head = 0;
  private tail = 0;
  /** The expectation number of the entry `take` returned last. */
  expectation = -1;

  add(x: number, expectation: number): void {
    if (this.tail === this.items.length) {
      this.items.push(x);
      this.expects.push(expectation);
    } else {
      this.items[this.tail] = x;
      this.expects[this.tail] = expectation;
    }
    this.tail++;
  }

  /** The oldest entry, taken out; -1 when none waits. */
  take(): number {
    if (this.head === this.tail) return -1;
    this.expectation = this.expects[this.head]!;
    const x = this.items[this.head++]!;
    if (this.head === this.tail) this.head = this.tail = 0;
    else if (this.head > 1024 && 2 * this.head > this.tail) {
      // A queue that never runs empty: move what waits to the front so it does not grow with the history.
      this.items.copyWithin(0, this.head, this.tail);
      this.expects.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return x;
  }
}

/** Builds the index in O(n). */
export function indexHistory(history: readonly Op[]): HistoryIndex {
  const n = history.length;
  const waiting: Waiting[][] = [];
  const fIds = new Map<string, number>();

  // Content ids: by offset first (the record usually holds what was acknowledged or read there
  // before), confirmed by comparing the strings; else through the hash table.
  const contentIds = new ContentIds();
  const contentKey = contentIds.keys;
  const contentValue = contentIds.values;
  const contentAt = new OffsetTable();
  /** The content id of key and value found at (part, offset) — offset negative or part -1 when unknown. */
  const contentOf = (part: number, offset: number, key: unknown, value: unknown, seen: number): number => {
    const k = typeof key === 'string' ? key : null;
    const val = typeof value === 'string' ? value : null;
    const c = contentAt.get(part, offset);
    if (c >= 0 && contentValue[c] === val && contentKey[c] === k) return c;
    const id = contentIds.id(k, val);
    contentAt.set(part, offset, id, seen);
    return id;
  };
  const partitions = new PartitionIds();
  const partOf = (v: unknown): number => {
    const o = loose(v);
    const topic = o?.topic;
    const partition = o?.partition;
    return typeof topic === 'string' && typeof partition === 'number' ? partitions.id(topic, partition) : -1;
  };
  const actorIds = new Map<Op['process'], number>();
  const smallActors: number[] = [];
  const actors: Op['process'][] = [];
  // Actor number → send process number (-1 until the actor's first send).
  const senderOf: number[] = [];
  const processes: Op['process'][] = [];
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

  const sendInvoke: number[] = [];
  const sendDone: number[] = [];
  const sendTime: number[] = [];
  const sendOutcome: number[] = [];
  const sendProcess: number[] = [];
  const sendContent: number[] = [];
  const sendPart: number[] = [];
  const sendOffset: number[] = [];
  const sendTxn: number[] = [];
  const addSend = (invoke: number, actor: number, part: number, txn: number): number => {
    let sender = senderOf[actor]!;
    if (sender < 0) {
      sender = senderOf[actor] = processes.length;
      processes.push(actors[actor]!);
    }
    sendInvoke.push(invoke);
    sendDone.push(-1);
    sendTime.push(NaN);
    sendOutcome.push(OPEN);
    sendProcess.push(sender);
    sendContent.push(-1);
    sendPart.push(part);
    sendOffset.push(-1);
    sendTxn.push(txn);
    return sendInvoke.length - 1;
  };

  const pollAt: number[] = [];
  const pollTime: number[] = [];
  const pollActor: number[] = [];
  const pollStart: number[] = [];
  const pollRecords: number[] = [];
  const pollIsolation: number[] = [];
  const recContent: number[] = [];
  const recPart: number[] = [];
  const recOffset: number[] = [];
  let final: number[] | null = null;
  let replay: number[] | null = null;
  // The final read's first op per topic, and its first op at all (see finalFrom).
  const finalTopicFrom = new Map<string, number>();
  let finalBegin = -1;
  const finalNames = (topic: unknown, i: number) => {
    if (typeof topic === 'string' && !finalTopicFrom.has(topic)) finalTopicFrom.set(topic, i);
  };
  const repositions: number[] = [];
  const repositionActor: number[] = [];
  const expectations: number[] = [];
  const expectationDone: number[] = [];

  let lastProcess: Op['process'] | undefined = undefined;
  let lastActor = -1;
  for (let i = 0; i < n; i++) {
    const op = history[i]!;
    // Consecutive ops are often one process's (an invocation and its completion).
    let actor = lastActor;
    const process = op.process;
    if (process !== lastProcess || lastActor < 0) {
      // Producers are mostly numbered 0, 1, 2…: an array finds them without hashing.
      const small = typeof process === 'number' && process >= 0 && process < 1024 && (process | 0) === process;
      const known = small ? (smallActors[process] ?? -1) : (actorIds.get(process) ?? -1);
      if (known < 0) {
        actor = actors.length;
        actorIds.set(process, actor);
        if (small) smallActors[process] = actor;
        actors.push(process);
        senderOf.push(-1);
        waiting.push([]);
      } else actor = known;
      lastProcess = process;
      lastActor = actor;
    }
    // Sends and polls are most ops: their queues are 0 and 1, the others numbered as they come.
    const f = op.f;
    let fId = f === SEND ? 0 : f === POLL ? 1 : fIds.get(f);
    if (fId === undefined) fIds.set(f, (fId = fIds.size + 2));
    const queues = waiting[actor]!;
    let queue = queues[fId];
    if (process === FINAL_READ && f === POLL) {
      if (finalBegin < 0) finalBegin = i;
      if (op.type === 'invoke') finalNames(loose(op.value)?.topic, i);
    }
    if (op.type === 'invoke') {
      if (!queue) queue = queues[fId] = new Waiting();
      let expectation = -1;
      if (loose(op.value)?.expect !== undefined) {
        expectation = expectations.length;
        expectations.push(i);
        expectationDone.push(-1);
      }
      if (op.f === SEND) {
        const v = op.value;
        const txn = txnIdOf(v);
        if (txn !== undefined) {
          const outcome = loose(loose(v)?.txn)?.outcome;
          if (isOutcome(outcome)) declared.set(txn, outcome);
        }
        queue.add(addSend(i, actor, partOf(v), txn !== undefined ? txnIndex(txn) : -1), expectation);
      } else {
        queue.add(i, expectation);
        if (op.f === END_TXN) {
          const id = loose(op.value)?.id;
          if ((typeof id === 'string' || typeof id === 'number') && !ended.has(String(id))) ended.set(String(id), { outcome: null, endInvoke: i });
        }
      }
      continue;
    }
    const waited = queue ? queue.take() : -1;
    if (waited >= 0 && queue!.expectation >= 0) expectationDone[queue!.expectation] = i;
    if (op.f === SEND) {
      let s = waited;
      if (s < 0) s = addSend(-1, actor, partOf(op.value), -1);
      const inv = sendInvoke[s]!;
      sendDone[s] = i;
      sendTime[s] = op.time;
      sendOutcome[s] = op.type === 'ok' ? OK : op.type === 'fail' ? FAIL : INFO;
      const v = op.value;
      const txn = txnIdOf(v);
      if (txn !== undefined) {
        sendTxn[s] = txnIndex(txn);
        const outcome = loose(loose(v)?.txn)?.outcome;
        if (isOutcome(outcome)) declared.set(txn, outcome);
      }
      if (op.type === 'ok' && typeof v === 'object' && v !== null) {
        const r = v as RecordRef;
        const part = partOf(r);
        const offset = r.offset >= 0 ? r.offset : -1;
        sendPart[s] = part;
        sendOffset[s] = offset;
        sendContent[s] = contentOf(part, offset, r.key, r.value, recPart.length + s);
      } else {
        const sent = (inv >= 0 ? history[inv]!.value : undefined) ?? v;
        sendContent[s] = contentOf(-1, -1, loose(sent)?.key, loose(sent)?.value, 0);
      }
      continue;
    }
    const inv = waited;
    if (op.f === POLL && op.type === 'ok') {
      const records = (op.value as { records: RecordRef[] }).records;
      const start = recPart.length;
      const p = pollAt.length;
      pollAt.push(i);
      pollTime.push(op.time);
      pollActor.push(actor);
      pollStart.push(start);
      pollRecords.push(records.length);
      const isolation = isolationOf(op.value);
      pollIsolation.push(isolation !== UNSAID ? isolation : isolationOf(inv >= 0 ? history[inv]!.value : undefined));
      const budget = start + sendInvoke.length;
      for (let j = 0; j < records.length; j++) {
        const r = records[j]!;
        const part = partitions.id(r.topic, r.partition);
        recPart.push(part);
        recOffset.push(r.offset);
        recContent.push(contentOf(part, r.offset, r.key, r.value, budget));
      }
      if (op.process === FINAL_READ) {
        final ??= [];
        for (let row = start; row < start + records.length; row++) final.push(row);
        let named: string | undefined = undefined;
        for (const r of records) if (r.topic !== named) finalNames((named = r.topic), i);
      } else if (op.process === REPLAY_READ) (replay ??= []).push(p);
    } else if (op.type !== 'fail' && repositionFs.has(op.f)) {
      repositions.push(i);
      repositionActor.push(actor);
    } else if (op.f === END_TXN && op.type === 'ok') {
      const invoke = inv >= 0 ? history[inv] : undefined;
      const id = loose(op.value)?.id ?? loose(invoke?.value)?.id;
      const outcome = loose(op.value)?.outcome ?? loose(invoke?.value)?.outcome;
      if ((typeof id === 'string' || typeof id === 'number') && isOutcome(outcome)) {
        const e = ended.get(String(id));
        if (e) e.outcome ??= outcome;
        else ended.set(String(id), { outcome, endInvoke: inv });
      }
    }
  }

  const sendCount = sendInvoke.length;
  for (let s = 0; s < sendCount; s++) {
    if (sendContent[s]! >= 0) continue;
    const sent = history[sendInvoke[s]!]!.value;
    sendContent[s] = contentOf(-1, -1, loose(sent)?.key, loose(sent)?.value, 0);
  }
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
  const finalFrom = partitions.names.map(({ topic }) => finalTopicFrom.get(topic) ?? finalBegin);
  const txnParts = new Array<number>(partitions.names.length).fill(0);
  const sendDurable = new Array<number>(sendCount);
  for (let s = 0; s < sendCount; s++) {
    const t = sendTxn[s]!;
    sendDurable[s] = t < 0 || txns[t]!.outcome === 'commit' ? 1 : 0;
    if (t >= 0 && sendPart[s]! >= 0) txnParts[sendPart[s]!] = 1;
  }
  return {
    history,
    contents: contentIds.size,
    partitions,
    processes,
    actors,
    finalActor: actorIds.get(FINAL_READ) ?? -1,
    replayActor: actorIds.get(REPLAY_READ) ?? -1,
    sendCount,
    sendInvoke,
    sendDone,
    sendTime,
    sendOutcome,
    sendProcess,
    sendContent,
    sendPart,
    sendOffset,
    sendTxn,
    sendDurable,
    pollCount: pollAt.length,
    pollAt,
    pollTime,
    pollActor,
    pollStart,
    pollRecords,
    pollIsolation,
    recContent,
    recPart,
    recOffset,
    final,
    finalFrom,
    replay,
    repositions,
    repositionActor,
    expectations,
    expectationDone,
    txns,
    txnParts,
  };
}

/** The ok poll a record row belongs to (binary search over pollStart; for witnesses). */
export function pollOfRow(ix: HistoryIndex, row: number): number {
  let lo = 0;
  let hi = ix.pollCount;
  // The last poll starting at or before `row` (an empty poll shares its start with the next one).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ix.pollStart[mid]! <= row) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The record behind a row of the record columns (for witnesses). */
export function recordOfRow(ix: HistoryIndex, row: number): RecordRef {
  const p = pollOfRow(ix, row);
  return (ix.history[ix.pollAt[p]!]!.value as { records: RecordRef[] }).records[row - ix.pollStart[p]!]!;
}

/** The ok completion of poll row `p`. */
export function pollOp(ix: HistoryIndex, p: number): Op {
  return ix.history[ix.pollAt[p]!]!;
}

/** The record an ok send acknowledged (for witnesses). */
export function ackedRecord(ix: HistoryIndex, s: number): RecordRef {
  return ix.history[ix.sendDone[s]!]!.value as RecordRef;
}
