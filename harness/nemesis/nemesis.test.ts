import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../history/history.ts';
import type { FaultControl, FaultName } from './fault-control.ts';
import { Nemesis, NEMESIS } from './nemesis.ts';

/** A fault control that records calls; `pause` fails, `partition` is unsupported. */
function recordingControl(calls: string[]): FaultControl {
  const ok =
    (name: string) =>
    async (...args: unknown[]) =>
      void calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(',')})`);
  return {
    supported: new Set<FaultName>(['kill', 'restart', 'pause']),
    kill: ok('kill'),
    restart: ok('restart'),
    cleanRestart: ok('cleanRestart'),
    pause: async () => {
      throw new Error('SIGSTOP refused');
    },
    resume: ok('resume'),
    partition: ok('partition'),
    cutClient: ok('cutClient'),
    healNetwork: ok('healNetwork'),
    healAll: ok('healAll'),
  };
}

describe('Nemesis', () => {
  it('records each fault as invoke then ok or fail, and never runs an unsupported one', async () => {
    const calls: string[] = [];
    const history = new HistoryRecorder();
    const n = new Nemesis(recordingControl(calls), history);
    expect(await n.apply({ fault: 'kill', node: 2 })).toBe(true);
    expect(n.active()).toEqual(['kill 2']);
    expect(await n.apply({ fault: 'pause', node: 1 })).toBe(false);
    expect(n.active()).toEqual(['kill 2']);
    expect(await n.apply({ fault: 'partition', groups: [[1], [2, 3]] })).toBe(false);
    expect(await n.healAll()).toBe(true);
    expect(n.active()).toEqual([]);
    expect(calls).toEqual(['kill(2)', 'healAll()']);
    const ops = history.ops.map((o) => [o.process, o.f, o.type, (o.value as { fault: string }).fault]);
    expect(ops).toEqual([
      [NEMESIS, NEMESIS, 'invoke', 'kill'],
      [NEMESIS, NEMESIS, 'ok', 'kill'],
      [NEMESIS, NEMESIS, 'invoke', 'pause'],
      [NEMESIS, NEMESIS, 'fail', 'pause'],
      [NEMESIS, NEMESIS, 'invoke', 'partition'],
      [NEMESIS, NEMESIS, 'fail', 'partition'],
      [NEMESIS, NEMESIS, 'invoke', 'heal-all'],
      [NEMESIS, NEMESIS, 'ok', 'heal-all'],
    ]);
    expect(history.ops[3]!.error).toContain('SIGSTOP refused');
    expect(history.ops[5]!.error).toContain('not available');
  });
});
