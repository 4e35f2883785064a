import { describe, expect, it } from 'vitest';
import type { Op } from './history.ts';
import { HistoryValidator, validateHistory } from './history-validator.ts';

const op = (
  index: number,
  process: string | number,
  type: Op['type'],
  f: string,
  value: unknown = {},
  time = index,
): Op => ({ index, time, process, type, f, value });
const rec = (offset: number, partition = 0) => ({ topic: 't', partition, offset, key: null, value: 'v' });

describe('validateHistory', () => {
  it("accepts pipelined ops: each completion closes its process's oldest open op of that kind", () => {
    const ops = [
      op(0, 'p', 'invoke', 'send'),
      op(1, 'p', 'invoke', 'send'),
      op(2, 'p', 'invoke', 'poll'),
      op(3, 'p', 'ok', 'send', rec(0)),
      op(4, 'p', 'ok', 'poll', { records: [] }),
      op(5, 'p', 'info', 'send'),
    ];
    expect(validateHistory(ops)).toEqual([]);
  });

  it('accepts -1 as an acknowledged offset (not reported: acks=0)', () => {
    expect(validateHistory([op(0, 0, 'invoke', 'send'), op(1, 0, 'ok', 'send', rec(-1))])).toEqual([]);
  });

  it('finds a completion without its invoke', () => {
    expect(validateHistory([op(0, 0, 'invoke', 'send'), op(1, 1, 'ok', 'send', rec(0))])).toEqual([
      {
        line: 2,
        problem: expect.stringContaining(
          'ok send of process 1 completes nothing: no invoke of it is open before this line',
        ),
      },
    ]);
    // an invoke of another kind does not count
    expect(validateHistory([op(0, 0, 'invoke', 'poll'), op(1, 0, 'fail', 'send')])[0]).toMatchObject({
      line: 2,
      problem: expect.stringContaining('fail send of process 0 completes nothing'),
    });
  });

  it('finds a completion before its invoke, in the file or in time', () => {
    expect(validateHistory([op(1, 'c', 'ok', 'poll', { records: [] }), op(0, 'c', 'invoke', 'poll')])[0]).toMatchObject(
      { line: 1, problem: expect.stringContaining('completes nothing') },
    );
    expect(validateHistory([op(0, 'c', 'invoke', 'send', {}, 50), op(1, 'c', 'ok', 'send', rec(0), 20)])).toEqual([
      { line: 2, problem: 'ok send of process "c" completes at time 20, before its invoke at line 1 (time 50)' },
    ]);
  });

  it('finds an index used twice, or a negative one', () => {
    expect(validateHistory([op(0, 0, 'invoke', 'send'), op(0, 0, 'ok', 'send', rec(0))])).toEqual([
      { line: 2, problem: 'index 0 is used twice (first at line 1)' },
    ]);
    expect(validateHistory([op(-3, 0, 'invoke', 'send')])).toEqual([{ line: 1, problem: 'index -3 is negative' }]);
  });

  it('finds offsets and partitions no log has', () => {
    expect(validateHistory([op(0, 0, 'invoke', 'send'), op(1, 0, 'ok', 'send', rec(-5))])).toEqual([
      {
        line: 2,
        problem:
          'acknowledged send has offset -5: offsets are 0 or more (-1 only for "not reported", as an acks=0 send)',
      },
    ]);
    expect(validateHistory([op(0, 0, 'invoke', 'send'), op(1, 0, 'ok', 'send', rec(3, -2))])[0]!.problem).toBe(
      'acknowledged send has partition -2: partitions are numbered from 0',
    );
    expect(
      validateHistory([op(0, 'r', 'invoke', 'poll'), op(1, 'r', 'ok', 'poll', { records: [rec(0), rec(-1)] })])[0]!
        .problem,
    ).toBe('polled record 1 has offset -1: a record read from a log has an offset of 0 or more');
  });

  it('finds an empty history', () => {
    expect(validateHistory([])).toEqual([
      { line: 0, problem: 'the history has no ops (an empty history cannot be checked)' },
    ]);
    expect(new HistoryValidator().finish()).toContain('no ops');
  });
});
