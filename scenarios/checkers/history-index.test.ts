import { describe, expect, it } from 'vitest';
import {
  FAIL,
  faultChangesBetween,
  indexHistory,
  INFO,
  OK,
  OPEN,
  READ_COMMITTED,
  recordOfRow,
  UNSAID,
} from './history-index.ts';
import { FINAL_READ, POLL, REPLAY_READ } from '../../harness/history/ops.ts';
import { Builder, rec } from './test-support.ts';

describe('history index', () => {
  it('keeps a column per polled record (content, partition id, offset) and one per ok poll', () => {
    const ix = indexHistory(
      new Builder()
        .poll('c', [rec(4, 'a'), rec(0, 'b', 1)], { isolation: 'read_committed' })
        .poll('c', [])
        .reads([rec(0, 'a')]).ops,
    );
    expect(ix.partitions.names).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect([...ix.records.part]).toEqual([0, 1, 0, 0]);
    expect([...ix.records.offset]).toEqual([4, 0, 0, 0]);
    expect([...ix.records.content]).toEqual([0, 1, 0, 0]);
    expect([...ix.final.rows!]).toEqual([2]);
    expect(ix.polls.count).toBe(4);
    expect([...ix.polls.start]).toEqual([0, 2, 2, 3]);
    expect([...ix.polls.size]).toEqual([2, 0, 1, 1]);
    expect([...ix.polls.at]).toEqual([1, 3, 5, 7]);
    expect([...ix.polls.isolation]).toEqual([READ_COMMITTED, UNSAID, UNSAID, UNSAID]);
    expect(ix.actors).toEqual(['c', FINAL_READ, REPLAY_READ]);
    expect([...ix.polls.actor]).toEqual([0, 0, ix.final.actor, ix.final.replayActor]);
    expect([...ix.final.replay!]).toEqual([3]);
    // Rows lead back to their records, past the empty poll.
    expect([0, 1, 2, 3].map((row) => recordOfRow(ix, row).offset)).toEqual([4, 0, 0, 0]);
    expect(recordOfRow(ix, 2)).toBe((ix.history[5]!.value as { records: unknown[] }).records[0]);
  });

  it('tells per partition where the final read of its topic began (final.from)', () => {
    const u = { ...rec(0, 'u'), topic: 'u' };
    const b = new Builder().send(0, rec(0, 'a')).final([rec(0, 'a')]);
    b.h.invoke(FINAL_READ, POLL, { topic: 'u', partition: 0 }).ok({ records: [u] });
    // A partition of t the final read never returned, and topic v it never read.
    b.replay([rec(0, 'a'), rec(0, 'x', 1), u, { ...rec(0, 'v'), topic: 'v' }]);
    const ix = indexHistory(b.ops);
    expect(ix.partitions.names.map((n) => `${n.topic}/${n.partition}`)).toEqual(['t/0', 'u/0', 't/1', 'v/0']);
    expect([...ix.final.from]).toEqual([2, 4, 2, 2]);
    expect(indexHistory(new Builder().send(0, rec(0, 'a')).ops).final.from).toEqual([-1]);
  });

  it('matches a record read at an offset with what was acknowledged there, and tells a different one apart', () => {
    const ix = indexHistory(
      new Builder()
        .send(0, rec(0, 'a'))
        .send(0, rec(1, 'b', 0, 'k'))
        .poll('c', [rec(0, 'a'), rec(1, 'b'), rec(1, 'b', 0, 'k'), rec(0, 'z'), rec(70_000, 'a')])
        .reads([rec(0, 'a'), rec(1, 'b', 0, 'k')]).ops,
    );
    const [a, b] = ix.sends.content;
    expect([...ix.records.content]).toEqual([a, 2, b, 3, a, a, b, a, b]);
    expect(ix.contents).toBe(4);
  });

  it('pairs completions with invocations first in, first out per process and op', () => {
    const b = new Builder();
    const s1 = b.h.invoke(0, 'send', { topic: 't', partition: 0, key: null, value: 'a' });
    const p1 = b.h.invoke(0, 'poll', {});
    const s2 = b.h.invoke(0, 'send', { topic: 't', partition: 0, key: null, value: 'b' });
    s1.ok(rec(0, 'a'));
    p1.ok({ records: [] });
    s2.info('timed out');
    const ix = indexHistory(b.ops);
    expect(ix.polls.at).toEqual([4]);
    expect([...ix.sends.invoke]).toEqual([0, 2]);
    expect([...ix.sends.done]).toEqual([3, 5]);
    expect([...ix.sends.outcome]).toEqual([OK, INFO]);
    expect(FAIL).not.toBe(OPEN);
  });

  it('gives equal content one id and keeps null apart from the string', () => {
    const ix = indexHistory(
      new Builder()
        .send(0, rec(0, 'a'))
        .send(0, rec(1, 'null'))
        .reads([rec(0, 'a'), { ...rec(2, 'x'), value: null }]).ops,
    );
    const finalIds = ix.final.rows!.map((row) => ix.records.content[row]);
    expect(finalIds[0]).toBe(ix.sends.content[0]);
    expect(new Set([ix.sends.content[0], ix.sends.content[1], finalIds[1]]).size).toBe(3);
  });

  it('keeps a completion without an invocation, and a send never completed', () => {
    const b = new Builder();
    b.h.invoke(0, 'send', { topic: 't', partition: 0, key: null, value: 'open' });
    b.ops.push({ index: 1, time: 1, process: 9, type: 'ok', f: 'send', value: rec(0, 'orphan') });
    const ix = indexHistory(b.ops);
    expect([...ix.sends.outcome]).toEqual([OPEN, OK]);
    expect(ix.sends.invoke[1]).toBe(-1);
    expect(ix.sends.processes).toEqual([0, 9]);
  });

  it('settles transactions from end-txn ops and from sends, and says which records are durable', () => {
    const b = new Builder()
      .send('p', rec(0, 'a'), 'ok', { txn: { id: 'c' } })
      .send('p', rec(1, 'b'), 'ok', { txn: { id: 'a', outcome: 'abort' } })
      .send('p', rec(2, 'c'), 'ok', { txn: { id: 'u' } })
      .send('p', rec(3, 'd'))
      .endTxn('p', 'c', 'commit');
    const ix = indexHistory(b.ops);
    expect(ix.txns.fates.map((t) => [t.id, t.outcome])).toEqual([
      ['c', 'commit'],
      ['a', 'abort'],
      ['u', 'unknown'],
    ]);
    expect([...ix.sends.durable]).toEqual([1, 0, 0, 1]);
    expect([...ix.txns.partitions]).toEqual([1]);
  });

  it('hands every op to its part: nemesis ops, repositions, expectations, end-txn', () => {
    const b = new Builder().send(0, rec(0, 'a'));
    b.op('nemesis', 'nemesis', { fault: 'kill', node: 1 }, 'ok', { fault: 'kill', node: 1 });
    b.op('c', 'seek', { offset: 0 }, 'ok', {});
    b.op('c', 'assign', {}, 'fail', {});
    b.op('raw', 'produce-raw', { expect: { errorCode: 45 } }, 'fail', { errorCode: 45 });
    b.h.invoke('raw', 'produce-raw', { expect: { errorCode: 0 } });
    b.endTxn('p', 'x', 'abort');
    const ix = indexHistory(b.ops);
    expect(ix.nemesis.at).toEqual([2, 3]);
    expect(faultChangesBetween(ix.nemesis, 0, 10)).toBe(2);
    expect(faultChangesBetween(ix.nemesis, 3, 10)).toBe(0);
    expect(ix.repositions.at).toEqual([5]);
    expect(ix.repositions.actor).toEqual([ix.actors.indexOf('c')]);
    expect(ix.expectations.invoke).toEqual([8, 10]);
    expect(ix.expectations.done).toEqual([9, -1]);
    // A transaction only ended, never named on a send, is nobody's business.
    expect(ix.txns.fates).toEqual([]);
  });
});
