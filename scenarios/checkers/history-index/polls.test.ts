import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/history/history.ts';
import { RecordContents } from './content-ids.ts';
import { PartitionIds } from './partition-ids.ts';
import { pollOfRow, PollsBuilder, READ_COMMITTED, READ_UNCOMMITTED, UNSAID } from './polls.ts';

const r = (offset: number, value: string, partition = 0) => ({ topic: 't', partition, offset, key: null, value });
const ok = (time: number, records: unknown[], extra: object = {}): Op => ({
  index: 0,
  time,
  process: 'c',
  type: 'ok',
  f: 'poll',
  value: { records, ...extra },
});

describe('PollsBuilder', () => {
  it('keeps a row per ok poll and one per record, a poll’s records consecutive', () => {
    const partitions = new PartitionIds();
    const b = new PollsBuilder(partitions, new RecordContents());
    expect(b.completed(7, ok(1.5, [r(3, 'a'), r(0, 'b', 1)]), 2, undefined, 0)).toBe(0);
    expect(b.rows).toBe(2);
    expect(b.completed(9, ok(2, []), 2, undefined, 0)).toBe(1);
    expect(b.completed(11, ok(3, [r(3, 'a')]), 0, undefined, 0)).toBe(2);
    const { polls, records } = b.finish();
    expect(polls).toEqual({
      count: 3,
      at: [7, 9, 11],
      time: [1.5, 2, 3],
      actor: [2, 2, 0],
      start: [0, 2, 2],
      size: [2, 0, 1],
      isolation: [UNSAID, UNSAID, UNSAID],
    });
    expect(records).toEqual({ count: 3, content: [0, 1, 0], part: [0, 1, 0], offset: [3, 0, 3] });
    expect(partitions.names).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
  });

  it('takes the isolation level from the completion, else from the invocation', () => {
    const b = new PollsBuilder(new PartitionIds(), new RecordContents());
    b.completed(0, ok(0, [], { isolation: 'read_uncommitted' }), 0, { isolation: 'read_committed' }, 0);
    b.completed(1, ok(0, []), 0, { isolation: 'read_committed' }, 0);
    b.completed(2, ok(0, [], { isolation: 'snapshot' }), 0, null, 0);
    expect(b.finish().polls.isolation).toEqual([READ_UNCOMMITTED, READ_COMMITTED, UNSAID]);
  });
});

describe('pollOfRow', () => {
  it('finds the poll a record row belongs to, past empty polls', () => {
    const polls = { count: 4, at: [], time: [], actor: [], start: [0, 2, 2, 3], size: [2, 0, 1, 4], isolation: [] };
    expect([0, 1, 2, 3, 6].map((row) => pollOfRow(polls, row))).toEqual([0, 0, 2, 3, 3]);
  });
});
