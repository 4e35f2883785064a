/**
 * The dependency graph of a transactional history, Elle's approach adapted to Kafka logs: each
 * partition is an append-only object whose version order is its offsets, so the history itself
 * says in which order transactions wrote (no inference from reads is needed). Nodes are the
 * history's transactions (TransactionsIndex.fates); aborted ones take no edges (what they wrote
 * is not part of any committed state: reading it is G1a, judged apart). Edge kinds:
 *
 * - WW (write-write): in one partition, the record of transaction A directly followed (among the
 *   records of non-aborted transactions) by one of B ≠ A: A → B. Edges between consecutive
 *   records only: the log is a total order, so the transitive closure is the same and the graph
 *   stays linear in the records.
 * - WR (write-read): a poll made inside transaction B (tagged `txn`, consume-transform-produce)
 *   at read_committed returned a record A wrote: A → B.
 * - RW (read-write, anti-dependency): that poll read partition p up to offset o, and the next
 *   record after o of a non-aborted transaction C ≠ B: B → C (B read the state C overwrote).
 * - PO (process order): transactions of one session (transactional.id, else process) run one
 *   after another: from each transaction whose commit was acknowledged to the next transaction of
 *   its session. Its records were all appended before its commit was acknowledged and the next
 *   one's after it began, so no partition may order them the other way.
 *
 * Everything here is O(n) but for one numeric sort of the transactional records per partition.
 */
import type { HistoryIndex } from './history-index.ts';
import { READ_COMMITTED } from './history-index.ts';

export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PO = 8;
/** In the append-order graph only: a transaction's begin before its record, its record before its end. */
export const WITHIN = 16;

/** Edge kinds by bit, for witnesses. */
export const KIND_NAMES: Readonly<Record<number, string>> = {
  [WW]: 'ww',
  [WR]: 'wr',
  [RW]: 'rw',
  [PO]: 'process',
  [WITHIN]: 'within',
};

/** One partition's log as far as the history shows it: transactional records, ascending offsets, one per offset. */
export interface PartitionOrder {
  offsets: number[];
  /** The transaction (fates index) of the record at the same index. */
  txns: number[];
}

/** The graph: edges as columns; nodes are transaction numbers 0 … nodes - 1. */
export interface TxnGraph {
  nodes: number;
  src: number[];
  dst: number[];
  kind: number[];
  /** Per partition id, the version order the WW and RW edges came from. */
  order: PartitionOrder[];
}

// Offsets and transaction numbers packed into one double so that one native numeric sort orders
// a partition's records: offset × 2^21 + transaction (exact below 2^53 for offsets below 2^32).
const TXN_BITS = 2 ** 21;

/**
 * Every record of a transaction whose offset the history shows (an acknowledged send, or a read
 * of a record some transactional send wrote), per partition, in offset order. Where two records
 * claim one offset the first transaction number is kept (inconsistent-offsets judges the clash).
 */
export function partitionOrders(ix: HistoryIndex, txnOfContent: readonly number[]): PartitionOrder[] {
  const { sends, records } = ix;
  const keys: number[][] = ix.partitions.names.map(() => []);
  const fits = ix.txns.fates.length < TXN_BITS;
  // Contents whose place an acknowledged send already gave: their reads add nothing (reads
  // outnumber sends several times over; a read at another offset is inconsistent-offsets' case).
  const placed = new Array<boolean>(ix.contents).fill(false);
  for (let s = 0; s < sends.count; s++) {
    const t = sends.txn[s]!;
    const part = sends.part[s]!;
    const offset = sends.offset[s]!;
    if (t < 0 || part < 0 || offset < 0 || !fits) continue;
    keys[part]!.push(offset * TXN_BITS + t);
    placed[sends.content[s]!] = true;
  }
  for (let row = 0; row < records.count; row++) {
    const content = records.content[row]!;
    const t = txnOfContent[content]!;
    const offset = records.offset[row]!;
    if (t >= 0 && offset >= 0 && fits && !placed[content]) keys[records.part[row]!]!.push(offset * TXN_BITS + t);
  }
  return keys.map((k) => {
    const sorted = Float64Array.from(k).sort();
    const offsets: number[] = [];
    const txns: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const offset = Math.floor(sorted[i]! / TXN_BITS);
      if (offsets.length > 0 && offsets[offsets.length - 1] === offset) continue;
      offsets.push(offset);
      txns.push(sorted[i]! - offset * TXN_BITS);
    }
    return { offsets, txns };
  });
}

/** Content id → the transaction that wrote it (fates index), or -1. */
export function txnOfContents(ix: HistoryIndex): number[] {
  const out = new Array<number>(ix.contents).fill(-1);
  for (let s = 0; s < ix.sends.count; s++) if (ix.sends.txn[s]! >= 0) out[ix.sends.content[s]!] = ix.sends.txn[s]!;
  return out;
}

/** First index of `offsets` (ascending) holding a value above `offset`. */
export function firstAbove(offsets: readonly number[], offset: number): number {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds the graph (see the module comment) from the index. */
export function buildTxnGraph(ix: HistoryIndex, txnOfContent: readonly number[] = txnOfContents(ix)): TxnGraph {
  const fates = ix.txns.fates;
  const node = fates.map((f) => f.outcome !== 'abort');
  const src: number[] = [];
  const dst: number[] = [];
  const kind: number[] = [];
  const edge = (a: number, b: number, k: number) => {
    src.push(a);
    dst.push(b);
    kind.push(k);
  };
  const order = partitionOrders(ix, txnOfContent);
  for (const { txns } of order) {
    let prev = -1;
    for (let i = 0; i < txns.length; i++) {
      const t = txns[i]!;
      if (!node[t]) continue;
      if (prev >= 0 && prev !== t) edge(prev, t, WW);
      prev = t;
    }
  }
  const { polls, records } = ix;
  const { pollRows, pollTxns } = ix.txns;
  for (let i = 0; i < pollRows.length; i++) {
    const p = pollRows[i]!;
    const reader = pollTxns[i]!;
    if (!node[reader] || polls.isolation[p] !== READ_COMMITTED) continue;
    // Per partition, the furthest offset the poll read (a poll reads few partitions: a small list).
    const parts: number[] = [];
    const upTo: number[] = [];
    const end = polls.start[p]! + polls.size[p]!;
    for (let row = polls.start[p]!; row < end; row++) {
      const w = txnOfContent[records.content[row]!]!;
      if (w >= 0 && w !== reader && node[w]) edge(w, reader, WR);
      const at = parts.indexOf(records.part[row]!);
      if (at < 0) {
        parts.push(records.part[row]!);
        upTo.push(records.offset[row]!);
      } else if (records.offset[row]! > upTo[at]!) upTo[at] = records.offset[row]!;
    }
    for (let j = 0; j < parts.length; j++) {
      const { offsets, txns } = order[parts[j]!]!;
      for (let k = firstAbove(offsets, upTo[j]!); k < offsets.length; k++) {
        const c = txns[k]!;
        if (!node[c]) continue;
        if (c !== reader) edge(reader, c, RW);
        break;
      }
    }
  }
  // Process order: from the last transaction whose commit was acknowledged to each later one of the session.
  const lastAcked = new Map<number, number>();
  for (let t = 0; t < fates.length; t++) {
    if (!node[t]) continue;
    const f = fates[t]!;
    const before = lastAcked.get(f.session);
    if (before !== undefined) edge(before, t, PO);
    if (f.outcome === 'commit' && f.endDone >= 0) lastAcked.set(f.session, t);
  }
  return { nodes: fates.length, src, dst, kind, order };
}

/** Strongly connected components of the graph restricted to edge kinds `mask`. */
export interface Components {
  /** Component of each node. */
  comp: number[];
  /** Nodes per component. */
  size: number[];
  /** Adjacency (CSR over the kept edges): edges of node n are edgeIds[first[n] … first[n + 1] - 1]. */
  first: number[];
  edgeIds: number[];
}

/**
 * Whether the graph restricted to edge kinds `mask` has a cycle: Kahn's topological sort, the
 * cheap test a correct history passes (components() then finds the cycles of one that fails).
 */
export function hasCycle(g: TxnGraph, mask: number): boolean {
  const n = g.nodes;
  const indegree = new Array<number>(n).fill(0);
  const first = new Array<number>(n + 1).fill(0);
  const E = g.src.length;
  for (let e = 0; e < E; e++)
    if (g.kind[e]! & mask) {
      indegree[g.dst[e]!]!++;
      first[g.src[e]! + 1]!++;
    }
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const fill = first.slice(0, n);
  const out = new Array<number>(first[n]!).fill(0);
  for (let e = 0; e < E; e++) if (g.kind[e]! & mask) out[fill[g.src[e]!]!++] = g.dst[e]!;
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (let k = first[v]!; k < first[v + 1]!; k++) if (--indegree[out[k]!]! === 0) queue.push(out[k]!);
  }
  return queue.length < n;
}

/** Tarjan's algorithm, iterative (a 10^5-node path would overflow the call stack), O(nodes + edges). */
export function components(g: TxnGraph, mask: number): Components {
  const n = g.nodes;
  const first = new Array<number>(n + 1).fill(0);
  for (let e = 0; e < g.src.length; e++) if (g.kind[e]! & mask) first[g.src[e]! + 1]!++;
  for (let i = 0; i < n; i++) first[i + 1]! += first[i]!;
  const fill = first.slice(0, n);
  const edgeIds = new Array<number>(first[n]!).fill(0);
  for (let e = 0; e < g.src.length; e++) if (g.kind[e]! & mask) edgeIds[fill[g.src[e]!]!++] = e;

  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const comp = new Array<number>(n).fill(-1);
  const size: number[] = [];
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root]! >= 0) continue;
    callNode.push(root);
    callEdge.push(first[root]!);
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (callNode.length > 0) {
      const v = callNode[callNode.length - 1]!;
      const at = callEdge[callEdge.length - 1]!;
      if (at < first[v + 1]!) {
        callEdge[callEdge.length - 1] = at + 1;
        const w = g.dst[edgeIds[at]!]!;
        if (index[w]! < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          callNode.push(w);
          callEdge.push(first[w]!);
        } else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const parent = callNode[callNode.length - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === index[v]) {
        const c = size.length;
        let count = 0;
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp[w] = c;
          count++;
        } while (w !== v);
        size.push(count);
      }
    }
  }
  return { comp, size, first, edgeIds };
}

/**
 * A cycle through edge `e` inside its component (both ends in one component): `e` then the
 * shortest path back from its head to its tail over the component's edges (breadth first), as
 * edge numbers. O(size of the component).
 */
export function cycleThrough(g: TxnGraph, c: Components, e: number): number[] {
  const from = g.dst[e]!;
  const to = g.src[e]!;
  const viaEdge = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let q = 0; q < queue.length && !viaEdge.has(to); q++) {
    const v = queue[q]!;
    for (let k = c.first[v]!; k < c.first[v + 1]!; k++) {
      const edge = c.edgeIds[k]!;
      const w = g.dst[edge]!;
      if (c.comp[w] !== c.comp[from] || viaEdge.has(w)) continue;
      viaEdge.set(w, edge);
      queue.push(w);
    }
  }
  const path: number[] = [];
  for (let v = to; v !== from; ) {
    const edge = viaEdge.get(v)!;
    path.push(edge);
    v = g.src[edge]!;
  }
  return [e, ...path.reverse()];
}

/**
 * The append-order graph: the events of the history in the order real time puts them, to find
 * where the logs contradict it. Nodes: each transaction's begin (2t) and end (2t + 1), then each
 * record of `order` (2 × transactions + its index in the concatenated orders). Edges, each a
 * certain order of two moments:
 * - WITHIN: a transaction's begin before its records (they were sent after it began), and a record
 *   before its transaction's end when its send was acknowledged before the end was invoked;
 * - WW: a record before the next one of a non-aborted transaction in its partition (appends);
 * - PO: a transaction's acknowledged commit before the next transaction of its session began.
 * Any cycle is an impossibility: a log that orders records against the order they were
 * committed in. Interleavings of concurrent transactions (cycles of the transaction graph's WW
 * edges, which Kafka allows) make none.
 */
export function buildAppendOrderGraph(ix: HistoryIndex, order: readonly PartitionOrder[]): TxnGraph {
  const fates = ix.txns.fates;
  const T = fates.length;
  const node = fates.map((f) => f.outcome !== 'abort');
  const src: number[] = [];
  const dst: number[] = [];
  const kind: number[] = [];
  const edge = (a: number, b: number, k: number) => {
    src.push(a);
    dst.push(b);
    kind.push(k);
  };
  const base: number[] = [];
  let n = 2 * T;
  for (const { offsets, txns } of order) {
    base.push(n);
    let prev = -1;
    for (let k = 0; k < offsets.length; k++) {
      const t = txns[k]!;
      if (!node[t]) continue;
      edge(2 * t, n + k, WITHIN);
      if (prev >= 0) edge(n + prev, n + k, WW);
      prev = k;
    }
    n += offsets.length;
  }
  const { sends } = ix;
  for (let s = 0; s < sends.count; s++) {
    const t = sends.txn[s]!;
    const part = sends.part[s]!;
    const offset = sends.offset[s]!;
    if (t < 0 || !node[t] || part < 0 || offset < 0) continue;
    const end = fates[t]!.endInvoke;
    if (end < 0 || sends.done[s]! < 0 || sends.done[s]! > end) continue;
    const { offsets, txns } = order[part]!;
    const k = firstAbove(offsets, offset - 1);
    if (offsets[k] === offset && txns[k] === t) edge(base[part]! + k, 2 * t + 1, WITHIN);
  }
  const lastAcked = new Map<number, number>();
  for (let t = 0; t < T; t++) {
    if (!node[t]) continue;
    const f = fates[t]!;
    const before = lastAcked.get(f.session);
    if (before !== undefined && fates[before]!.endDone < f.first) edge(2 * before + 1, 2 * t, PO);
    if (f.outcome === 'commit' && f.endDone >= 0) lastAcked.set(f.session, t);
  }
  return { nodes: n, src, dst, kind, order: [...order] };
}

/** The transaction (fates index) an append-order graph node belongs to. */
export function txnOfEvent(g: TxnGraph, transactions: number, event: number): number {
  if (event < 2 * transactions) return event >> 1;
  let n = 2 * transactions;
  for (const { offsets, txns } of g.order) {
    if (event < n + offsets.length) return txns[event - n]!;
    n += offsets.length;
  }
  return -1;
}
