import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/history/history.ts';
import { FinalReadBuilder } from './final-read.ts';

const op = (type: Op['type'], value: unknown): Op => ({
  index: 0,
  time: 0,
  process: 'final-read',
  type,
  f: 'poll',
  value,
});
const r = (topic: string, offset: number) => ({ topic, partition: 0, offset, key: null, value: `${topic}${offset}` });

describe('FinalReadBuilder', () => {
  it('keeps the final read’s rows and the replay’s polls', () => {
    const b = new FinalReadBuilder();
    b.read(5, op('ok', { records: [r('t', 0), r('t', 1)] }), 10);
    b.read(7, op('ok', { records: [] }), 12);
    b.read(9, op('ok', { records: [r('t', 2)] }), 14);
    b.replayed(3);
    b.replayed(4);
    const ix = b.finish([], 1, 2);
    expect(ix.rows).toEqual([10, 11, 14]);
    expect(ix.replay).toEqual([3, 4]);
    expect([ix.actor, ix.replayActor]).toEqual([1, 2]);
  });

  it('says per partition where the final read first named its topic (invocation or records), else where it began', () => {
    const b = new FinalReadBuilder();
    b.saw(4, op('invoke', {}));
    b.saw(5, op('ok', { records: [] }));
    b.read(5, op('ok', { records: [] }), 0);
    b.saw(6, op('invoke', { topic: 'u' }));
    b.saw(7, op('ok', { records: [r('t', 0)] }));
    b.read(7, op('ok', { records: [r('t', 0), r('v', 0)] }), 0);
    b.saw(8, op('invoke', { topic: 't' }));
    const ix = b.finish([{ topic: 't' }, { topic: 'u' }, { topic: 'v' }, { topic: 'w' }, { topic: 't' }], 0, -1);
    expect(ix.from).toEqual([7, 6, 7, 4, 7]);
  });

  it('says there is no final read or replay, and no position, when it never saw one', () => {
    const ix = new FinalReadBuilder().finish([{ topic: 't' }], -1, -1);
    expect(ix).toEqual({ rows: null, from: [-1], replay: null, actor: -1, replayActor: -1 });
  });
});
