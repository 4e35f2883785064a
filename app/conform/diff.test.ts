import { describe, expect, it } from 'vitest';
import { ABSENT, diffValues } from './diff.ts';

describe('diffValues', () => {
  it('finds nothing in equal values', () => {
    const v = { a: [1, { b: 'x' }], c: null };
    expect(diffValues(v, structuredClone(v))).toEqual([]);
  });

  it('reports each differing leaf with its path and both values', () => {
    const target = { responses: [{ partitions: [{ errorCode: 0, highWatermark: '5' }] }] };
    const against = { responses: [{ partitions: [{ errorCode: '1 OFFSET_OUT_OF_RANGE', highWatermark: '-1' }] }] };
    expect(diffValues(target, against)).toEqual([
      { path: 'responses[0].partitions[0].errorCode', target: 0, against: '1 OFFSET_OUT_OF_RANGE' },
      { path: 'responses[0].partitions[0].highWatermark', target: '5', against: '-1' },
    ]);
  });

  it('reports an element or field only one side has as absent on the other', () => {
    expect(diffValues({ topics: [{ name: 'a' }, { name: 'b' }] }, { topics: [{ name: 'a' }] })).toEqual([
      { path: 'topics[1]', target: { name: 'b' }, against: ABSENT },
    ]);
    expect(diffValues({ x: 1 }, { x: 1, y: 2 })).toEqual([{ path: 'y', target: ABSENT, against: 2 }]);
  });

  it('compares a closed connection with an answer at the root', () => {
    expect(diffValues('<connection closed>', { errorCode: 0 })).toEqual([
      { path: '', target: '<connection closed>', against: { errorCode: 0 } },
    ]);
  });

  it('stops at the limit and shortens big subtrees', () => {
    const many = Array.from({ length: 50 }, (_, i) => i);
    expect(
      diffValues(
        many,
        many.map((x) => x + 1),
        5,
      ),
    ).toHaveLength(5);
    const [d] = diffValues({ big: 'x'.repeat(10) }, { big: { long: 'y'.repeat(1000) } });
    expect(String(d!.against)).toMatch(/\.\.\.$/);
  });
});
