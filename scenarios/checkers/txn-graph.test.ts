import { describe, expect, it } from 'vitest';
import { indexHistory } from './history-index.ts';
import { Builder, rec } from './test-support.ts';
import {
  buildTxnGraph,
  components,
  cycleThrough,
  hasCycle,
  KIND_NAMES,
  partitionOrders,
  PO,
  txnOfContents,
  WR,
  WW,
  type TxnGraph,
} from './txn-graph.ts';

const RC = { isolation: 'read_committed' };

/** A bare graph over `nodes` with the given edges. */
const graph = (nodes: number, edges: [number, number, number][]): TxnGraph => ({
  nodes,
  src: edges.map((e) => e[0]),
  dst: edges.map((e) => e[1]),
  kind: edges.map((e) => e[2]),
  order: [],
});

/** The graph's edges as `from-kind->to` strings over transaction ids. */
function edgesOf(b: Builder): string[] {
  const ix = indexHistory(b.ops);
  const g = buildTxnGraph(ix);
  return g.src.map((s, e) => `${ix.txns.fates[s]!.id}-${KIND_NAMES[g.kind[e]!]}->${ix.txns.fates[g.dst[e]!]!.id}`);
}

describe('components (Tarjan)', () => {
  it('finds cycles over the kinds asked for only, and walks one back through a given edge', () => {
    // 0 -ww-> 1 -ww-> 2 -po-> 0, and 3 -wr-> 4 -wr-> 3; 5 alone.
    const g = graph(6, [
      [0, 1, WW],
      [1, 2, WW],
      [2, 0, PO],
      [3, 4, WR],
      [4, 3, WR],
      [4, 5, WW],
    ]);
    const all = components(g, WW | WR | PO);
    expect(all.comp[0]).toBe(all.comp[2]);
    expect(all.comp[3]).toBe(all.comp[4]);
    expect(all.comp[5]).not.toBe(all.comp[4]);
    expect(all.size.filter((s) => s > 1).sort()).toEqual([2, 3]);
    expect(cycleThrough(g, all, 2)).toEqual([2, 0, 1]);
    const wwOnly = components(g, WW);
    expect(new Set(wwOnly.comp).size).toBe(6);
    expect([hasCycle(g, WW | WR | PO), hasCycle(g, WW), hasCycle(g, WR), hasCycle(g, WW | PO)]).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });

  it('handles a long path without overflowing the stack', () => {
    const n = 200_000;
    const edges: [number, number, number][] = [];
    for (let i = 0; i + 1 < n; i++) edges.push([i, i + 1, WW]);
    edges.push([n - 1, 0, PO]);
    const c = components(graph(n, edges), WW | PO);
    expect(c.size).toEqual([n]);
  });
});

describe('partitionOrders', () => {
  it('orders transactional records per partition by offset, from sends and reads, one per offset', () => {
    const b = new Builder()
      .txnSends('p', 'x', [rec(4, 'x1'), rec(1, 'x0', 1)])
      .txnSends('q', 'y', [rec(2, 'y0')])
      .send('r', rec(3, 'plain'))
      // y1's send was never acknowledged; the read shows where it went.
      .op('q', 'send', { topic: 't', partition: 0, value: 'y1', key: null, txn: { id: 'y' } }, 'info', null)
      .poll('c', [rec(2, 'y0'), rec(5, 'y1'), rec(4, 'x1')], RC);
    const ix = indexHistory(b.ops);
    const orders = partitionOrders(ix, txnOfContents(ix));
    expect(orders.map((o) => o.offsets)).toEqual([[2, 4, 5], [1]]);
    expect(orders[0]!.txns.map((t) => ix.txns.fates[t]!.id)).toEqual(['y', 'x', 'y']);
  });
});

describe('buildTxnGraph', () => {
  it('links consecutive records of different transactions (ww), leaving aborted ones out', () => {
    const b = new Builder()
      .txn('p', 'a', [rec(0, 'a0'), rec(1, 'a1')], 'commit')
      .txn('q', 'x', [rec(2, 'x0')], 'abort')
      .txn('r', 'b', [rec(3, 'b0')], 'commit');
    expect(edgesOf(b)).toEqual(['a-ww->b']);
  });

  it('adds process order from an acknowledged commit to the session’s next transactions', () => {
    const b = new Builder()
      .txn('p', 'a', [rec(0, 'a0')], 'commit')
      .txn('p', 'x', [rec(0, 'x0', 1)], 'abort')
      .txn('p', 'b', [rec(1, 'b0', 1)], 'commit')
      .begin('p', 'c', 'tid-p')
      .txnSends('p', 'c', [rec(2, 'c0', 1)])
      .endTxn('p', 'c', 'commit', 'info')
      .txn('p', 'd', [rec(3, 'd0', 1)], 'commit');
    // c's commit was never acknowledged: d follows b in process order, not c.
    expect(edgesOf(b).filter((e) => e.includes('process'))).toEqual(['a-process->b', 'b-process->c', 'b-process->d']);
  });

  it('adds wr edges into transactions that read at read_committed, and rw edges to the next writer after what they read', () => {
    const b = new Builder()
      .txn('p', 'a', [rec(0, 'a0')], 'commit')
      .begin('q', 'r', 'tid-q')
      .poll('q', [rec(0, 'a0')], { ...RC, txn: { id: 'r' } })
      .poll('q', [rec(0, 'a0')], { isolation: 'read_uncommitted', txn: { id: 'r' } })
      .txnSends('q', 'r', [rec(0, 'r0', 1)])
      .endTxn('q', 'r', 'commit')
      .txn('p', 'c', [rec(1, 'c0')], 'commit');
    const edges = edgesOf(b);
    expect(edges).toContain('a-wr->r');
    expect(edges).toContain('r-rw->c');
    expect(edges.filter((e) => e.includes('-wr->'))).toHaveLength(1);
  });
});
