import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';
import { KeyedTimers } from './keyed-timers.ts';

describe('KeyedTimers', () => {
  it('replaces the pending timer of a key when it is scheduled again', () => {
    const clock = new FakeClock(0);
    const timers = new KeyedTimers(clock);
    const fired: string[] = [];
    timers.schedule('k', 10, () => fired.push('first'));
    clock.advance(5);
    timers.schedule('k', 10, () => fired.push('second'));
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual(['second']);
    expect(timers.has('k')).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('cancels one key or all of them', () => {
    const clock = new FakeClock(0);
    const timers = new KeyedTimers(clock);
    const fired: string[] = [];
    timers.schedule('a', 1, () => fired.push('a'));
    timers.schedule('b', 1, () => fired.push('b'));
    timers.schedule('c', 1, () => fired.push('c'));
    timers.cancel('a');
    expect(timers.size).toBe(2);
    timers.cancelAll();
    clock.advance(10);
    expect(fired).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets a firing timer schedule its own key again', () => {
    const clock = new FakeClock(0);
    const timers = new KeyedTimers(clock);
    let runs = 0;
    const tick = () => {
      runs++;
      if (runs < 3) timers.schedule('k', 10, tick);
    };
    timers.schedule('k', 10, tick);
    clock.advance(100);
    expect(runs).toBe(3);
    expect(timers.size).toBe(0);
  });
});
