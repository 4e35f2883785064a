import { describe, expect, it } from 'vitest';
import { checkAbortedReads } from './aborted-read.ts';
import { checkLostWrites } from './lost-write.ts';
import { Builder, rec } from './test-support.ts';

const RC = { isolation: 'read_committed' };
const RU = { isolation: 'read_uncommitted' };

describe('aborted-read', () => {
  const a = rec(0, 'a');
  const b = rec(1, 'b');
  /** p sends a in transaction x and b in y; x aborts, y commits. */
  const txns = () =>
    new Builder()
      .send('p', a, 'ok', { txn: { id: 'x' } })
      .send('p', b, 'ok', { txn: { id: 'y' } })
      .endTxn('p', 'x', 'abort')
      .endTxn('p', 'y', 'commit');

  it('is valid with nothing to check when no send is transactional', () => {
    expect(checkAbortedReads(new Builder().send(0, a).poll('c', [a], RC).ops)).toMatchObject({
      valid: true,
      summary: expect.stringContaining('no transactional sends'),
    });
  });

  it('is unknown when the configuration says transactional but no send is tagged', () => {
    expect(checkAbortedReads(new Builder().send(0, a).ops, { transactional: true }).valid).toBe('unknown');
  });

  it('is unknown when there are transactions but no read_committed poll', () => {
    expect(checkAbortedReads(txns().poll('c', [a, b], RU).poll('d', [a, b]).ops).valid).toBe('unknown');
  });

  it('passes read_committed polls that see only committed records', () => {
    expect(checkAbortedReads(txns().poll('c', [b], RC).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags a read_committed poll given a record of an aborted transaction', () => {
    const r = checkAbortedReads(txns().poll('c', [a, b], RC).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ txn: 'x', why: 'aborted', record: a, poll: { process: 'c' } });
  });

  it('does not check read_uncommitted polls, nor polls that do not say', () => {
    expect(checkAbortedReads(txns().poll('c', [a, b], RU).poll('d', [a]).poll('e', [b], RC).ops).valid).toBe(true);
  });

  it('takes the isolation level from the completion too', () => {
    const bld = txns();
    bld.op('c', 'poll', {}, 'ok', { records: [a], isolation: 'read_committed' });
    expect(checkAbortedReads(bld.ops).valid).toBe(false);
  });

  it('flags a read_committed poll that returned a record before its transaction ended', () => {
    const bld = new Builder()
      .send('p', a, 'ok', { txn: { id: 'x' } })
      .poll('c', [a], RC)
      .endTxn('p', 'x', 'commit');
    const r = checkAbortedReads(bld.ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ why: 'read before the transaction ended' });
  });

  it('settles an outcome from the send when no end-txn was recorded; a completed end-txn wins', () => {
    const declared = new Builder().send('p', a, 'ok', { txn: { id: 'x', outcome: 'abort' } }).poll('c', [a], RC);
    expect(checkAbortedReads(declared.ops).valid).toBe(false);
    const overruled = new Builder()
      .send('p', a, 'ok', { txn: { id: 'x', outcome: 'abort' } })
      .endTxn('p', 'x', 'commit')
      .poll('c', [a], RC);
    expect(checkAbortedReads(overruled.ops).valid).toBe(true);
  });

  it('does not judge records of a transaction whose end timed out', () => {
    const bld = new Builder()
      .send('p', a, 'ok', { txn: { id: 'x' } })
      .endTxn('p', 'x', 'abort', 'info')
      .poll('c', [a], RC);
    expect(checkAbortedReads(bld.ops).valid).toBe(true);
  });

  it('keeps aborted records out of lost-write', () => {
    expect(checkLostWrites(txns().reads([b]).ops).valid).toBe(true);
  });
});
