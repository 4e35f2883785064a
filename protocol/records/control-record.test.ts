import { describe, expect, it } from 'vitest';
import { DecodeError } from '../primitives/index.ts';
import {
  buildEndTxnMarkerBatch,
  decodeControlRecord,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
} from './control-record.ts';
import { decodeRecordBatch, isControlBatch, isTransactional } from './record-batch.ts';
import type { KafkaRecord } from './records-codec.ts';

const record = (key: Buffer | null, value: Buffer | null): KafkaRecord => ({
  attributes: 0,
  timestampDelta: 0,
  offsetDelta: 0,
  key,
  value,
  headers: [],
});

describe('control records', () => {
  it('encodes keys as version int16 + type int16', () => {
    expect([...encodeControlRecordKey('abort')]).toEqual([0, 0, 0, 0]);
    expect([...encodeControlRecordKey('commit')]).toEqual([0, 0, 0, 1]);
    expect([...encodeControlRecordKey(2, 1)]).toEqual([0, 1, 0, 2]);
    expect([...encodeEndTxnMarkerValue(258)]).toEqual([0, 0, 0, 0, 1, 2]);
  });

  it('decodes commit and abort markers with their coordinator epoch', () => {
    expect(decodeControlRecord(record(encodeControlRecordKey('commit'), encodeEndTxnMarkerValue(7)))).toEqual({
      version: 0,
      type: 1,
      name: 'commit',
      coordinatorEpoch: 7,
    });
    expect(decodeControlRecord(record(encodeControlRecordKey('abort'), encodeEndTxnMarkerValue(0)))).toMatchObject({
      name: 'abort',
      coordinatorEpoch: 0,
    });
  });

  it('keeps other and unknown types by number, and newer key versions', () => {
    expect(decodeControlRecord(record(encodeControlRecordKey('leaderChange'), Buffer.from([1, 2, 3])))).toEqual({
      version: 0,
      type: 2,
      name: 'leaderChange',
    });
    expect(decodeControlRecord(record(encodeControlRecordKey(99, 3), null))).toEqual({
      version: 3,
      type: 99,
      name: 'unknown',
    });
  });

  it('refuses short keys and values and negative versions, as Kafka does', () => {
    expect(() => decodeControlRecord(record(Buffer.from([0, 0, 0]), null))).toThrow(DecodeError);
    expect(() => decodeControlRecord(record(null, null))).toThrow(DecodeError);
    expect(() => decodeControlRecord(record(encodeControlRecordKey(0, -1), encodeEndTxnMarkerValue(1)))).toThrow(
      /invalid control record version/,
    );
    expect(() => decodeControlRecord(record(encodeControlRecordKey('commit'), Buffer.from([0, 0, 1])))).toThrow(
      /6 bytes/,
    );
    expect(() => decodeControlRecord(record(encodeControlRecordKey('commit'), encodeEndTxnMarkerValue(1, -2)))).toThrow(
      /marker version/,
    );
  });

  it('builds the marker batch a coordinator writes: transactional, control, one record', () => {
    const batch = decodeRecordBatch(
      buildEndTxnMarkerBatch({
        commit: false,
        producerId: 44,
        producerEpoch: 3,
        coordinatorEpoch: 6,
        timestamp: 123,
        baseOffset: 10,
      }),
    );
    expect(isControlBatch(batch.attributes) && isTransactional(batch.attributes)).toBe(true);
    expect(batch).toMatchObject({
      baseOffset: 10,
      producerId: 44,
      producerEpoch: 3,
      baseSequence: -1,
      baseTimestamp: 123,
      maxTimestamp: 123,
      lastOffsetDelta: 0,
    });
    expect(batch.records).toHaveLength(1);
    expect(decodeControlRecord(batch.records[0]!)).toEqual({ version: 0, type: 0, name: 'abort', coordinatorEpoch: 6 });
  });
});
