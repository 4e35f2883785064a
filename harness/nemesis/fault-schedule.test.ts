import { describe, expect, it } from 'vitest';
import { drawSchedule, parseFaultFamilies } from './fault-schedule.ts';

describe('fault schedules', () => {
  it('are repeatable from the seed and pair each fault with its heal', () => {
    const a = drawSchedule(5, ['kill', 'pause'], [1, 2, 3]);
    expect(drawSchedule(5, ['kill', 'pause'], [1, 2, 3])).toEqual(a);
    expect(a).toHaveLength(8);
    for (const s of a) {
      if (s.fault.fault === 'kill') expect(s.heal).toEqual({ fault: 'restart', node: s.fault.node });
      if (s.fault.fault === 'pause') expect(s.heal).toEqual({ fault: 'resume', node: s.fault.node });
    }
  });
  it('refuses unknown fault names', () => {
    expect(parseFaultFamilies('kill,pause')).toEqual(['kill', 'pause']);
    expect(() => parseFaultFamilies('kill,explode')).toThrow(/unknown fault\(s\) explode/);
  });
});
