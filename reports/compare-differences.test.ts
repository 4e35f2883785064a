import { describe, expect, it } from 'vitest';
import { compareDifferences, differencePositions, parseOffsetRanges, storedPositions } from './compare-differences.ts';
import type { StoredCompare } from './run-dirs.ts';

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
    // an old-style aspect (no `positions` field): the positions are read from the text
    expect(d.positions).toEqual([{ topic: 'mmr', partition: 0, offsets: [39, 40] }]);
    expect(d.positionsFrom).toBe('text');
  });

  /** One differing consumer-reads aspect whose text names other offsets than its structured positions. */
  const withPositions = (positions: unknown): StoredCompare => ({
    path: 'compare.json',
    targets: ['reference', 'kafka'],
    scenarios: [
      {
        scenario: 'seed',
        seed: 1,
        aspects: [
          {
            aspect: 'consumer-reads',
            same: false,
            summary: 'replay: only reference read seq 3, at mmr[0] offsets 90..91',
            details: [],
            positions: positions as StoredCompare['scenarios'][0]['aspects'][0]['positions'],
          },
        ],
      },
    ],
  });

  it("takes the positions from compare.json's structured field, merged per partition, not from the text", () => {
    const [d] = compareDifferences(
      withPositions([
        {
          pair: ['reference', 'kafka'],
          reader: 'replay',
          kind: 'only',
          target: 'reference',
          topic: 'mmr',
          partition: 0,
          offsets: [7, 3],
          count: 2,
        },
        {
          pair: ['reference', 'kafka'],
          reader: 'replay',
          kind: 'moved',
          target: 'kafka',
          topic: 'mmr',
          partition: 0,
          offsets: [3, 5],
          count: 2,
        },
        {
          pair: ['reference', 'kafka'],
          kind: 'moved',
          target: 'kafka',
          topic: 'mmr',
          partition: 2,
          offsets: [1],
          count: 1,
        },
      ]),
    ).differences;
    expect(d!.positionsFrom).toBe('structured');
    expect(d!.positions).toEqual([
      { topic: 'mmr', partition: 0, offsets: [3, 5, 7] },
      { topic: 'mmr', partition: 2, offsets: [1] },
    ]);
    // an empty list is structured too (an aspect naming no offsets): nothing to draw, no text read
    expect(compareDifferences(withPositions([])).differences[0]).toMatchObject({
      positions: [],
      positionsFrom: 'structured',
    });
  });

  it('falls back on the text when the structured field is malformed', () => {
    expect(storedPositions([{ topic: 'mmr', partition: 0, offsets: ['3'] }])).toBeUndefined();
    expect(storedPositions({})).toBeUndefined();
    expect(
      storedPositions([{ topic: 'm', partition: 0, offsets: Array.from({ length: 30 }, (_, i) => 29 - i) }]),
    ).toEqual([{ topic: 'm', partition: 0, offsets: Array.from({ length: 20 }, (_, i) => i) }]);
    const [d] = compareDifferences(withPositions([{ topic: 'mmr', partition: -1 }])).differences;
    expect(d).toMatchObject({ positionsFrom: 'text', positions: [{ topic: 'mmr', partition: 0, offsets: [90, 91] }] });
  });
});
