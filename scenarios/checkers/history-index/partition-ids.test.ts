import { describe, expect, it } from 'vitest';
import { PartitionIds } from './partition-ids.ts';

describe('PartitionIds', () => {
  it('numbers (topic, partition) pairs in order of first appearance, one id per pair', () => {
    const p = new PartitionIds();
    expect([p.id('t', 1), p.id('u', 0), p.id('t', 0), p.id('t', 1), p.id('u', 0), p.id('t', 0)]).toEqual([
      0, 1, 2, 0, 1, 2,
    ]);
    expect(p.names).toEqual([
      { topic: 't', partition: 1 },
      { topic: 'u', partition: 0 },
      { topic: 't', partition: 0 },
    ]);
    expect(p.name(1)).toBe('u/0');
  });

  it('keeps topics apart when switching between them (the last-topic shortcut)', () => {
    const p = new PartitionIds();
    p.id('a', 3);
    p.id('b', 3);
    expect(p.id('a', 3)).toBe(0);
    expect(p.id('b', 3)).toBe(1);
    expect(p.id('', 3)).toBe(2);
  });
});
