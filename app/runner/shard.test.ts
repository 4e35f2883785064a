import { describe, expect, it } from 'vitest';
import { parseShard, unitsOfShard, workUnits } from './shard.ts';

describe('parseShard', () => {
  it('reads I/N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1/1 ')).toEqual({ index: 1, count: 1 });
  });
  it.each(['0/3', '4/3', '1/0', '2', 'a/b', '1/2/3', '-1/2'])('refuses %s with the reason', (text) => {
    expect(() => parseShard(text)).toThrow(/--shard/);
  });
});

describe('unitsOfShard', () => {
  it('runs every unit exactly once across the shards, in the unsharded order within each', () => {
    const units = workUnits(3, ['seed', 'replay', 'long-poll']);
    expect(units).toHaveLength(9);
    for (const count of [1, 2, 4, 9, 12]) {
      const shards = Array.from({ length: count }, (_, i) => unitsOfShard(units, { index: i + 1, count }));
      const all = shards.flat();
      expect(all).toHaveLength(units.length);
      expect(new Set(all)).toEqual(new Set(units));
      for (const s of shards) expect(s).toEqual(units.filter((u) => s.includes(u)));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
  it('deals the same units to the same shard every time', () => {
    const units = workUnits(2, ['a', 'b', 'c']);
    expect(unitsOfShard(units, { index: 2, count: 3 })).toEqual([
      { run: 0, scenario: 'b' },
      { run: 1, scenario: 'b' },
    ]);
  });
});
