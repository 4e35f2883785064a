import { DecodeError } from '../primitives/index.ts';
import { CONTROL_FLAG_MASK, TRANSACTIONAL_FLAG_MASK } from './batch-header.ts';
import { encodeRecordBatch } from './record-batch.ts';
import type { KafkaRecord } from './records-codec.ts';

/**
 * Control records: the records of a control batch (attributes bit 5), written by the broker,
 * never by clients. The key is `version int16 | type int16`; for transaction markers
 * (abort/commit) the value is `version int16 | coordinatorEpoch int32` (EndTransactionMarker).
 */

/** Control record types, as Kafka's ControlRecordType numbers them. */
export const ControlRecordType = {
  abort: 0,
  commit: 1,
  leaderChange: 2,
  snapshotHeader: 3,
  snapshotFooter: 4,
  kraftVersion: 5,
  kraftVoters: 6,
} as const;
export type ControlRecordName = keyof typeof ControlRecordType;

const NAMES = Object.keys(ControlRecordType) as ControlRecordName[];

/** A decoded control record. */
export interface ControlRecord {
  version: number;
  /** The type number; types this code does not know keep their number with name 'unknown'. */
  type: number;
  name: ControlRecordName | 'unknown';
  /** For abort and commit markers: the transaction coordinator's epoch. */
  coordinatorEpoch?: number;
}

/** The 4-byte key of a control record of `type` (key version 0 unless given). */
export function encodeControlRecordKey(type: ControlRecordName | number, version = 0): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(version, 0);
  key.writeInt16BE(typeof type === 'number' ? type : ControlRecordType[type], 2);
  return key;
}

/** The 6-byte value of an abort/commit marker (EndTransactionMarker version 0). */
export function encodeEndTxnMarkerValue(coordinatorEpoch: number, version = 0): Buffer {
  const value = Buffer.alloc(6);
  value.writeInt16BE(version, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/**
 * Reads a control record's key (and, for transaction markers, its value) with the checks
 * Kafka's ControlRecordType.parse and EndTransactionMarker.deserializeValue make.
 * @throws DecodeError on a short key or value, or a negative version
 */
export function decodeControlRecord(record: KafkaRecord): ControlRecord {
  const key = record.key;
  if (key === null || key.length < 4) {
    throw new DecodeError(
      `control record key needs 4 bytes, found ${key === null ? 'null' : key.length}`,
      'ControlRecord.Key',
      0,
    );
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new DecodeError(`invalid control record version ${version}`, 'ControlRecord.Key.Version', 0);
  const type = key.readInt16BE(2);
  const name = type >= 0 && type < NAMES.length ? NAMES[type]! : 'unknown';
  const out: ControlRecord = { version, type, name };
  if (name === 'abort' || name === 'commit') {
    const value = record.value;
    if (value === null || value.length < 6) {
      throw new DecodeError(
        `end transaction marker value needs 6 bytes, found ${value === null ? 'null' : value.length}`,
        'EndTxnMarker',
        0,
      );
    }
    const markerVersion = value.readInt16BE(0);
    if (markerVersion < 0)
      throw new DecodeError(`invalid end transaction marker version ${markerVersion}`, 'EndTxnMarker.Version', 0);
    out.coordinatorEpoch = value.readInt32BE(2);
  }
  return out;
}

/** What a transaction marker batch needs. */
export interface EndTxnMarkerOptions {
  commit: boolean;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** Marker timestamp; default Date.now(). */
  timestamp?: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

/**
 * Encodes the one-record control batch that commits or aborts a producer's transaction on a
 * partition, as Kafka's MemoryRecords.withEndTransactionMarker lays it out.
 */
export function buildEndTxnMarkerBatch(opts: EndTxnMarkerOptions): Buffer {
  const timestamp = opts.timestamp ?? Date.now();
  return encodeRecordBatch({
    baseOffset: opts.baseOffset ?? 0,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    attributes: TRANSACTIONAL_FLAG_MASK | CONTROL_FLAG_MASK,
    lastOffsetDelta: 0,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: -1,
    records: [
      {
        attributes: 0,
        timestampDelta: 0,
        offsetDelta: 0,
        key: encodeControlRecordKey(opts.commit ? 'commit' : 'abort'),
        value: encodeEndTxnMarkerValue(opts.coordinatorEpoch),
        headers: [],
      },
    ],
  });
}
