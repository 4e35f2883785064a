/**
 * Cycles in the transactions' dependency graph (txn-graph.ts), found through strongly connected
 * components (linear): an edge whose two ends share a component lies on a cycle, and one such
 * cycle per component is the witness.
 *
 * - G0 (write cycle), over WW and process-order edges. Kafka does not isolate writes: two
 *   producers whose open transactions append to the same partitions interleave there, so WW
 *   cycles among concurrent transactions are Kafka's design, not a fault (Jepsen's Redpanda
 *   21.10.1 analysis and Redpanda's reply discuss it) — they are counted and reported as allowed.
 *   A cycle through a process-order edge is not: transaction A's commit was acknowledged before
 *   B began, so every record of A precedes every record of B in every partition, and no chain of
 *   appends can lead from B back to A. That is invalid.
 * - G1c (cyclic information flow), over WR and process-order edges: read_committed reads made
 *   inside transactions that see each other's writes in a cycle. A read_committed read of B's
 *   record means B committed before the read returned, so a cycle would need a transaction to
 *   commit before itself. Cycles that need WW or RW edges besides (G2 and the like) are allowed by
 *   Kafka's read committed and are only counted in the summary.
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';
import { indexHistory, type HistoryIndex } from './history-index.ts';
import { buildTxnGraph, components, cycleThrough, KIND_NAMES, PO, RW, WR, WW, type TxnGraph } from './txn-graph.ts';

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

/** Cycles over `mask` that do not go through an edge of `needs` (reported as allowed): the components with a cycle, minus those that have one through `needs`. */
function allowedCycles(g: TxnGraph, mask: number, forbidden: number): number {
  const all = cyclicComponents(g, mask, 0).through.length;
  return all - cyclicComponents(g, mask, forbidden).through.length;
}

/** How many transactions the graph has edges for, and of which kinds (for summaries). */
function graphSummary(g: TxnGraph): string {
  const counts = [WW, WR, RW, PO].map((k) => `${g.kind.filter((x) => x === k).length} ${KIND_NAMES[k]}`);
  return `${g.nodes} transaction(s), edges: ${counts.join(', ')}`;
}

/** G0: write cycles (see the module comment for what Kafka allows). */
export function checkG0(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
  graph?: TxnGraph,
): CheckResult {
  const g = graph ?? buildTxnGraph(ix);
  if (ix.txns.fates.length === 0)
    return { checker: 'txn-g0', valid: true, summary: 'no transactions: nothing to check', witnesses: [], count: 0 };
  const { c, through } = cyclicComponents(g, WW | PO, PO);
  const witnesses = through.slice(0, MAX_WITNESSES).map((e) => describeCycle(ix, g, cycleThrough(g, c, e)));
  const interleaved = allowedCycles(g, WW | PO, PO);
  const allowedNote = interleaved
    ? `; ${interleaved} write cycle(s) among concurrent transactions — allowed: Kafka orders appends, not transactions`
    : '';
  if (through.length > 0)
    return {
      checker: 'txn-g0',
      valid: false,
      summary: `${through.length} write cycle(s) through a session's commit order: a later transaction's record precedes an earlier committed one's${allowedNote}`,
      witnesses,
      count: through.length,
    };
  if (interleaved > 0) {
    const { c: all, through: cyc } = cyclicComponents(g, WW, 0);
    return {
      checker: 'txn-g0',
      valid: true,
      allowed: true,
      summary: `no write cycle against a session's commit order (${graphSummary(g)})${allowedNote}`,
      witnesses: cyc.slice(0, MAX_WITNESSES).map((e) => describeCycle(ix, g, cycleThrough(g, all, e))),
      count: interleaved,
    };
  }
  return {
    checker: 'txn-g0',
    valid: true,
    summary: `no write cycle (${graphSummary(g)})`,
    witnesses: [],
    count: 0,
  };
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
  const { c, through } = cyclicComponents(g, WR | PO, WR);
  const others = cyclicComponents(g, WW | WR | RW | PO, 0).through.length;
  const note =
    others > through.length
      ? `; ${others - through.length} cycle(s) that need ww or rw edges — allowed (G2 and the like)`
      : '';
  if (through.length > 0)
    return {
      checker: 'txn-g1c',
      valid: false,
      summary: `${through.length} cycle(s) of information flow between transactions (read_committed reads)${note}`,
      witnesses: through.slice(0, MAX_WITNESSES).map((e) => describeCycle(ix, g, cycleThrough(g, c, e))),
      count: through.length,
    };
  return {
    checker: 'txn-g1c',
    valid: true,
    summary: `no cycle of information flow (${graphSummary(g)})${note}`,
    witnesses: [],
    count: 0,
  };
}
