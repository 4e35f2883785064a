import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { laneWindow, logLanes, MAX_LANE_OFFSETS, type PartitionLane } from './log-lanes.ts';
import { witnessPositions } from './witness-positions.ts';

/** A tiny history builder: ops get consecutive indexes and times. */
function history() {
  const ops: Op[] = [];
  const add = (process: Op['process'], type: Op['type'], f: string, value: unknown) =>
    ops.push({ index: ops.length, time: ops.length * 10, process, type, f, value });
  const rec = (offset: number, value: string, partition = 0) => ({ topic: 't', partition, offset, key: null, value });
  return {
    ops,
    /** One producer send acknowledged at `offset`. */
    send(offset: number, value: string, txn?: string) {
      const tag = txn ? { txn: { id: txn } } : {};
      add(0, 'invoke', 'send', { topic: 't', partition: 0, key: null, value, ...tag });
      add(0, 'ok', 'send', { ...rec(offset, value), ...tag });
      return ops.at(-1)!;
    },
    poll(process: Op['process'], records: [number, string][]) {
      add(process, 'invoke', 'poll', { topic: 't' });
      add(process, 'ok', 'poll', { records: records.map(([o, v]) => rec(o, v)) });
      return ops.at(-1)!;
    },
    endTxn(id: string, outcome: 'commit' | 'abort') {
      add(0, 'invoke', 'end-txn', { id, outcome });
      add(0, 'ok', 'end-txn', { id, outcome });
    },
    seek(process: Op['process']) {
      add(process, 'invoke', 'seek', {});
      add(process, 'ok', 'seek', {});
    },
  };
}

const stateAt = (lane: PartitionLane, row: string, offset: number) =>
  lane.rows.find((r) => r.id === row)!.cells[lane.offsets.indexOf(offset)]!.states;

describe('laneWindow', () => {
  it('draws each witness offset with three neighbours each side, merged, from offset 0', () => {
    expect(laneWindow([5]).offsets).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(laneWindow([1, 6]).offsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(laneWindow([0, 100]).offsets).toEqual([0, 1, 2, 3, 97, 98, 99, 100, 101, 102, 103]);
  });

  it('stops at MAX_LANE_OFFSETS and counts the witness offsets it left out', () => {
    const w = laneWindow(Array.from({ length: 40 }, (_, i) => i * 100));
    expect(w.offsets.length).toBeLessThanOrEqual(MAX_LANE_OFFSETS);
    expect(w.omitted).toBe(40 - Math.floor(MAX_LANE_OFFSETS / 7));
  });
});

describe('logLanes', () => {
  it('marks a lost write at offset 5 acknowledged and lost, and the final read missing there', () => {
    const h = history();
    const lostOp = (() => {
      let lost: Op | undefined;
      for (let o = 0; o < 10; o++) {
        const op = h.send(o, `v${o}`);
        if (o === 5) lost = op;
      }
      return lost!;
    })();
    h.poll(
      'final-read',
      [0, 1, 2, 3, 4, 6, 7, 8, 9].map((o) => [o, `v${o}`] as [number, string]),
    );
    const [lane] = logLanes(h.ops, [witnessPositions([lostOp])])[0]!;
    expect(lane!.partition).toBe('t/0');
    expect(lane!.offsets).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(stateAt(lane!, 'acked', 5)).toEqual(['acked', 'lost']);
    expect(stateAt(lane!, 'final-read', 5)).toEqual(['missing']);
    expect(stateAt(lane!, 'acked', 4)).toEqual(['acked']);
    expect(stateAt(lane!, 'final-read', 4)).toEqual(['held']);
    const at5 = lane!.summary[lane!.offsets.indexOf(5)]!;
    expect(at5.witness).toBe(true);
    expect(at5.states).toEqual(expect.arrayContaining(['acked', 'lost', 'missing']));
    expect(lane!.summary[lane!.offsets.indexOf(4)]!.witness).toBe(false);
    expect(lane!.rows.find((r) => r.id === 'acked')!.cells[lane!.offsets.indexOf(5)]!.records[0]!.value).toBe('v5');
  });

  it('shows two records at one offset: acknowledged twice, the final read holding the second', () => {
    const h = history();
    h.send(0, 'a');
    h.send(1, 'b');
    h.send(1, 'c');
    h.poll('final-read', [
      [0, 'a'],
      [1, 'c'],
    ]);
    const [lane] = logLanes(h.ops, [witnessPositions(['t/0@1'])])[0]!;
    expect(stateAt(lane!, 'acked', 1)).toEqual(['acked', 'conflict', 'lost']);
    expect(stateAt(lane!, 'final-read', 1)).toEqual(['held', 'conflict']);
    expect(stateAt(lane!, 'acked', 0)).toEqual(['acked']);
  });

  it('marks both copies of a duplicate in the final read', () => {
    const h = history();
    h.send(0, 'a');
    h.send(1, 'b');
    h.poll('final-read', [
      [0, 'a'],
      [1, 'b'],
      [2, 'b'],
    ]);
    const witness = {
      first: { topic: 't', partition: 0, offset: 1, key: null, value: 'b' },
      again: [{ topic: 't', partition: 0, offset: 2, key: null, value: 'b' }],
      sent: 1,
    };
    const [lane] = logLanes(h.ops, [witnessPositions([witness])])[0]!;
    expect(stateAt(lane!, 'final-read', 1)).toEqual(['held', 'duplicate']);
    expect(stateAt(lane!, 'final-read', 2)).toEqual(['held', 'duplicate']);
    expect(stateAt(lane!, 'final-read', 0)).toEqual(['held']);
    expect(stateAt(lane!, 'acked', 2)).toEqual([]);
  });

  it('marks the offsets a consumer jumped over, and not those it jumped after a seek', () => {
    const h = history();
    for (let o = 0; o < 8; o++) h.send(o, `v${o}`);
    const skip = h.poll('c1', [
      [0, 'v0'],
      [1, 'v1'],
      [4, 'v4'],
    ]);
    h.seek('c1');
    h.poll('c1', [[7, 'v7']]);
    h.poll(
      'final-read',
      Array.from({ length: 8 }, (_, o) => [o, `v${o}`] as [number, string]),
    );
    const witness = {
      process: 'c1',
      previous: { topic: 't', partition: 0, offset: 1, key: null, value: 'v1' },
      next: { topic: 't', partition: 0, offset: 4, key: null, value: 'v4' },
      op: skip,
      skipped: 2,
    };
    const [lane] = logLanes(h.ops, [witnessPositions([witness])])[0]!;
    const row = lane!.rows.find((r) => r.id === 'consumer:c1')!;
    expect(row.label).toBe('read by c1');
    expect(stateAt(lane!, 'consumer:c1', 1)).toEqual(['read']);
    expect(stateAt(lane!, 'consumer:c1', 2)).toEqual(['skipped']);
    expect(stateAt(lane!, 'consumer:c1', 3)).toEqual(['skipped']);
    expect(stateAt(lane!, 'consumer:c1', 4)).toEqual(['read']);
    expect(stateAt(lane!, 'consumer:c1', 5)).toEqual([]);
    expect(stateAt(lane!, 'consumer:c1', 6)).toEqual([]);
    expect(lane!.summary[lane!.offsets.indexOf(2)]!.states).toContain('skipped');
  });

  it('marks a consumer reading backwards, and a read that differs from the final read', () => {
    const h = history();
    for (let o = 0; o < 4; o++) h.send(o, `v${o}`);
    h.poll('c1', [
      [0, 'v0'],
      [2, 'x'],
      [1, 'v1'],
    ]);
    h.poll(
      'final-read',
      Array.from({ length: 4 }, (_, o) => [o, `v${o}`] as [number, string]),
    );
    const [lane] = logLanes(h.ops, [witnessPositions(['t/0@1'])])[0]!;
    // it jumped over 1 (0 → 2), then went back for it
    expect(stateAt(lane!, 'consumer:c1', 1)).toEqual(['read', 'skipped', 'backwards']);
    expect(stateAt(lane!, 'consumer:c1', 2)).toEqual(['read', 'conflict']);
  });

  it('does not call an aborted transaction’s records lost or missing', () => {
    const h = history();
    h.send(0, 'a', 'tx1');
    h.send(1, 'b', 'tx2');
    h.endTxn('tx1', 'commit');
    h.endTxn('tx2', 'abort');
    h.poll('final-read', [[0, 'a']]);
    const [lane] = logLanes(h.ops, [witnessPositions(['t/0@1'])])[0]!;
    expect(stateAt(lane!, 'acked', 1)).toEqual(['aborted']);
    expect(stateAt(lane!, 'final-read', 1)).toEqual(['hole']);
    expect(stateAt(lane!, 'acked', 0)).toEqual(['acked']);
  });

  it('without a final read, says so and marks nothing lost', () => {
    const h = history();
    h.send(0, 'a');
    const [lane] = logLanes(h.ops, [witnessPositions(['t/0@0'])])[0]!;
    expect(lane!.finalRead).toBe(false);
    expect(stateAt(lane!, 'acked', 0)).toEqual(['acked']);
    expect(stateAt(lane!, 'final-read', 0)).toEqual([]);
  });

  it('gives each anomaly only its own partitions and offsets', () => {
    const h = history();
    for (let o = 0; o < 30; o++) h.send(o, `v${o}`);
    h.poll(
      'final-read',
      Array.from({ length: 30 }, (_, o) => [o, `v${o}`] as [number, string]),
    );
    const [a, b] = logLanes(h.ops, [witnessPositions(['t/0@3']), witnessPositions(['t/0@25', 'u/1@2'])]);
    expect(a!.map((l) => l.offsets)).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    expect(b!.map((l) => l.partition)).toEqual(['t/0', 'u/1']);
    expect(b![0]!.offsets).toEqual([22, 23, 24, 25, 26, 27, 28]);
  });
});

describe('witnessPositions', () => {
  it('reads send ops, records, position strings and the stretch a consumer skipped; not a poll op’s records', () => {
    const poll = {
      index: 9,
      time: 1,
      process: 'c',
      type: 'ok',
      f: 'poll',
      value: { records: [{ topic: 't', partition: 0, offset: 50, key: null, value: 'z' }] },
    };
    const send = {
      index: 3,
      time: 1,
      process: 0,
      type: 'ok',
      f: 'send',
      value: { topic: 't', partition: 0, offset: 7, key: null, value: 'a' },
    };
    const ps = witnessPositions([
      send,
      { offset: 't/1@4', acknowledged: { key: null, value: 'a' } },
      {
        process: 'c',
        previous: { topic: 't', partition: 0, offset: 10, key: null, value: 'p' },
        next: { topic: 't', partition: 0, offset: 20, key: null, value: 'n' },
        op: poll,
      },
    ]);
    expect(ps.map((p) => `${p.topic}/${p.partition}@${p.offset}`)).toEqual([
      't/0@7',
      't/1@4',
      't/0@10',
      't/0@20',
      't/0@11',
      't/0@19',
    ]);
    expect(ps.find((p) => p.offset === 10)!.process).toBe('c');
  });
});
