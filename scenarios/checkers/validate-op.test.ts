import { describe, expect, it } from 'vitest';
import { validateOp } from './validate-op.ts';

const op = (o: object) => ({ index: 0, time: 1.5, process: 0, type: 'invoke', f: 'x', value: null, ...o });

describe('validateOp', () => {
  it('accepts the ops the recorder writes', () => {
    expect(validateOp(op({}))).toBeNull();
    expect(
      validateOp(op({ type: 'ok', f: 'send', value: { topic: 't', partition: 0, offset: 3, key: null, value: 'v' } })),
    ).toBeNull();
    expect(validateOp(op({ type: 'info', f: 'send', value: { topic: 't' }, error: 'timed out' }))).toBeNull();
    expect(
      validateOp(
        op({
          type: 'ok',
          f: 'poll',
          process: 'final-read',
          value: { records: [{ topic: 't', partition: 0, offset: 0, value: 'v' }] },
        }),
      ),
    ).toBeNull();
    expect(validateOp(op({ f: 'end-txn', value: { id: 'x', outcome: 'abort' } }))).toBeNull();
    expect(
      validateOp(op({ type: 'ok', f: 'txn-begin', value: { id: 'x', transactionalId: 'p', producerId: 7, epoch: 0 } })),
    ).toBeNull();
    expect(validateOp(op({ value: { expect: { errorCode: [0, 45] } } }))).toBeNull();
    expect(
      validateOp(op({ type: 'ok', f: 'plan', process: 'scenario', value: { scenario: 'seed', message: 'm' } })),
    ).toBeNull();
    expect(
      validateOp(
        op({ type: 'ok', f: 'end-offsets', process: 'final-read', value: { topic: 't', ends: { 0: 4, 1: 0 } } }),
      ),
    ).toBeNull();
  });

  it.each([
    ['[]', []],
    ['index', { index: 'a' }],
    ['time', { time: null }],
    ['process', { process: {} }],
    ['type', { type: 'done' }],
    ['f', { f: 3 }],
    ['error', { error: 5 }],
    ['value.partition', { type: 'ok', f: 'send', value: { topic: 't', offset: 1 } }],
    ['value.key', { type: 'ok', f: 'send', value: { topic: 't', partition: 0, offset: 1, key: 7 } }],
    ['value.records', { type: 'ok', f: 'poll', value: {} }],
    [
      'records[1]',
      {
        type: 'ok',
        f: 'poll',
        value: {
          records: [
            { topic: 't', partition: 0, offset: 0 },
            { topic: 't', partition: 0, offset: 'x' },
          ],
        },
      },
    ],
    ['isolation', { f: 'poll', value: { isolation: 'serializable' } }],
    ['txn', { f: 'send', value: { txn: 'x' } }],
    ['outcome', { f: 'send', value: { txn: { id: 1, outcome: 'maybe' } } }],
    ['expect', { value: { expect: { errorCode: 'OUT_OF_ORDER' } } }],
    ['errorCode', { type: 'fail', value: { errorCode: 1.5 } }],
    ['end-txn', { f: 'end-txn', value: { id: 'x' } }],
    ['plan', { type: 'ok', f: 'plan', value: { name: 'seed' } }],
    ['txn-begin', { f: 'txn-begin', value: { id: 'x' } }],
    ['producerId', { type: 'ok', f: 'txn-begin', value: { id: 'x', transactionalId: 'p', producerId: 'seven' } }],
    ['value.ends[0]', { type: 'ok', f: 'end-offsets', value: { topic: 't', ends: { 0: -1 } } }],
    ['partition "a"', { type: 'ok', f: 'end-offsets', value: { topic: 't', ends: { a: 1 } } }],
  ])('names the problem: %s', (what, bad) => {
    const problem = validateOp(Array.isArray(bad) ? bad : op(bad));
    expect(problem).not.toBeNull();
    if (what !== '[]') expect(problem).toContain(what);
  });
});
