import { describe, expect, it } from 'vitest';
import { FAIL, indexHistory, INFO, OffsetTable, OK, OPEN, READ_COMMITTED, recordOfRow, UNSAID } from './history-index.ts';
import { FINAL_READ, POLL, REPLAY_READ } from '../../harness/history/ops.ts';
import { Builder, rec } from './test-support.ts';

describe('history index', () => {
  it('keeps a column per polled record (content, partition id, offset) and one per ok poll', () => {
    const ix = indexHistory(new Builder().poll('c', [rec(4, 'a'), rec(0, 'b', 1)], { isolation: 'read_committed' }).poll('c', []).reads([rec(0, 'a')]).ops);
    expect(ix.partitions.names).toEqual([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    expect([...ix.recPart]).toEqual([0, 1, 0, 0]);
    expect([...ix.recOffset]).toEqual([4, 0, 0, 0]);
    expect([...ix.recContent]).toEqual([0, 1, 0, 0]);
    expect([...ix.final!]).toEqual([2]);
    expect(ix.pollCount).toBe(4);
    expect([...ix.pollStart]).toEqual([0, 2, 2, 3]);
    expect([...ix.pollRecords]).toEqual([2, 0, 1, 1]);
    expect([...ix.pollAt]).toEqual([1, 3, 5, 7]);
    expect([...ix.pollIsolation]).toEqual([READ_COMMITTED, UNSAID, UNSAID, UNSAID]);
    expect(ix.actors).toEqual(['c', FINAL_READ, REPLAY_READ]);
    expect([...ix.pollActor]).toEqual([0, 0, ix.finalActor, ix.replayActor]);
    expect([...ix.replay!]).toEqual([3]);
    // Rows lead back to their records, past the empty poll.
    expect([0, 1, 2, 3].map((row) => recordOfRow(ix, row).offset)).toEqual([4, 0, 0, 0]);
    expect(recordOfRow(ix, 2)).toBe((ix.history[5]!.value as { records: unknown[] }).records[0]);
  });

  it('tells per partition where the final read of its topic began (finalFrom)', () => {
    const u = { ...rec(0, 'u'), topic: 'u' };
    const b = new Builder().send(0, rec(0, 'a')).final([rec(0, 'a')]);
    b.h.invoke(FINAL_READ, POLL, { topic: 'u', partition: 0 }).ok({ records: [u] });
    // A partition of t the final read never returned, and topic v it never read.
    b.replay([rec(0, 'a'), rec(0, 'x', 1), u, { ...rec(0, 'v'), topic: 'v' }]);
    const ix = indexHistory(b.ops);
    expect(ix.partitions.names.map((n) => `${n.topic}/${n.partition}`)).toEqual(['t/0', 'u/0', 't/1', 'v/0']);
    expect([...ix.finalFrom]).toEqual([2, 4, 2, 2]);
    expect(indexHistory(new Builder().send(0, rec(0, 'a')).ops).finalFrom).toEqual([-1]);
  });

  it('matches a record read at an offset with what was acknowledged there, and tells a different one apart', () => {
    const ix = indexHistory(
      new Builder()
        .send(0, rec(0, 'a'))
        .send(0, rec(1, 'b', 0, 'k'))
        .poll('c', [rec(0, 'a'), rec(1, 'b'), rec(1, 'b', 0, 'k'), rec(0, 'z'), rec(70_000, 'a')])
        .reads([rec(0, 'a'), rec(1, 'b', 0, 'k')]).ops,
    );
    const [a, b] = ix.sendContent;
    expect([...ix.recContent]).toEqual([a, 2, b, 3, a, a, b, a, b]);
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
    expect(ix.pollAt).toEqual([4]);
    expect([...ix.sendInvoke]).toEqual([0, 2]);
    expect([...ix.sendDone]).toEqual([3, 5]);
    expect([...ix.sendOutcome]).toEqual([OK, INFO]);
    expect(FAIL).not.toBe(OPEN);
  });

  it('gives equal content one id and keeps null apart from the string', () => {
    const ix = indexHistory(new Builder().send(0, rec(0, 'a')).send(0, rec(1, 'null')).reads([rec(0, 'a'), { ...rec(2, 'x'), value: null }]).ops);
    const finalIds = ix.final!.map((row) => ix.recContent[row]);
    expect(finalIds[0]).toBe(ix.sendContent[0]);
    expect(new Set([ix.sendContent[0], ix.sendContent[1], finalIds[1]]).size).toBe(3);
  });

  it('keeps a completion without an invocation, and a send never completed', () => {
    const b = new Builder();
    b.h.invoke(0, 'send', { topic: 't', partition: 0, key: null, value: 'open' });
    b.ops.push({ index: 1, time: 1, process: 9, type: 'ok', f: 'send', value: rec(0, 'orphan') });
    const ix = indexHistory(b.ops);
    expect([...ix.sendOutcome]).toEqual([OPEN, OK]);
    expect(ix.sendInvoke[1]).toBe(-1);
    expect(ix.processes).toEqual([0, 9]);
  });

  it('settles transactions from end-txn ops and from sends, and says which records are durable', () => {
    const b = new Builder()
      .send('p', rec(0, 'a'), 'ok', { txn: { id: 'c' } })
      .send('p', rec(1, 'b'), 'ok', { txn: { id: 'a', outcome: 'abort' } })
      .send('p', rec(2, 'c'), 'ok', { txn: { id: 'u' } })
      .send('p', rec(3, 'd'))
      .endTxn('p', 'c', 'commit');
    const ix = indexHistory(b.ops);
    expect(ix.txns.map((t) => [t.id, t.outcome])).toEqual([
      ['c', 'commit'],
      ['a', 'abort'],
      ['u', 'unknown'],
    ]);
    expect([...ix.sendDurable]).toEqual([1, 0, 0, 1]);
    expect([...ix.txnParts]).toEqual([1]);
  });

  it('holds numbers by partition and offset, refusing offsets it cannot hold within its budget', () => {
    const t = new OffsetTable();
    expect(t.get(0, 5)).toBe(-1);
    expect(t.set(0, 5, 7, 10)).toBe(true);
    expect(t.get(0, 5)).toBe(7);
    expect(t.get(0, 4)).toBe(-1);
    expect(t.get(1, 5)).toBe(-1);
    expect(t.set(0, -1, 1, 10)).toBe(false);
    expect(t.set(0, 1.5, 1, 10)).toBe(false);
    expect(t.set(-1, 1, 1, 10)).toBe(false);
    // A topic that started before the run: held from near its first offset on.
    expect(t.set(1, 5_000_000, 3, 10)).toBe(true);
    expect(t.get(1, 5_000_000)).toBe(3);
    expect(t.set(1, 10, 3, 10)).toBe(false);
    // Growing is bounded by the budget (the history's size), not by the offsets a broker names.
    expect(t.set(0, 2 ** 40, 1, 10)).toBe(false);
    expect(t.set(0, 300_000, 1, 1_000_000)).toBe(true);
    expect(t.get(0, 300_000)).toBe(1);
    expect(t.get(0, 5)).toBe(7);
  });
});
