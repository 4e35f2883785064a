import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { describeTxn, listTxns, type TxnListFilters } from './txn-admin.ts';
import { newTxnMetadata, type TxnMetadata } from './txn-metadata.ts';

function txn(id: string, over: Partial<TxnMetadata>): TxnMetadata {
  return { ...newTxnMetadata(id, 1000, 60_000, 0), producerEpoch: 0, ...over };
}

const NO_FILTER: TxnListFilters = { states: [], producerIds: [], durationMs: -1, transactionalIdPattern: null };
const NOW = 100_000;
const ALL = [
  txn('a', { producerId: 1, state: 'Empty' }),
  txn('b', { producerId: 2, state: 'Ongoing', txnStartTimestamp: NOW - 5_000 }),
  txn('c', { producerId: 3, state: 'CompleteCommit', txnStartTimestamp: NOW - 50_000 }),
  txn('dead', { producerId: 4, state: 'Dead' }),
];
const ids = (f: Partial<TxnListFilters>) =>
  listTxns(ALL, { ...NO_FILTER, ...f }, NOW, false).transactionStates.map((t) => t.transactionalId);

describe('describeTxn', () => {
  it('groups the partitions of an ongoing transaction by topic', () => {
    const m = txn('x', {
      producerId: 7,
      producerEpoch: 3,
      state: 'Ongoing',
      txnStartTimestamp: 42,
      partitions: [
        { topic: 't', partition: 1 },
        { topic: 'u', partition: 0 },
        { topic: 't', partition: 0 },
      ],
    });
    expect(describeTxn('x', m)).toEqual({
      errorCode: 0,
      transactionalId: 'x',
      transactionState: 'Ongoing',
      transactionTimeoutMs: 60_000,
      transactionStartTimeMs: 42n,
      producerId: 7n,
      producerEpoch: 3,
      topics: [
        { topic: 't', partitions: [1, 0] },
        { topic: 'u', partitions: [0] },
      ],
    });
  });

  it('answers the errors Kafka answers', () => {
    expect(describeTxn('', undefined).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(describeTxn('x', undefined).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(describeTxn('x', txn('x', { state: 'Dead' })).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(describeTxn('x', ErrorCode.NOT_COORDINATOR)).toMatchObject({
      errorCode: ErrorCode.NOT_COORDINATOR,
      transactionalId: 'x',
      producerId: 0n,
      producerEpoch: 0,
      transactionStartTimeMs: 0n,
      transactionState: '',
    });
  });
});

describe('listTxns', () => {
  it('lists every id but the Dead ones without filters', () => {
    expect(ids({})).toEqual(['a', 'b', 'c']);
  });

  it('filters by state, naming the unknown states', () => {
    const r = listTxns(ALL, { ...NO_FILTER, states: ['Ongoing', 'Bogus', 'PrepareEpochFence', 'Dead'] }, NOW, false);
    expect(r.transactionStates.map((t) => t.transactionalId)).toEqual(['b']);
    expect(r.unknownStateFilters).toEqual(['Bogus']);
    expect(ids({ states: ['ongoing'] })).toEqual([]);
  });

  it('filters by producer id and by duration (strictly longer than)', () => {
    expect(ids({ producerIds: [2n, 3n, 99n] })).toEqual(['b', 'c']);
    expect(ids({ durationMs: 5_000 })).toEqual(['a', 'c']);
    expect(ids({ durationMs: 4_999 })).toEqual(['a', 'b', 'c']);
  });

  it('matches the id pattern against the whole id', () => {
    expect(ids({ transactionalIdPattern: '[ab]' })).toEqual(['a', 'b']);
    expect(ids({ transactionalIdPattern: 'de' })).toEqual([]);
    expect(ids({ transactionalIdPattern: '' })).toEqual(['a', 'b', 'c']);
    expect(listTxns(ALL, { ...NO_FILTER, transactionalIdPattern: '(' }, NOW, false).errorCode).toBe(
      ErrorCode.INVALID_REGULAR_EXPRESSION,
    );
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while loading', () => {
    expect(listTxns(ALL, NO_FILTER, NOW, true)).toEqual({
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      unknownStateFilters: [],
      transactionStates: [],
    });
  });
});
