import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { checkReplay } from './replay.ts';
import { END_OFFSETS } from './scenario-plan.ts';
import { Builder, rec } from './test-support.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';

describe('replay', () => {
  const log = [rec(0, 'a'), rec(1, 'b'), rec(0, 'x', 1), rec(2, 'c')];

  it('passes when the replay returns the same records per partition (interleaving aside)', () => {
    expect(
      checkReplay(new Builder().final(log).replay([rec(0, 'x', 1), rec(0, 'a'), rec(1, 'b'), rec(2, 'c')]).ops).valid,
    ).toBe(true);
  });

  it('flags the first position where a partition differs', () => {
    const r = checkReplay(new Builder().final(log).replay([rec(0, 'a'), rec(1, 'B'), rec(2, 'c'), rec(0, 'x', 1)]).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({
      partition: 't/0',
      position: 1,
      firstRead: { value: 'b' },
      replay: { value: 'B' },
    });
  });

  it('flags a replay that ends early or runs on', () => {
    expect(checkReplay(new Builder().final(log).replay(log.slice(0, 3)).ops).witnesses[0]).toMatchObject({
      position: 2,
      replay: null,
    });
    expect(checkReplay(new Builder().final(log).replay([...log, rec(0, 'extra', 2)]).ops).witnesses[0]).toMatchObject({
      partition: 't/2',
      firstRead: null,
    });
  });

  it('is unknown without both reads', () => {
    expect(checkReplay(new Builder().final(log).ops).valid).toBe('unknown');
  });

  it('knows when the final read took its ends from its end-offsets op, not from its first poll', () => {
    // The final read takes the ends (2), then a send is acknowledged at offset 2, then the final
    // read polls 0..1; the replay runs on with offset 2: not owed to the final read, allowed.
    const history = (withEnds: boolean) => {
      const b = new Builder().send(0, rec(0, 'a')).send(0, rec(1, 'b'));
      if (withEnds) b.op(FINAL_READ, END_OFFSETS, { topic: 't' }, 'ok', { topic: 't', ends: { 0: 2 } });
      return b
        .send(0, rec(2, 'late'))
        .final([rec(0, 'a'), rec(1, 'b')])
        .replay([rec(0, 'a'), rec(1, 'b'), rec(2, 'late')]).ops;
    };
    expect(checkReplay(history(true))).toMatchObject({
      valid: true,
      summary: expect.stringContaining('1 more past the final read'),
    });
    expect(checkReplay(history(false))).toMatchObject({
      valid: false,
      witnesses: [
        { reason: 'the replay ran on with a record acknowledged before the final read took its end offsets' },
      ],
    });
  });
});

/**
 * Recorded by `kconform run --target kafka@4.4.0 --brokers 3 --scenarios all --faults
 * kill,pause,partition,restart --seed 11` (durability scenario, its cut-client round: ops 15350–15969
 * of durability-0/history.jsonl, unchanged). The acks=0 producer's sends were all `ok` (handed to
 * the socket, no offset) by 371 s; the final read of partition 0 at 373 s returned offsets 0–221,
 * the replay at 374 s offsets 0–250: 29 acks=0 records still in flight when the final read took
 * its end offsets became visible after it.
 */
const K44_SEED_11: Op[] = gunzipSync(
  readFileSync(new URL('./fixtures/k44-seed11-durability-cut-client.jsonl.gz', import.meta.url)),
)
  .toString('utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Op);

const TOPIC = 'durability-5-cut-client';
const clone = (ops: readonly Op[]): Op[] => JSON.parse(JSON.stringify(ops)) as Op[];
/** The replay's poll of partition 0 of the recorded topic. */
const replayPoll = (ops: Op[]): RecordRef[] => {
  const at = ops.findIndex(
    (o) =>
      o.process === REPLAY_READ &&
      o.type === 'invoke' &&
      (o.value as RecordRef).topic === TOPIC &&
      (o.value as RecordRef).partition === 0,
  );
  return (ops[at + 1]!.value as { records: RecordRef[] }).records;
};
/** Positions of the invocation and completion of the acks=0 send with sequence number `seq`. */
const sendOf = (ops: Op[], seq: number): [number, number] => {
  const at = (type: string) =>
    ops.findIndex(
      (o) =>
        o.f === 'send' &&
        o.type === type &&
        o.process === 'durability-5-acks=0' &&
        (o.value as RecordRef).value!.endsWith(`"seq":${seq}}`),
    );
  return [at('invoke'), at('ok')];
};

describe('replay running on past the final read (recorded kafka@4.4.0 seed 11)', () => {
  it('the recorded run: the final read stopped at 222 records, the replay read 251', () => {
    expect(replayPoll(clone(K44_SEED_11))).toHaveLength(251);
    const final = K44_SEED_11.find(
      (o) =>
        o.process === 'final-read' &&
        o.type === 'ok' &&
        (o.value as { records: RecordRef[] }).records[0]?.topic === TOPIC,
    );
    expect((final!.value as { records: RecordRef[] }).records).toHaveLength(222);
  });

  it('passes: every record past the final read was an acks=0 send, never acknowledged', () => {
    const r = checkReplay(K44_SEED_11);
    expect(r).toMatchObject({ valid: true, count: 0 });
    expect(r.summary).toContain('29 more past the final read');
  });

  it('fails when one of those records had been acknowledged with an offset before the final read took its end offsets', () => {
    const ops = clone(K44_SEED_11);
    const [, ok] = sendOf(ops, 230);
    ops[ok] = { ...ops[ok]!, value: { ...(ops[ok]!.value as object), offset: 230, acks: 1 } };
    const r = checkReplay(ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({
      partition: `${TOPIC}/0`,
      position: 230,
      firstRead: null,
      replay: { offset: 230 },
      reason: expect.stringContaining('acknowledged before the final read'),
      acknowledged: { index: ops[ok]!.index },
    });
  });

  it('fails when no send in the history accounts for a record past the final read', () => {
    const ops = clone(K44_SEED_11);
    replayPoll(ops)[240]!.value = '{"run":"durability-0","p":"durability-5-acks=0","seq":9999}';
    expect(checkReplay(ops).witnesses[0]).toMatchObject({
      position: 240,
      replay: { offset: 240 },
      reason: expect.stringContaining('no send'),
    });
  });

  it('fails when the send of such a record is missing from the history', () => {
    const ops = clone(K44_SEED_11);
    const [invoke, ok] = sendOf(ops, 222);
    ops.splice(ok, 1);
    ops.splice(invoke, 1);
    expect(checkReplay(ops).witnesses[0]).toMatchObject({
      position: 222,
      replay: { offset: 222 },
      reason: expect.stringContaining('no send'),
    });
  });

  it('fails when a record past the final read does not follow the partition’s last offset', () => {
    const ops = clone(K44_SEED_11);
    replayPoll(ops)[225]!.offset = 200;
    expect(checkReplay(ops).witnesses[0]).toMatchObject({
      position: 225,
      replay: { offset: 200 },
      reason: expect.stringContaining('offset'),
    });
  });

  it('still fails on a difference within the final read’s range', () => {
    const ops = clone(K44_SEED_11);
    replayPoll(ops)[100]!.value = 'changed';
    expect(checkReplay(ops).witnesses[0]).toMatchObject({
      position: 100,
      firstRead: { offset: 100 },
      replay: { offset: 100, value: 'changed' },
    });
  });
});

describe('replay running on (hand-made histories)', () => {
  const log = [rec(0, 'a'), rec(1, 'b')];
  const more = rec(2, 'c');

  it('accepts a record from a send still pending, timed out or failed when the final read began', () => {
    const pending = new Builder();
    pending.h.invoke('p', SEND, { topic: 't', partition: 0, key: null, value: 'c' });
    expect(checkReplay(pending.final(log).replay([...log, more]).ops).valid).toBe(true);
    expect(
      checkReplay(
        new Builder()
          .send('p', more, 'info')
          .final(log)
          .replay([...log, more]).ops,
      ).valid,
    ).toBe(true);
    expect(
      checkReplay(
        new Builder()
          .send('p', more, 'fail')
          .final(log)
          .replay([...log, more]).ops,
      ).valid,
    ).toBe(true);
  });

  it('accepts a record acknowledged only after the final read took its end offsets', () => {
    const b = new Builder();
    const done = b.h.invoke('p', SEND, { topic: 't', partition: 0, key: null, value: 'c' });
    b.final(log);
    done.ok(more);
    expect(checkReplay(b.replay([...log, more]).ops).valid).toBe(true);
  });

  it('flags a record acknowledged (acks=1 or all) before the final read', () => {
    const r = checkReplay(
      new Builder()
        .send('p', more)
        .final(log)
        .replay([...log, more]).ops,
    );
    expect(r.witnesses[0]).toMatchObject({
      partition: 't/0',
      position: 2,
      replay: { value: 'c' },
      reason: expect.stringContaining('acknowledged before'),
    });
  });

  it('accepts an acks=0 record (ok without an offset) sent before the final read', () => {
    expect(
      checkReplay(
        new Builder()
          .send('p', { ...more, offset: -1 }, 'ok', { acks: 0 })
          .final(log)
          .replay([...log, more]).ops,
      ).valid,
    ).toBe(true);
  });

  it('flags a record whose only unacknowledged send went to another partition', () => {
    const r = checkReplay(
      new Builder()
        .send('p', { ...more, partition: 1, offset: -1 }, 'ok', { acks: 0 })
        .final(log)
        .replay([...log, more]).ops,
    );
    expect(r.witnesses[0]).toMatchObject({ partition: 't/0', reason: expect.stringContaining('no send') });
  });

  it('at read_committed, owes a transactional record only once its commit was invoked before the final read', () => {
    const committed = { from: 'beginning', isolation: 'read_committed' };
    const txn = { txn: { id: 'tx-1' } };
    const late = new Builder().send('p', more, 'ok', txn).final(log).endTxn('p', 'tx-1', 'commit');
    expect(checkReplay(late.poll(REPLAY_READ, [...log, more], committed).ops).valid).toBe(true);
    const early = new Builder()
      .send('p', more, 'ok', txn)
      .endTxn('p', 'tx-1', 'commit')
      .final(log)
      .poll(REPLAY_READ, [...log, more], committed);
    expect(checkReplay(early.ops).witnesses[0]).toMatchObject({
      position: 2,
      reason: expect.stringContaining('acknowledged before'),
    });
  });

  it('flags a record of an aborted transaction that a read_committed replay ran on with', () => {
    const b = new Builder()
      .send('p', more, 'ok', { txn: { id: 'tx-2' } })
      .endTxn('p', 'tx-2', 'abort')
      .final(log);
    const r = checkReplay(b.poll(REPLAY_READ, [...log, more], { from: 'beginning', isolation: 'read_committed' }).ops);
    expect(r.witnesses[0]).toMatchObject({
      position: 2,
      reason: expect.stringContaining('aborted transaction'),
      transaction: 'tx-2',
    });
  });

  it('judges against the final read of the record’s own topic, not the first final read of the run', () => {
    // The send was acknowledged after the final read of topic t began but before that of topic u.
    const u = (offset: number, value: string): RecordRef => ({ ...rec(offset, value), topic: 'u' });
    const b = new Builder().final(log).send('p', u(1, 'late'));
    b.h.invoke(FINAL_READ, POLL, { topic: 'u', partition: 0 }).ok({ records: [u(0, 'first')] });
    b.replay([...log, u(0, 'first'), u(1, 'late')]);
    expect(checkReplay(b.ops).witnesses[0]).toMatchObject({
      partition: 'u/0',
      position: 1,
      reason: expect.stringContaining('acknowledged before'),
    });
  });
});
