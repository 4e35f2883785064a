/**
 * Test support (not a test): builds uncompressed record batches v2 the way a producer would
 * send them, header and CRC-32C correct, with filler bytes where the records would be (the log
 * never decodes records), and temp directories that tests remove.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '../../protocol/records/crc32c.ts';
import {
  ATTRIBUTES_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  BASE_SEQUENCE_OFFSET,
  RECORDS_COUNT_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
} from '../../protocol/records/batch-header.ts';

/** What a test batch looks like. */
export interface TestBatch {
  /** Records (offsets) in the batch; default 1. */
  records?: number;
  /** maxTimestamp (and baseTimestamp); default 1000. */
  timestamp?: number;
  /** Filler bytes after the header; default 16. */
  payloadBytes?: number;
  /** Sets the LogAppendTime timestamp type. */
  logAppendTime?: boolean;
  /** Filler byte value; default 0x5a. */
  fill?: number;
}

/** One batch with a valid CRC, baseOffset 0 and leader epoch -1 (the log sets both). */
export function makeBatch(spec: TestBatch = {}): Buffer {
  const records = spec.records ?? 1;
  const ts = spec.timestamp ?? 1000;
  const size = RECORD_BATCH_OVERHEAD + (spec.payloadBytes ?? 16);
  const b = Buffer.alloc(size, spec.fill ?? 0x5a);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(size - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  b.writeInt32BE(-1, PARTITION_LEADER_EPOCH_OFFSET);
  b.writeInt8(2, MAGIC_OFFSET);
  b.writeInt16BE(spec.logAppendTime ? TIMESTAMP_TYPE_MASK : 0, ATTRIBUTES_OFFSET);
  b.writeInt32BE(records - 1, LAST_OFFSET_DELTA_OFFSET);
  b.writeBigInt64BE(BigInt(ts), BASE_TIMESTAMP_OFFSET);
  b.writeBigInt64BE(BigInt(ts), MAX_TIMESTAMP_OFFSET);
  b.writeBigInt64BE(-1n, PRODUCER_ID_OFFSET);
  b.writeInt16BE(-1, PRODUCER_EPOCH_OFFSET);
  b.writeInt32BE(-1, BASE_SEQUENCE_OFFSET);
  b.writeInt32BE(records, RECORDS_COUNT_OFFSET);
  b.writeUInt32BE(crc32c(b, ATTRIBUTES_OFFSET), CRC_OFFSET);
  return b;
}

/** Several batches concatenated, as one produce request may carry them. */
export function makeBatches(specs: readonly TestBatch[]): Buffer {
  return Buffer.concat(specs.map(makeBatch));
}

/** Splits concatenated batches into [baseOffset, lastOffset] pairs, to check reads. */
export function batchRanges(buf: Buffer): [number, number][] {
  const out: [number, number][] = [];
  for (let pos = 0; pos < buf.length; ) {
    const base = Number(buf.readBigInt64BE(pos));
    out.push([base, base + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET)]);
    pos += buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  }
  return out;
}

/** A fresh temporary directory and its removal. */
export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'kconform-log-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
