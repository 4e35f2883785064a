import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OpenLoopSchedule, staggeredSchedules } from './open-loop-scheduler.ts';

describe('OpenLoopSchedule', () => {
  it('intends send i at start + i / rate', () => {
    const s = new OpenLoopSchedule(100, 1000);
    expect(s.intervalMs).toBe(10);
    expect(s.intendedTime(0)).toBe(1000);
    expect(s.intendedTime(25)).toBe(1250);
  });

  it('takes nothing before the start, then every send whose intended time has come', () => {
    const s = new OpenLoopSchedule(100, 1000);
    expect(s.takeDue(999)).toEqual({ from: 0, to: 0 });
    expect(s.takeDue(1000)).toEqual({ from: 0, to: 1 });
    expect(s.takeDue(1009)).toEqual({ from: 1, to: 1 });
    expect(s.takeDue(1010)).toEqual({ from: 1, to: 2 });
  });

  it('a sender that stalls catches up at once, and the overdue sends keep their intended times', () => {
    const s = new OpenLoopSchedule(1000, 0);
    s.takeDue(0);
    // a 500 ms stall: the 500 sends intended meanwhile are all due when the sender wakes
    const { from, to } = s.takeDue(500);
    expect(to - from).toBe(500);
    expect(s.intendedTime(from)).toBe(1);
    // latency measured from the intended time shows the stall for every one of them
    const latencies = Array.from({ length: to - from }, (_, k) => 500 - s.intendedTime(from + k));
    expect(Math.max(...latencies)).toBe(499);
    expect(latencies.filter((l) => l >= 250).length).toBe(250);
  });

  it('leaves sends beyond the in-flight limit due, to be taken later', () => {
    const s = new OpenLoopSchedule(1000, 0);
    expect(s.takeDue(99, 10)).toEqual({ from: 0, to: 10 });
    expect(s.takeDue(99, 1000)).toEqual({ from: 10, to: 100 });
    expect(s.takeDue(99, 0)).toEqual({ from: 100, to: 100 });
  });

  it('says how long until the next send', () => {
    const s = new OpenLoopSchedule(10, 0);
    s.takeDue(0);
    expect(s.msUntilNext(30)).toBe(70);
    expect(s.msUntilNext(150)).toBe(0);
  });

  it('never takes a send twice or skips one, however the clock advances', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 50 }),
        (rate, steps) => {
          const s = new OpenLoopSchedule(rate, 0);
          let t = 0;
          let expectedFrom = 0;
          for (const step of steps) {
            t += step;
            const { from, to } = s.takeDue(t);
            expect(from).toBe(expectedFrom);
            expect(to).toBeGreaterThanOrEqual(from);
            expectedFrom = to;
            if (to > 0) expect(s.intendedTime(to - 1)).toBeLessThanOrEqual(t + 1e-6);
            expect(s.intendedTime(to)).toBeGreaterThan(t - 1e-6);
          }
        },
      ),
    );
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new OpenLoopSchedule(0, 0)).toThrow(RangeError);
    expect(() => new OpenLoopSchedule(Number.NaN, 0)).toThrow(RangeError);
  });
});

describe('staggeredSchedules', () => {
  it('spreads N senders so that together they send evenly at the total rate', () => {
    const all = staggeredSchedules(1000, 4, 0);
    const times = all.flatMap((s) => Array.from({ length: 25 }, (_, i) => s.intendedTime(i))).sort((a, b) => a - b);
    expect(times.length).toBe(100);
    times.forEach((t, i) => expect(t).toBeCloseTo(i, 9));
  });
});
