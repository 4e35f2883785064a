import { describe, expect, it } from 'vitest';
import { Pairing, Waiting } from './pairing.ts';

describe('Pairing', () => {
  it('pairs first in, first out per actor and op kind, carrying the expectation number', () => {
    const p = new Pairing();
    p.add(0, 'send', 10, -1);
    p.add(0, 'send', 11, 4);
    p.add(0, 'commit', 12, 5);
    p.add(1, 'send', 13, -1);
    expect(p.take(0, 'commit')).toBe(12);
    expect(p.expectation).toBe(5);
    expect(p.take(0, 'send')).toBe(10);
    expect(p.expectation).toBe(-1);
    expect(p.take(1, 'send')).toBe(13);
    expect(p.take(0, 'send')).toBe(11);
    expect(p.expectation).toBe(4);
  });

  it('answers -1, and no expectation, when nothing waits', () => {
    const p = new Pairing();
    p.add(0, 'poll', 1, 7);
    expect(p.take(0, 'poll')).toBe(1);
    expect(p.take(0, 'poll')).toBe(-1);
    expect(p.expectation).toBe(-1);
    expect(p.take(5, 'seek')).toBe(-1);
  });
});

describe('Waiting', () => {
  it('keeps order in a queue that never runs empty (moved to the front as it grows)', () => {
    const w = new Waiting();
    const taken: number[] = [];
    w.add(0, 0);
    for (let i = 1; i < 5000; i++) {
      w.add(i, i);
      taken.push(w.take());
      expect(w.expectation).toBe(taken[taken.length - 1]);
    }
    taken.push(w.take());
    expect(taken).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(w.take()).toBe(-1);
  });
});
