import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { diffBehaviour } from './behaviour-diff.ts';
import { faultWindows, outsideFaultWindows } from './fault-windows.ts';

let index = 0;
const op = (time: number, process: string | number, type: Op['type'], f: string, value: unknown, error?: string): Op =>
  ({ index: index++, time, process, type, f, value, ...(error ? { error } : {}) }) as Op;
const nemesis = (time: number, type: Op['type'], fault: string, node = 1) =>
  op(time, 'nemesis', type, 'nemesis', { fault, node });
const rec = (offset: number, value: string) => ({ topic: 't', partition: 0, offset, key: null, value });
const send = (time: number, offset: number, value: string, p = 'producer'): Op[] => [
  op(time, p, 'invoke', 'send', { topic: 't', partition: 0, key: null, value }),
  op(time + 1, p, 'ok', 'send', rec(offset, value)),
];
const finalRead = (time: number, records: unknown[]): Op[] => [
  op(time, 'final-read', 'invoke', 'poll', {}),
  op(time + 1, 'final-read', 'ok', 'poll', { records }),
];

describe('fault windows', () => {
  it('run from a fault to its heal plus the grace, and drop the ops that touched them', () => {
    const h = [
      ...send(0, 0, 'a'),
      nemesis(100, 'invoke', 'kill'),
      nemesis(110, 'ok', 'kill'),
      ...send(200, 1, 'b'),
      nemesis(300, 'invoke', 'restart'),
      nemesis(400, 'ok', 'restart'),
      ...send(10_000, 2, 'c'),
      ...finalRead(10_100, [rec(0, 'a')]),
    ];
    expect(faultWindows(h, 1_000)).toEqual([[100, 1_400]]);
    const calm = outsideFaultWindows(h, faultWindows(h, 1_000));
    expect(
      calm.filter((o) => o.f === 'send' && o.type === 'ok').map((o) => (o.value as { value: string }).value),
    ).toEqual(['a', 'c']);
    expect(calm.some((o) => o.process === 'nemesis')).toBe(false);
    expect(calm.filter((o) => o.process === 'final-read')).toHaveLength(2);
  });

  it('calls an error seen only during a fault fault-induced, and a lost write conformance', () => {
    const faults = [
      nemesis(100, 'invoke', 'kill'),
      nemesis(110, 'ok', 'kill'),
      nemesis(300, 'invoke', 'restart'),
      nemesis(400, 'ok', 'restart'),
    ];
    const timeout = [
      op(200, 'producer', 'invoke', 'send', { topic: 't', partition: 0, value: 'x' }),
      op(250, 'producer', 'info', 'send', null, 'Request timed out'),
    ];
    const a = [...send(0, 0, 'a'), ...faults, ...timeout, ...finalRead(20_000, [rec(0, 'a')])];
    const b = [...send(0, 0, 'a'), ...faults, ...finalRead(20_000, [rec(0, 'a')])];
    const diff = diffBehaviour([
      { target: 'reference', runId: 'r', history: a, checks: [] },
      { target: 'kafka', runId: 'k', history: b, checks: [] },
    ]);
    expect(diff.find((d) => d.aspect === 'errors')).toMatchObject({ same: false, cause: 'fault-induced' });
    const lost = diffBehaviour([
      {
        target: 'reference',
        runId: 'r',
        history: [...send(0, 0, 'a'), ...faults, ...finalRead(20_000, [])],
        checks: [],
      },
      { target: 'kafka', runId: 'k', history: b, checks: [] },
    ]);
    expect(lost.find((d) => d.aspect === 'final-read')).toMatchObject({ same: false, cause: 'conformance' });
  });
});
