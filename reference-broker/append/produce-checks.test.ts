/** Kafka 4.4.0's request-level and validateRecords checks of a Produce request, as pure functions. */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { MAGIC_OFFSET } from '../../protocol/records/batch-header.ts';
import { batchAt, produceRequestError, validateProduceRecords } from './produce-checks.ts';

const T0 = 1_700_000_000_000;
const batch = (value = 'v') => buildRecordBatch([{ value, timestamp: T0 }]);
const txnBatch = () =>
  buildRecordBatch([{ value: 'txn', timestamp: T0 }], {
    producerId: 7,
    producerEpoch: 0,
    baseSequence: 0,
    transactional: true,
  });
const withMagic = (b: Buffer, magic: number) => {
  const c = Buffer.from(b);
  c[MAGIC_OFFSET] = magic;
  return c;
};

describe('batchAt (ByteBufferLogInputStream.nextBatch)', () => {
  it('finds a whole batch, the end of partial bytes, and refuses short lengths and unknown magics', () => {
    const b = batch();
    expect(batchAt(b)).toEqual({ kind: 'batch', size: b.length, magic: 2 });
    expect(batchAt(b.subarray(0, 40))).toEqual({ kind: 'end' });
    expect(batchAt(b.subarray(0, 11))).toEqual({ kind: 'end' });
    expect(batchAt(Buffer.concat([b, Buffer.from([1, 2, 3])]), b.length)).toEqual({ kind: 'end' });
    expect(batchAt(withMagic(b, 3)).kind).toBe('corrupt');
    // "not a record batch": its length field is huge, its magic byte is 'c'
    expect(batchAt(Buffer.from('not a record batch')).kind).toBe('corrupt');
    const short = Buffer.alloc(20);
    short.writeInt32BE(13, 8);
    expect(batchAt(short)).toMatchObject({
      kind: 'corrupt',
      message: expect.stringContaining('less than the minimum record overhead (14)'),
    });
  });
});

describe('produceRequestError (RequestUtils.hasTransactionalRecords in KafkaApis)', () => {
  it('fails the whole request on a corrupt first batch, whatever the topic', () => {
    expect(produceRequestError(null, [batch(), Buffer.from('not a record batch')])?.errorCode).toBe(
      ErrorCode.CORRUPT_MESSAGE,
    );
  });
  it('fails a transactional batch without a transactional id with TRANSACTIONAL_ID_AUTHORIZATION_FAILED', () => {
    expect(produceRequestError(null, [batch(), txnBatch()])?.errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
    expect(produceRequestError('tx-1', [txnBatch()])).toBeNull();
  });
  it('stops at the first transactional batch and skips null, partial and old-format record sets', () => {
    expect(produceRequestError('tx-1', [txnBatch(), Buffer.from('not a record batch')])).toBeNull();
    expect(
      produceRequestError(null, [null, batch().subarray(0, 40), withMagic(batch(), 1), Buffer.alloc(0)]),
    ).toBeNull();
  });
});

describe('validateProduceRecords (ProduceRequest.validateRecords)', () => {
  it('accepts one whole batch, with stray bytes after it', () => {
    expect(validateProduceRecords(13, batch())).toBeNull();
    expect(validateProduceRecords(13, Buffer.concat([batch(), Buffer.from([1, 2, 3])]))).toBeNull();
  });
  it('answers INVALID_RECORD for no whole batch (a truncated one too), an old magic, or two batches', () => {
    expect(validateProduceRecords(9, Buffer.alloc(0))?.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(validateProduceRecords(9, batch().subarray(0, 40))?.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(validateProduceRecords(9, withMagic(batch(), 1))?.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(validateProduceRecords(9, Buffer.concat([batch('a'), batch('b')]))?.errorCode).toBe(
      ErrorCode.INVALID_RECORD,
    );
  });
  it('answers CORRUPT_MESSAGE for a bad magic met while looking for the second batch', () => {
    const b = batch();
    expect(validateProduceRecords(9, Buffer.concat([b, withMagic(b, 9)]))?.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
  });
  it('refuses zstd before v7', () => {
    const z = buildRecordBatch([{ value: 'z', timestamp: T0 }], { compression: 'zstd' });
    expect(validateProduceRecords(6, z)?.errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(validateProduceRecords(7, z)).toBeNull();
  });
});
