import { describe, expect, it } from 'vitest';
import { compareDifferences, differencePositions, parseOffsetRanges } from './compare-differences.ts';

describe('differencePositions', () => {
  it('reads the partitions and offsets a compare summary names', () => {
    expect(parseOffsetRanges('39..41, 57')).toEqual([39, 40, 41, 57]);
    expect(
      differencePositions(
        'replay: only reference read seq 38 (+35 more), at mmr[0] offsets 39..76; x: a t[1]@5, b t[1]@7',
      ),
    ).toEqual([
      { topic: 'mmr', partition: 0, offsets: Array.from({ length: 20 }, (_, i) => 39 + i) },
      { topic: 't', partition: 1, offsets: [5, 7] },
    ]);
    expect(differencePositions('poll-skip: reference PASS, other FAIL')).toEqual([]);
  });
});

describe('compareDifferences', () => {
  it('lists differing aspects with each side, and only counts the same ones', () => {
    const { differences, same } = compareDifferences({
      path: 'compare.json',
      targets: ['reference', 'external@h:1'],
      scenarios: [
        {
          scenario: 'seed',
          seed: 11,
          runs: [
            { target: 'reference', runDir: '/r/0' },
            { target: 'external@h:1', runDir: '/r/1' },
          ],
          aspects: [
            { aspect: 'offsets', same: true, summary: '201 acked sends', details: [] },
            {
              aspect: 'consumer-reads',
              same: false,
              summary:
                'replay: reference read 201 records, external@h:1 163; replay: only reference read seq 38, at mmr[0] offsets 39..40',
              details: ['replay: only reference read seq 38, at mmr[0] offsets 39..40'],
            },
          ],
        },
      ],
    });
    expect(same).toEqual([
      { scenario: 'seed', seed: 11, aspects: [{ aspect: 'offsets', summary: '201 acked sends' }] },
    ]);
    expect(differences).toHaveLength(1);
    const d = differences[0]!;
    expect(d.sides.map((x) => [x.target, x.runDir, x.text])).toEqual([
      ['reference', '/r/0', ['replay: only reference read seq 38, at mmr[0] offsets 39..40']],
      ['external@h:1', '/r/1', []],
    ]);
    expect(d.shared).toEqual(['replay: reference read 201 records, external@h:1 163']);
    expect(d.positions).toEqual([{ topic: 'mmr', partition: 0, offsets: [39, 40] }]);
  });
});
