import { describe, expect, it } from 'vitest';
import { checkRereads, DELETE_RECORDS, type RereadsPlan } from './rereads.ts';
import { END_OFFSETS } from './scenario-plan.ts';
import { Builder, rec } from './test-support.ts';
import { FINAL_READ, REPLAY_READ } from '../../harness/history/ops.ts';

const plan: RereadsPlan = { scenario: 'replay', topic: 't', records: 4 };
const log = [0, 1, 2, 3].map((i) => rec(i, `v${i}`));
const fresh = rec(4, 'fresh');

interface Twist {
  /** Offset the seek reader starts its read at (default: where it sought, 2). */
  seekReadFrom?: number;
  /** ListOffsets earliest after the delete (default: the new start, 1). */
  earliestAfter?: number;
  /** Where the earliest-after-delete group starts (default 1). */
  resetFrom?: number;
}

/** A replay run on a 4-record log: re-reads, DeleteRecords below 1, resets, one fresh record. */
function run(t: Twist = {}): Builder {
  const b = new Builder();
  log.forEach((r, i) => b.send('producer', r, 'ok', { timestamp: 1000 + i }));
  b.op(FINAL_READ, END_OFFSETS, { topic: 't' }, 'ok', { topic: 't', ends: { 0: 4 } }).final(log);
  b.op('from-earliest', 'list-offsets', { topic: 't', partition: 0, timestamp: 'earliest' }, 'ok', {
    topic: 't',
    partition: 0,
    offset: 0,
  }).poll('from-earliest', log);
  b.op('from-committed', 'commit', { topic: 't', partition: 0, offset: 1 }, 'ok', { offset: 1 }).poll(
    'from-committed',
    log.slice(1),
  );
  b.op('from-seek', 'seek', { topic: 't', partition: 0, offset: 2 }, 'ok', { offset: 2 }).poll(
    'from-seek',
    log.slice(t.seekReadFrom ?? 2),
  );
  b.op('by-timestamp', 'list-offsets', { topic: 't', partition: 0, timestamp: 1002 }, 'ok', {
    topic: 't',
    partition: 0,
    offset: 2,
  }).poll('by-timestamp', log.slice(2));
  b.poll(REPLAY_READ, log);
  b.op('stale-commit', 'commit', { topic: 't', partition: 0, offset: 0 }, 'ok', { offset: 0 });
  b.op('admin', DELETE_RECORDS, { topic: 't', partition: 0, offset: 1 }, 'ok', {
    topic: 't',
    partition: 0,
    lowWatermark: 1,
    errorCode: 0,
  });
  b.op('below-start', 'fetch', { topic: 't', partition: 0, offset: 0 }, 'fail', {
    topic: 't',
    partition: 0,
    errorCode: 1,
  });
  b.op('admin', 'list-offsets', { topic: 't', partition: 0, timestamp: 'earliest' }, 'ok', {
    offset: t.earliestAfter ?? 1,
  });
  b.op('admin', 'list-offsets', { topic: 't', partition: 0, timestamp: 'latest' }, 'ok', { offset: 4 });
  b.poll('earliest-after-delete', log.slice(t.resetFrom ?? 1)).poll('stale-commit', log.slice(1));
  b.send('producer', fresh, 'ok', { timestamp: 2000 }).poll('latest-after-delete', [fresh]);
  return b.poll(FINAL_READ, [fresh]).poll(REPLAY_READ, [fresh]);
}
const byName = (b: Builder) => Object.fromEntries(checkRereads(b.ops, plan).map((c) => [c.checker, c]));

describe('rereads (the replay scenario)', () => {
  it('passes re-reads that agree with the first read, a log start that moved, and resets from it', () => {
    const r = byName(run());
    expect(r['replay-positions']).toMatchObject({ valid: true, count: 0 });
    expect(r['log-start']).toMatchObject({ valid: true, count: 0, summary: expect.stringContaining('log start to 1') });
    expect(r['auto-offset-reset']).toMatchObject({ valid: true, count: 0 });
  });

  it('flags a seek that starts elsewhere, a ListOffsets that disagrees with the new start, and a reset below it', () => {
    expect(byName(run({ seekReadFrom: 1 }))['replay-positions']).toMatchObject({
      valid: false,
      count: 1,
      witnesses: [{ reader: 'from-seek', from: 2 }],
    });
    expect(byName(run({ earliestAfter: 0 }))['log-start']).toMatchObject({
      valid: false,
      witnesses: [{ request: 'ListOffsets earliest', expected: 1, got: 0 }],
    });
    expect(byName(run({ resetFrom: 0 }))['auto-offset-reset']).toMatchObject({
      valid: false,
      witnesses: [{ reader: 'earliest-after-delete' }],
    });
  });

  it('cannot decide without the first read’s end offsets, nor judge the log start before the delete', () => {
    expect(byName(new Builder().send('producer', log[0]!).final([log[0]!]))['replay-positions']!.valid).toBe('unknown');
    const ops = run().ops;
    const beforeDelete = ops.slice(
      0,
      ops.findIndex((o) => o.f === DELETE_RECORDS),
    );
    expect(checkRereads(beforeDelete, plan).map((c) => c.valid)).toEqual([true, 'unknown', 'unknown']);
  });
});
