import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { checkLongPoll, longPollAttempts } from './long-poll.ts';

/**
 * Recorded by `kconform run --target reference --brokers 3 --scenarios long-poll --faults
 * kill,pause,partition --seed 11` (values' padding shortened): node 3 is killed during the
 * min.bytes=262141 poll's first attempt (disturbed); in the second, the acks=all Produce waits
 * for the ISR (node 3 still in it, restarting) and is acknowledged at 13934 — after the Fetch
 * returned, empty, at max.wait.ms (10623). The record had not arrived when the Fetch answered.
 */
const SEED_11: Op[] = [
  { index: 0, time: 2305.685, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'pause', node: 1 } },
  { index: 1, time: 2308.486, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'pause', node: 1 } },
  { index: 2, time: 4805.838, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'resume', node: 1 } },
  { index: 3, time: 4809.156, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'resume', node: 1 } },
  {
    index: 4,
    time: 4867.348,
    process: 'long-poll-0',
    type: 'invoke',
    f: 'seek',
    value: { topic: 'long-poll', partition: 0, offset: 0 },
  },
  {
    index: 5,
    time: 4867.433,
    process: 'long-poll-0',
    type: 'ok',
    f: 'seek',
    value: { topic: 'long-poll', partition: 0, offset: 0 },
  },
  {
    index: 6,
    time: 4867.458,
    process: 'long-poll-0',
    type: 'invoke',
    f: 'poll',
    value: { topic: 'long-poll', partition: 0, offset: 0, maxWaitMs: 2000, minBytes: 1 },
  },
  {
    index: 7,
    time: 5168.331,
    process: 'long-poll-0',
    type: 'invoke',
    f: 'pending-check',
    value: { topic: 'long-poll', partition: 0, afterMs: 300 },
  },
  {
    index: 8,
    time: 5168.491,
    process: 'long-poll-0',
    type: 'ok',
    f: 'pending-check',
    value: { pending: true, afterMs: 301.0066659999993 },
  },
  {
    index: 9,
    time: 5430.227,
    process: 'long-poll-0-producer',
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'long-poll',
      partition: 0,
      key: null,
      value: '{"run":"lp11","partition":0,"attempt":0,"pad":"xxxx"}',
    },
  },
  {
    index: 10,
    time: 5449.051,
    process: 'long-poll-0',
    type: 'ok',
    f: 'poll',
    value: {
      records: [
        {
          topic: 'long-poll',
          partition: 0,
          offset: 0,
          key: null,
          value: '{"run":"lp11","partition":0,"attempt":0,"pad":"xxxx"}',
        },
      ],
      errorCode: 0,
      bytes: 437,
      afterMs: 581.4991149999996,
    },
  },
  {
    index: 11,
    time: 5449.788,
    process: 'long-poll-0-producer',
    type: 'ok',
    f: 'send',
    value: {
      topic: 'long-poll',
      partition: 0,
      offset: 0,
      key: null,
      value: '{"run":"lp11","partition":0,"attempt":0,"pad":"xxxx"}',
    },
  },
  {
    index: 12,
    time: 5480.489,
    process: 'long-poll-1',
    type: 'invoke',
    f: 'seek',
    value: { topic: 'long-poll', partition: 1, offset: 0 },
  },
  {
    index: 13,
    time: 5480.575,
    process: 'long-poll-1',
    type: 'ok',
    f: 'seek',
    value: { topic: 'long-poll', partition: 1, offset: 0 },
  },
  {
    index: 14,
    time: 5480.601,
    process: 'long-poll-1',
    type: 'invoke',
    f: 'poll',
    value: { topic: 'long-poll', partition: 1, offset: 0, maxWaitMs: 2000, minBytes: 262141 },
  },
  {
    index: 15,
    time: 5781.128,
    process: 'long-poll-1',
    type: 'invoke',
    f: 'pending-check',
    value: { topic: 'long-poll', partition: 1, afterMs: 300 },
  },
  {
    index: 16,
    time: 5781.253,
    process: 'long-poll-1',
    type: 'ok',
    f: 'pending-check',
    value: { pending: true, afterMs: 300.63880999999947 },
  },
  {
    index: 17,
    time: 6043.78,
    process: 'long-poll-1-producer',
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'long-poll',
      partition: 1,
      key: null,
      value: '{"run":"lp11","partition":1,"attempt":0,"pad":"xxxx"}',
    },
  },
  {
    index: 18,
    time: 6058.451,
    process: 'long-poll-1-producer',
    type: 'ok',
    f: 'send',
    value: {
      topic: 'long-poll',
      partition: 1,
      offset: 0,
      key: null,
      value: '{"run":"lp11","partition":1,"attempt":0,"pad":"xxxx"}',
    },
  },
  { index: 19, time: 6307.375, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'kill', node: 3 } },
  { index: 20, time: 6315.144, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'kill', node: 3 } },
  { index: 21, time: 6519.346, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'restart', node: 3 } },
  {
    index: 22,
    time: 7498.54,
    process: 'long-poll-1',
    type: 'ok',
    f: 'poll',
    value: {
      records: [
        {
          topic: 'long-poll',
          partition: 1,
          offset: 0,
          key: null,
          value: '{"run":"lp11","partition":1,"attempt":0,"pad":"xxxx"}',
        },
      ],
      errorCode: 0,
      bytes: 213,
      afterMs: 2017.9057289999992,
    },
  },
  {
    index: 23,
    time: 8620.808,
    process: 'long-poll-1',
    type: 'invoke',
    f: 'seek',
    value: { topic: 'long-poll', partition: 1, offset: 1 },
  },
  {
    index: 24,
    time: 8621.004,
    process: 'long-poll-1',
    type: 'ok',
    f: 'seek',
    value: { topic: 'long-poll', partition: 1, offset: 1 },
  },
  {
    index: 25,
    time: 8621.046,
    process: 'long-poll-1',
    type: 'invoke',
    f: 'poll',
    value: { topic: 'long-poll', partition: 1, offset: 1, maxWaitMs: 2000, minBytes: 262141 },
  },
  {
    index: 26,
    time: 8922.063,
    process: 'long-poll-1',
    type: 'invoke',
    f: 'pending-check',
    value: { topic: 'long-poll', partition: 1, afterMs: 300 },
  },
  {
    index: 27,
    time: 8922.214,
    process: 'long-poll-1',
    type: 'ok',
    f: 'pending-check',
    value: { pending: true, afterMs: 301.1452879999997 },
  },
  {
    index: 28,
    time: 9184.408,
    process: 'long-poll-1-producer',
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'long-poll',
      partition: 1,
      key: null,
      value: '{"run":"lp11","partition":1,"attempt":1,"pad":"xxxx"}',
    },
  },
  {
    index: 29,
    time: 10623.451,
    process: 'long-poll-1',
    type: 'ok',
    f: 'poll',
    value: { records: [], errorCode: 0, bytes: 0, afterMs: 2002.3755010000004 },
  },
  {
    index: 30,
    time: 13934.374,
    process: 'long-poll-1-producer',
    type: 'ok',
    f: 'send',
    value: {
      topic: 'long-poll',
      partition: 1,
      offset: 1,
      key: null,
      value: '{"run":"lp11","partition":1,"attempt":1,"pad":"xxxx"}',
    },
  },
  { index: 31, time: 14002.005, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'restart', node: 3 } },
];

/** One attempt of a long poll at `t0`: Fetch, pending check, Produce (acked `ackAt` ms in, or failed), Fetch answer at `returnAt`. */
function attempt(
  ops: Op[],
  partition: number,
  minBytes: number,
  t0: number,
  o: { returnAt: number; produceAt?: number; ackAt?: number | 'fail'; holds: boolean },
): void {
  const at = (ms: number) => t0 + ms;
  const value = `{"partition":${partition},"at":${t0}}`;
  const add = (time: number, process: string, type: Op['type'], f: string, v: unknown) =>
    ops.push({ index: 0, time, process, type, f, value: v });
  const p = `long-poll-${partition}`;
  add(at(-1), p, 'invoke', 'seek', { topic: 't', partition, offset: 0 });
  add(at(-1), p, 'ok', 'seek', { topic: 't', partition, offset: 0 });
  add(at(0), p, 'invoke', 'poll', { topic: 't', partition, offset: 0, maxWaitMs: 2000, minBytes });
  add(at(300), p, 'invoke', 'pending-check', { topic: 't', partition, afterMs: 300 });
  add(at(300), p, 'ok', 'pending-check', { pending: true, afterMs: 300 });
  const produceAt = o.produceAt ?? 400;
  add(at(produceAt), `${p}-producer`, 'invoke', 'send', { topic: 't', partition, key: null, value });
  const ack = () =>
    o.ackAt === 'fail'
      ? add(at(produceAt + 30_000), `${p}-producer`, 'fail', 'send', { topic: 't', partition, errorCode: 7 })
      : add(at(o.ackAt ?? produceAt + 10), `${p}-producer`, 'ok', 'send', {
          topic: 't',
          partition,
          offset: 0,
          key: null,
          value,
        });
  const ret = () =>
    add(at(o.returnAt), p, 'ok', 'poll', {
      records: o.holds ? [{ topic: 't', partition, offset: 0, key: null, value }] : [],
      errorCode: 0,
      afterMs: o.returnAt,
    });
  if (o.ackAt !== 'fail' && (o.ackAt ?? produceAt + 10) < o.returnAt) {
    ack();
    ret();
  } else {
    ret();
    ack();
  }
}

const build = (fill: (ops: Op[]) => void): Op[] => {
  const ops: Op[] = [];
  fill(ops);
  ops.sort((a, b) => a.time - b.time).forEach((op, i) => (op.index = i));
  return ops;
};

describe('long-poll', () => {
  it('finds the attempts of the recorded seed-11 run and which were disturbed', () => {
    const attempts = longPollAttempts(SEED_11);
    expect(attempts.map((a) => [a.partition, a.disturbed])).toEqual([
      [0, false],
      [1, true],
      [1, false],
    ]);
    expect(attempts[2]).toMatchObject({ minBytes: 262141, pendingAtCheck: true, records: [] });
    expect(attempts[2]!.ackedAtMs!).toBeGreaterThan(attempts[2]!.returnedAtMs!);
  });

  it('does not count a record as arrived before the history shows it acknowledged (seed 11 false alarm)', () => {
    const r = checkLongPoll(SEED_11);
    expect(r.summary).not.toContain('the record that had arrived');
    expect(r.valid).toBe('unknown');
  });

  it('passes a healthy pair of long polls', () => {
    const ops = build((o) => {
      attempt(o, 0, 1, 1000, { returnAt: 420, holds: true });
      attempt(o, 1, 100_000, 5000, { returnAt: 2005, holds: true });
    });
    expect(checkLongPoll(ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags a large-min.bytes fetch that left out a record acknowledged well before it returned', () => {
    const ops = build((o) => {
      attempt(o, 0, 1, 1000, { returnAt: 420, holds: true });
      attempt(o, 1, 100_000, 5000, { returnAt: 2005, holds: false });
    });
    expect(checkLongPoll(ops)).toMatchObject({
      valid: false,
      summary: expect.stringContaining('the record that had arrived'),
    });
  });

  it('flags a min.bytes=1 fetch that waited to max.wait.ms although its record was acknowledged at once', () => {
    const ops = build((o) => {
      attempt(o, 0, 1, 1000, { returnAt: 2001, holds: true });
      attempt(o, 1, 100_000, 5000, { returnAt: 2005, holds: true });
    });
    expect(checkLongPoll(ops)).toMatchObject({
      valid: false,
      summary: expect.stringContaining('ms after the produce was acknowledged'),
    });
  });

  it('judges a later attempt when the produce of an earlier one failed or was acknowledged only after the fetch returned', () => {
    const ops = build((o) => {
      attempt(o, 0, 1, 1000, { returnAt: 2001, ackAt: 'fail', holds: false });
      attempt(o, 0, 1, 40_000, { returnAt: 2001, ackAt: 5000, holds: false });
      attempt(o, 0, 1, 50_000, { returnAt: 420, holds: true });
      attempt(o, 1, 100_000, 60_000, { returnAt: 2005, ackAt: 3000, holds: false });
      attempt(o, 1, 100_000, 70_000, { returnAt: 2005, holds: true });
    });
    expect(checkLongPoll(ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('is valid without long polls, unknown when every attempt of a partition was disturbed', () => {
    expect(checkLongPoll([])).toMatchObject({ valid: true });
    const ops = build((o) => {
      attempt(o, 0, 1, 1000, { returnAt: 420, holds: true });
      attempt(o, 1, 100_000, 5000, { returnAt: 2005, holds: true });
      o.push({
        index: 0,
        time: 5500,
        process: 'nemesis',
        type: 'invoke',
        f: 'nemesis',
        value: { fault: 'kill', node: 3 },
      });
    });
    expect(checkLongPoll(ops)).toMatchObject({ valid: 'unknown' });
  });
});
