import { describe, expect, it } from 'vitest';
import { drawSchedule, faultOf, parseFaultFamilies } from './fault-schedule.ts';

describe('fault schedules', () => {
  it('are repeatable from the seed, draw roles only for clusters, and pair each fault with its heal', () => {
    const a = drawSchedule(5, ['kill', 'pause'], [1, 2, 3]);
    expect(drawSchedule(5, ['kill', 'pause'], [1, 2, 3])).toEqual(a);
    expect(a).toHaveLength(8);
    expect(new Set(drawSchedule(5, ['kill'], [1], 20).map((s) => s.role))).toEqual(new Set(['random']));
    expect(faultOf('kill', 2)).toEqual({ fault: { fault: 'kill', node: 2 }, heal: { fault: 'restart', node: 2 } });
    expect(faultOf('partition', 2, true, [1, 3])).toEqual({
      fault: { fault: 'partition', groups: [[2], [1, 3]] },
      heal: { fault: 'heal-network' },
    });
    expect(faultOf('partition', 2)).toEqual({
      fault: { fault: 'cut-client', node: 2 },
      heal: { fault: 'heal-network' },
    });
    expect(faultOf('pause', 1)).toEqual({ fault: { fault: 'pause', node: 1 }, heal: { fault: 'resume', node: 1 } });
  });
  it('turn a rolling restart into one clean restart per node, in node order', () => {
    const s = drawSchedule(3, ['rolling-restart'], [1, 2, 3], 2);
    expect(s).toHaveLength(6);
    expect(s.map((x) => x.fallbackNode)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(new Set(s.map((x) => x.role))).toEqual(new Set(['random']));
    expect(faultOf('rolling-restart', 2)).toEqual({
      fault: { fault: 'clean-restart', node: 2 },
      heal: { fault: 'heal-all' },
    });
  });
  it('refuses unknown fault names', () => {
    expect(parseFaultFamilies('kill,pause')).toEqual(['kill', 'pause']);
    expect(() => parseFaultFamilies('kill,explode')).toThrow(/unknown fault\(s\) explode/);
  });
});
