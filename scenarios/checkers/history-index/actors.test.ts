import { describe, expect, it } from 'vitest';
import { ActorIds } from './actors.ts';

describe('ActorIds', () => {
  it('numbers processes in order of first appearance, numbers and names alike', () => {
    const a = new ActorIds();
    expect([a.of(3), a.of('c'), a.of(3), a.of(0), a.of('c'), a.of(5000), a.of(0.5), a.of(-1)]).toEqual([
      0, 1, 0, 2, 1, 3, 4, 5,
    ]);
    expect(a.list).toEqual([3, 'c', 0, 5000, 0.5, -1]);
  });

  it('keeps a process number apart from its name', () => {
    const a = new ActorIds();
    expect(a.of(1)).toBe(0);
    expect(a.of('1')).toBe(1);
    expect(a.of(1)).toBe(0);
    expect([a.get(1), a.get('1'), a.get('nobody')]).toEqual([0, 1, -1]);
  });
});
