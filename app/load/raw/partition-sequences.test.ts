import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartitionSequences } from './partition-sequences.ts';

describe('PartitionSequences', () => {
  it('never hands out a sequence twice on a partition, and leaves no gap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 50 })), { maxLength: 200 }),
        (batches) => {
          const seqs = new PartitionSequences();
          const used = new Map<number, Set<number>>();
          const expectedNext = new Map<number, number>();
          for (const [p, n] of batches) {
            const base = seqs.take(p, n);
            expect(base).toBe(expectedNext.get(p) ?? 0);
            const set = used.get(p) ?? new Set<number>();
            for (let s = base; s < base + n; s++) {
              expect(set.has(s)).toBe(false);
              set.add(s);
            }
            used.set(p, set);
            expectedNext.set(p, base + n);
          }
        },
      ),
    );
  });

  it('wraps after 2^31-1 to 0, as Kafka sequences do', () => {
    const seqs = new PartitionSequences();
    seqs.take(0, 0x7fffffff - 2); // 0 .. 2^31-4
    expect(seqs.take(0, 5)).toBe(0x7fffffff - 2); // 2^31-3 .. 2^31-1, then 0, 1
    expect(seqs.take(0, 1)).toBe(2);
  });

  it('refuses an empty batch', () => {
    expect(() => new PartitionSequences().take(0, 0)).toThrow(RangeError);
  });
});
