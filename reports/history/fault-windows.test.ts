import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { faultWindows } from './fault-windows.ts';

let index = 0;
const nemesis = (time: number, type: Op['type'], value: unknown, error?: string): Op => ({
  index: index++,
  time,
  process: 'nemesis',
  type,
  f: 'nemesis',
  value,
  ...(error ? { error } : {}),
});
/** A fault op: invoke at `t0`, completion at `t1`. */
const op = (t0: number, t1: number, value: unknown, type: Op['type'] = 'ok'): Op[] => [
  nemesis(t0, 'invoke', value),
  nemesis(t1, type, value, type === 'fail' ? 'no' : undefined),
];
const send = (time: number): Op => ({ index: index++, time, process: 0, type: 'invoke', f: 'send', value: {} });

describe('faultWindows', () => {
  it('opens at the fault invocation and closes when the matching heal completed', () => {
    const w = faultWindows([
      ...op(100, 110, { fault: 'kill', node: 1 }),
      ...op(500, 800, { fault: 'restart', node: 1 }),
      ...op(900, 901, { fault: 'pause', node: 2 }),
      ...op(1000, 1001, { fault: 'resume', node: 2 }),
    ]);
    expect(w).toEqual([
      { start: 100, end: 800, fault: 'kill', label: 'kill node 1' },
      { start: 900, end: 1001, fault: 'pause', label: 'pause node 2' },
    ]);
  });

  it('closes network faults on heal-network, everything on heal-all, and shows clean restarts as their own span', () => {
    const w = faultWindows([
      ...op(10, 20, { fault: 'partition', groups: [[1], [2, 3]] }),
      ...op(30, 31, { fault: 'cut-client', node: 2 }),
      ...op(40, 45, { fault: 'heal-network' }),
      ...op(50, 51, { fault: 'pause', node: 3 }),
      ...op(60, 70, { fault: 'heal-all' }),
      ...op(80, 95, { fault: 'clean-restart', node: 1 }),
    ]);
    expect(w.map((x) => [x.fault, x.start, x.end])).toEqual([
      ['partition', 10, 45],
      ['cut-client', 30, 45],
      ['pause', 50, 70],
      ['clean-restart', 80, 95],
    ]);
    expect(w[0]!.label).toBe('partition [[1],[2,3]]');
  });

  it("shows the proxy's faults on external targets per node, closed by heal-network", () => {
    const w = faultWindows([
      ...op(10, 11, { fault: 'delay', node: 1, ms: 300 }),
      ...op(20, 21, { fault: 'heal-network' }),
      ...op(30, 31, { fault: 'blackhole', node: 2 }),
      ...op(40, 41, { fault: 'drop-responses', node: 3, apiKey: 0, count: 1 }),
      ...op(50, 52, { fault: 'heal-network' }),
    ]);
    expect(w.map((x) => [x.label, x.start, x.end])).toEqual([
      ['delay node 1 300 ms', 10, 21],
      ['blackhole node 2', 30, 52],
      ['drop-responses node 3', 40, 52],
    ]);
  });

  it('ignores faults that failed, keeps faults whose heal failed, and ends unhealed ones at the last op', () => {
    const w = faultWindows([
      ...op(10, 11, { fault: 'pause', node: 1 }, 'fail'),
      ...op(20, 21, { fault: 'kill', node: 2 }),
      ...op(30, 31, { fault: 'restart', node: 2 }, 'fail'),
      send(400),
    ]);
    expect(w).toEqual([{ start: 20, end: 400, fault: 'kill', label: 'kill node 2', unhealed: true }]);
  });

  it('shades a fault that may have happened (info)', () => {
    expect(
      faultWindows([...op(1, 2, { fault: 'kill', node: 1 }, 'info'), ...op(5, 6, { fault: 'restart', node: 1 })]),
    ).toEqual([{ start: 1, end: 6, fault: 'kill', label: 'kill node 1' }]);
  });
});
