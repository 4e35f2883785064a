import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { FAIL_BIT, INFO_BIT, OK_BIT, TimelineCollector } from './timeline.ts';

const op = (index: number, time: number, process: Op['process'], type: Op['type'], f = 'send'): Op => ({
  index,
  time,
  process,
  type,
  f,
  value: null,
});

describe('TimelineCollector', () => {
  it('draws each process its ops in flight, merged, by outcome; clients first, no nemesis row', () => {
    const t = new TimelineCollector();
    t.add(op(0, 0, 0, 'invoke'), op(1, 3.5, 0, 'ok'));
    t.add(op(2, 4, 0, 'invoke'), op(3, 5.2, 0, 'ok'));
    t.add(op(4, 10, 0, 'invoke'), op(5, 10.5, 0, 'fail'));
    t.add(op(6, 2, 'final-read', 'invoke', 'poll'), op(7, 2.5, 'final-read', 'info', 'poll'));
    t.add(op(8, 1, 'nemesis', 'invoke', 'nemesis'), op(9, 1, 'nemesis', 'ok', 'nemesis'));
    t.add(op(10, 1, 1, 'invoke'), op(11, 1, 1, 'ok'));
    const tl = t.timeline();
    expect(tl.slotMs).toBe(1);
    expect(tl.rows.map((r) => r.process)).toEqual([0, 1, 'final-read']);
    expect(tl.rows[0]!.ops).toBe(3);
    expect(tl.rows[0]!.spans).toEqual([
      [0, 6, OK_BIT],
      [10, 11, FAIL_BIT],
    ]);
    expect(tl.rows[2]!.spans).toEqual([[2, 3, INFO_BIT]]);
  });

  it('keeps the slot count bounded on a long history by widening the slots', () => {
    const t = new TimelineCollector();
    for (let i = 0; i < 100_000; i++)
      t.add(op(2 * i, i * 7, i % 4, 'invoke'), op(2 * i + 1, i * 7 + 2, i % 4, i % 1000 === 0 ? 'fail' : 'ok'));
    const tl = t.timeline();
    expect(tl.slotMs).toBeGreaterThan(1);
    const spans = tl.rows.reduce((n, r) => n + r.spans.length, 0);
    expect(spans).toBeLessThanOrEqual(40_000);
    expect(tl.rows.reduce((n, r) => n + r.ops, 0)).toBe(100_000);
    // the failures are still there, at the resolution reached
    expect(tl.rows.some((r) => r.spans.some(([, , bits]) => bits & FAIL_BIT))).toBe(true);
    const [lo, hi] = [tl.rows[0]!.spans[0]![0], tl.rows[0]!.spans.at(-1)![1]];
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThanOrEqual(99_996 * 7);
  });

  it('counts the processes past maxRows instead of drawing them', () => {
    const t = new TimelineCollector();
    for (let p = 0; p < 30; p++) t.add(undefined, op(p, 1, p, 'ok'));
    const tl = t.timeline(24);
    expect(tl.rows).toHaveLength(24);
    expect(tl.omitted).toBe(6);
  });
});
