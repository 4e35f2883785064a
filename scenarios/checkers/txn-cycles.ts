/**
 * Cycles in the transactions' dependency graph (txn-graph.ts), found through strongly connected
 * components (linear): an edge whose two ends share a component lies on a cycle, and one such
 * cycle per component is the witness.
 *
 * - G0 (write cycle). Kafka does not isolate writes: two producers whose open transactions append
 *   to the same partitions interleave there, so cycles of WW edges among transactions are Kafka's
 *   design, not a fault (Jepsen's Redpanda 21.10.1 analysis and Redpanda's reply discuss it) —
 *   they are counted and reported as allowed. What Kafka does forbid is a log that contradicts
 *   real time: a cycle in the append-order graph (txn-graph.ts), whose edges are certain orders of
 *   moments (a transaction's begin, its records' appends, its end; appends in offset order; an
 *   acknowledged commit before its session's next transaction began). Such a cycle — e.g. a
 *   record of a transaction begun after another's commit was acknowledged sitting before that
 *   other's record in a partition — is invalid.
 * - G1c (cyclic information flow), over WR and process-order edges: read_committed reads made
 *   inside transactions that see each other's writes in a cycle. A read_committed read of B's
 *   record means B committed before the read returned, so a cycle would need a transaction to
 *   commit before itself. Cycles that need WW or RW edges besides (G2 and the like) are allowed by
 *   Kafka's read committed and are not looked for.
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';
import { indexHistory, type HistoryIndex } from './history-index.ts';
import {
  buildAppendOrderGraph,
  buildTxnGraph,
  components,
  cycleThrough,
  hasCycle,
  KIND_NAMES,
  PO,
  RW,
  txnOfEvent,
  WITHIN,
  WR,
  WW,
  type TxnGraph,
} from './txn-graph.ts';

/** A cycle as a witness: each step names the transactions and the edge kind. */
function describeCycle(ix: HistoryIndex, g: TxnGraph, edges: readonly number[]): unknown {
  return {
    cycle: edges.map((e) => ({
      from: ix.txns.fates[g.src[e]!]!.id,
      to: ix.txns.fates[g.dst[e]!]!.id,
      edge: KIND_NAMES[g.kind[e]!],
    })),
  };
}

/**
 * The components of the graph over `mask` that hold an edge of `needs` with both ends inside:
 * each such component once, with the first such edge. `needs` 0: any edge.
 */
function cyclicComponents(g: TxnGraph, mask: number, needs: number) {
  const c = components(g, mask);
  const seen = new Set<number>();
  const through: number[] = [];
  for (let e = 0; e < g.src.length; e++) {
    if (!(g.kind[e]! & mask) || (needs !== 0 && !(g.kind[e]! & needs))) continue;
    const comp = c.comp[g.src[e]!]!;
    if (comp !== c.comp[g.dst[e]!] || seen.has(comp)) continue;
    seen.add(comp);
    through.push(e);
  }
  return { c, through };
}

/** How many transactions the graph has edges for, and of which kinds (for summaries). */
function graphSummary(g: TxnGraph): string {
  const per = new Map<number, number>();
  for (const k of g.kind) per.set(k, (per.get(k) ?? 0) + 1);
  const counts = [WW, WR, RW, PO].map((k) => `${per.get(k) ?? 0} ${KIND_NAMES[k]}`);
  return `${g.nodes} transaction(s), edges: ${counts.join(', ')}`;
}

/** An append-order graph node as a witness names it: `tx-1#4 end`, `tx-1#4 record t[0]@12`. */
function eventName(ix: HistoryIndex, g: TxnGraph, event: number): string {
  const T = ix.txns.fates.length;
  const t = txnOfEvent(g, T, event);
  const id = ix.txns.fates[t]?.id ?? '?';
  if (event < 2 * T) return `${id} ${event & 1 ? 'end' : 'begin'}`;
  let n = 2 * T;
  for (let part = 0; part < g.order.length; part++) {
    const { offsets } = g.order[part]!;
    if (event < n + offsets.length) {
      const { topic, partition } = ix.partitions.names[part]!;
      return `${id} record ${topic}[${partition}]@${offsets[event - n]}`;
    }
    n += offsets.length;
  }
  return id;
}

/** G0: write cycles (see the module comment for what Kafka allows). */
export function checkG0(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
  graph?: TxnGraph,
): CheckResult {
  if (ix.txns.fates.length === 0)
    return { checker: 'txn-g0', valid: true, summary: 'no transactions: nothing to check', witnesses: [], count: 0 };
  const g = graph ?? buildTxnGraph(ix);
  const events = buildAppendOrderGraph(ix, g.order);
  const ORDER = WW | PO | WITHIN;
  const { c, through } = hasCycle(events, ORDER)
    ? cyclicComponents(events, ORDER, 0)
    : { c: undefined, through: [] as number[] };
  const interleaved = cyclicComponents(g, WW, 0);
  const allowedNote = interleaved.through.length
    ? `; ${interleaved.through.length} write cycle(s) among concurrent transactions — allowed: Kafka orders appends, not transactions`
    : '';
  if (through.length > 0)
    return {
      checker: 'txn-g0',
      valid: false,
      summary: `${through.length} write cycle(s) against commit order: a log orders records against the order their transactions were committed in${allowedNote}`,
      witnesses: through.slice(0, MAX_WITNESSES).map((e) => ({
        cycle: cycleThrough(events, c!, e).map((step) => ({
          from: eventName(ix, events, events.src[step]!),
          to: eventName(ix, events, events.dst[step]!),
          edge: KIND_NAMES[events.kind[step]!],
        })),
      })),
      count: through.length,
    };
  if (interleaved.through.length > 0)
    return {
      checker: 'txn-g0',
      valid: true,
      allowed: true,
      summary: `no write cycle against commit order (${graphSummary(g)})${allowedNote}`,
      witnesses: interleaved.through
        .slice(0, MAX_WITNESSES)
        .map((e) => describeCycle(ix, g, cycleThrough(g, interleaved.c, e))),
      count: interleaved.through.length,
    };
  return { checker: 'txn-g0', valid: true, summary: `no write cycle (${graphSummary(g)})`, witnesses: [], count: 0 };
}

/** G1c: cyclic information flow among transactions that read (see the module comment). */
export function checkG1c(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
  graph?: TxnGraph,
): CheckResult {
  const g = graph ?? buildTxnGraph(ix);
  if (ix.txns.pollRows.length === 0)
    return {
      checker: 'txn-g1c',
      valid: true,
      summary: 'no reads inside transactions: no information flows between transactions, nothing to check',
      witnesses: [],
      count: 0,
    };
  const { c, through } = hasCycle(g, WR | PO)
    ? cyclicComponents(g, WR | PO, WR)
    : { c: undefined, through: [] as number[] };
  if (through.length > 0)
    return {
      checker: 'txn-g1c',
      valid: false,
      summary: `${through.length} cycle(s) of information flow between transactions (read_committed reads)`,
      witnesses: through.slice(0, MAX_WITNESSES).map((e) => describeCycle(ix, g, cycleThrough(g, c!, e))),
      count: through.length,
    };
  return {
    checker: 'txn-g1c',
    valid: true,
    // Cycles that need ww or rw edges besides (G2 and the like) are allowed by Kafka's read committed: not looked for.
    summary: `no cycle of information flow (${graphSummary(g)})`,
    witnesses: [],
    count: 0,
  };
}
