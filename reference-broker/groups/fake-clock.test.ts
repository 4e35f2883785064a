import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';

describe('FakeClock', () => {
  it('fires timers in due order, at their due time, including ones scheduled while advancing', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 100);
    clock.advance(50);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(50);
    expect(clock.pendingTimers).toBe(1);
  });

  it('runs 0 ms timers on advance(0) in scheduling order, and never cleared ones', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 0);
    const h = clock.setTimeout(() => fired.push(2), 0);
    clock.setTimeout(() => fired.push(3), 0);
    clock.clearTimeout(h);
    expect(fired).toEqual([]);
    clock.advance(0);
    expect(fired).toEqual([1, 3]);
    expect(clock.pendingTimers).toBe(0);
  });
});
