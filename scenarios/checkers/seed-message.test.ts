import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { checkSeedMessage } from './seed-message.ts';
import { Builder, rec } from './test-support.ts';

/** The seed scenario's mmr message (scenarios/seed.ts); checkers do not import scenarios. */
const MMR_MESSAGE =
  '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00002245","time":"1543207156000","value":"80"}],"ver":"1.0"}';

/**
 * Recorded by `kconform run --target reference --brokers 3 --scenarios all --faults
 * kill,pause,partition,restart --seed 14` (the seed scenario; sends in between and the final
 * read's later records left out): node 1 is killed before the first send, whose batch — the mmr
 * message and the first reading — ends `info` (ECONNREFUSED: never acknowledged); the first
 * acknowledged send is seq 75, at offset 0, which is what the final read returns first.
 */
const SEED_14: Op[] = [
  { index: 0, time: 4964.742, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'kill', node: 1 } },
  { index: 1, time: 5006.379, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'kill', node: 1 } },
  {
    index: 2,
    time: 5066.475,
    process: 0,
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00002245","time":"1543207156000","value":"80"}],"ver":"1.0"}',
    },
  },
  {
    index: 3,
    time: 5066.593,
    process: 0,
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00000000","time":"1799999999973","value":"71"}],"ver":"1.0","run":"seed-0","seq":0}',
    },
  },
  { index: 4, time: 7569.677, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'restart', node: 1 } },
  {
    index: 5,
    time: 8737.891,
    process: 0,
    type: 'info',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00002245","time":"1543207156000","value":"80"}],"ver":"1.0"}',
    },
    error: 'Connection error: connect ECONNREFUSED 10.213.222.11:9092',
  },
  {
    index: 6,
    time: 8738.103,
    process: 0,
    type: 'info',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00000000","time":"1799999999973","value":"71"}],"ver":"1.0","run":"seed-0","seq":0}',
    },
    error: 'Connection error: connect ECONNREFUSED 10.213.222.11:9092',
  },
  {
    index: 163,
    time: 31013.698,
    process: 0,
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-57182049","time":"1590454830895","value":"52"}],"ver":"1.0","run":"seed-0","seq":75}',
    },
  },
  {
    index: 164,
    time: 31013.803,
    process: 0,
    type: 'invoke',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"pressure","producer":"ijinus","sn":"IJA0101-07816391","time":"1501068031812","value":"5"}],"ver":"1.0","run":"seed-0","seq":76}',
    },
  },
  {
    index: 170,
    time: 34888.123,
    process: 0,
    type: 'ok',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      offset: 0,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-57182049","time":"1590454830895","value":"52"}],"ver":"1.0","run":"seed-0","seq":75}',
    },
  },
  {
    index: 171,
    time: 34888.221,
    process: 0,
    type: 'ok',
    f: 'send',
    value: {
      topic: 'mmr',
      partition: 0,
      offset: 1,
      key: null,
      value:
        '{"datas":[{"channel":"","metric":"pressure","producer":"ijinus","sn":"IJA0101-07816391","time":"1501068031812","value":"5"}],"ver":"1.0","run":"seed-0","seq":76}',
    },
  },
  {
    index: 342,
    time: 69339.674,
    process: 'final-read',
    type: 'invoke',
    f: 'poll',
    value: { topic: 'mmr', partition: 0, from: 'beginning', isolation: 'read_committed' },
  },
  {
    index: 343,
    time: 69339.774,
    process: 'final-read',
    type: 'ok',
    f: 'poll',
    value: {
      records: [
        {
          topic: 'mmr',
          partition: 0,
          offset: 0,
          key: null,
          value:
            '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-57182049","time":"1590454830895","value":"52"}],"ver":"1.0","run":"seed-0","seq":75}',
        },
        {
          topic: 'mmr',
          partition: 0,
          offset: 1,
          key: null,
          value:
            '{"datas":[{"channel":"","metric":"pressure","producer":"ijinus","sn":"IJA0101-07816391","time":"1501068031812","value":"5"}],"ver":"1.0","run":"seed-0","seq":76}',
        },
      ],
    },
  },
];

describe('seed-message', () => {
  it('passes, saying it was not owed, when the mmr send was never acknowledged (seed 14 false alarm)', () => {
    const r = checkSeedMessage(SEED_14, MMR_MESSAGE);
    expect(r.valid).toBe(true);
    expect(r.summary).toContain(
      'not owed: the mmr send was never acknowledged (Connection error: connect ECONNREFUSED',
    );
  });

  it('passes when the mmr send failed with an error answer and the message is not in the log', () => {
    const b = new Builder()
      .send(0, rec(0, MMR_MESSAGE), 'fail')
      .send(0, rec(0, 'reading'))
      .final([rec(0, 'reading')]);
    expect(checkSeedMessage(b.ops, MMR_MESSAGE)).toMatchObject({
      valid: true,
      summary: expect.stringContaining('not owed'),
    });
  });

  it('cannot decide when the mmr message was never sent', () => {
    const b = new Builder().send(0, rec(0, 'reading')).final([rec(0, 'reading')]);
    expect(checkSeedMessage(b.ops, MMR_MESSAGE)).toMatchObject({ valid: 'unknown' });
  });

  it('passes when the mmr message is read back first', () => {
    const b = new Builder()
      .send(0, rec(0, MMR_MESSAGE))
      .send(0, rec(1, 'reading'))
      .final([rec(0, MMR_MESSAGE), rec(1, 'reading')]);
    expect(checkSeedMessage(b.ops, MMR_MESSAGE)).toMatchObject({ valid: true });
  });

  it('passes when an unacknowledged mmr message was written anyway and read back first', () => {
    const b = new Builder()
      .send(0, rec(0, MMR_MESSAGE), 'info')
      .send(0, rec(1, 'reading'))
      .final([rec(0, MMR_MESSAGE), rec(1, 'reading')]);
    expect(checkSeedMessage(b.ops, MMR_MESSAGE)).toMatchObject({ valid: true });
  });

  it('flags an acknowledged mmr message that is not the first record read', () => {
    const b = new Builder()
      .send(0, rec(0, MMR_MESSAGE))
      .send(0, rec(1, 'reading'))
      .final([rec(1, 'reading')]);
    expect(checkSeedMessage(b.ops, MMR_MESSAGE)).toMatchObject({
      valid: false,
      summary: 'the first record read is not the mmr message',
    });
  });
});
