import { describe, expect, it } from 'vitest';
import { FAIL, indexHistory, INFO, OK, OPEN } from './history-index.ts';
import { Builder, rec } from './test-support.ts';

describe('history index', () => {
  it('keeps a column per polled record: content, partition id, offset; the replay without content', () => {
    const ix = indexHistory(new Builder().poll('c', [rec(4, 'a'), rec(0, 'b', 1)]).reads([rec(0, 'a')]).ops);
    expect(ix.partitions.names).toEqual([{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]);
    expect([...ix.recPart]).toEqual([0, 1, 0, 0]);
    expect([...ix.recOffset]).toEqual([4, 0, 0, 0]);
    expect([...ix.recContent]).toEqual([0, 1, 0, -1]);
    expect([...ix.final!]).toEqual([2]);
    expect(ix.replay!.map((p) => [p.start, p.count])).toEqual([[3, 1]]);
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
    expect([...ix.partner]).toEqual([3, 4, 5, 0, 1, 2]);
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
});
