import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/history/history.ts';
import { faultChangesBetween, NemesisBuilder } from './nemesis.ts';

const op = (time: number): Op => ({
  index: 0,
  time,
  process: 'nemesis',
  type: 'invoke',
  f: 'nemesis',
  value: { fault: 'kill', node: 1 },
});

describe('NemesisBuilder', () => {
  it('keeps the positions and times of nemesis ops', () => {
    const b = new NemesisBuilder();
    b.saw(4, op(10));
    b.saw(5, op(12.5));
    b.saw(20, op(40));
    expect(b.finish()).toEqual({ at: [4, 5, 20], time: [10, 12.5, 40] });
  });
});

describe('faultChangesBetween', () => {
  const nemesis = { at: [4, 5, 20], time: [0, 0, 0] };
  it('counts nemesis ops strictly between two positions', () => {
    expect(faultChangesBetween(nemesis, 0, 100)).toBe(3);
    expect(faultChangesBetween(nemesis, 4, 20)).toBe(1);
    expect(faultChangesBetween(nemesis, 3, 5)).toBe(1);
    expect(faultChangesBetween(nemesis, 5, 20)).toBe(0);
    expect(faultChangesBetween(nemesis, 21, 30)).toBe(0);
    expect(faultChangesBetween(nemesis, 20, 4)).toBe(0);
    expect(faultChangesBetween({ at: [], time: [] }, 0, 10)).toBe(0);
  });
});
