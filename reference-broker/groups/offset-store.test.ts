import { describe, expect, it } from 'vitest';
import { OffsetStore } from './offset-store.ts';

const offset = (committedOffset: number) => ({
  committedOffset,
  committedLeaderEpoch: -1,
  metadata: '',
  commitTimestampMs: 0,
});

describe('OffsetStore', () => {
  it('keeps the last commit per partition, grouped by topic in first-commit order', () => {
    const store = new OffsetStore();
    store.commit('g', 't2', 1, offset(5));
    store.commit('g', 't1', 0, offset(1));
    store.commit('g', 't2', 0, offset(3));
    store.commit('g', 't2', 1, offset(6));
    store.commit('h', 't1', 0, offset(9));
    expect(store.get('g', 't2', 1)?.committedOffset).toBe(6);
    expect(store.get('g', 't3', 0)).toBeUndefined();
    expect(store.byTopic('g').map((t) => [t.topic, t.partitions.map(([p, o]) => [p, o.committedOffset])])).toEqual([
      [
        't2',
        [
          [0, 3],
          [1, 6],
        ],
      ],
      ['t1', [[0, 1]]],
    ]);
    expect(store.entries()).toHaveLength(4);
    expect(store.groupIds()).toEqual(['g', 'h']);
  });

  it('deletes a group’s offsets and nothing else', () => {
    const store = new OffsetStore();
    store.commit('g', 't', 0, offset(1));
    store.commit('g', 't', 1, offset(1));
    store.commit('h', 't', 0, offset(1));
    expect(store.deleteGroup('g')).toBe(2);
    expect(store.has('g')).toBe(false);
    expect(store.has('h')).toBe(true);
    expect(store.deleteGroup('g')).toBe(0);
  });

  it('copies what it stores', () => {
    const store = new OffsetStore();
    const value = offset(1);
    store.commit('g', 't', 0, value);
    value.committedOffset = 99;
    expect(store.get('g', 't', 0)?.committedOffset).toBe(1);
  });
});
