/**
 * Pre-built Produce requests for the raw load driver: one record batch is encoded (and
 * compressed) once per shape — partition and record count — and every request of that shape
 * reuses its bytes. Only what must change per request is written: the correlation id (in a
 * 12-byte head written before the shared body) and, for an idempotent producer, the batch's base
 * sequence, after which the CRC-32C is recomputed over a copy (the CRC covers the sequence).
 */
import { encodeRequest } from '../../../protocol/messages/frame-codec.ts';
import { ApiKey } from '../../../protocol/messages/generated/api-keys.ts';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CRC_OFFSET,
  type CompressionName,
} from '../../../protocol/records/batch-header.ts';
import { buildRecordBatch } from '../../../protocol/records/batch-builder.ts';
import { crc32c } from '../../../protocol/records/crc32c.ts';

/** Bytes of a request frame up to and including the correlation id: size, API key, version, correlation id. */
export const FRAME_HEAD = 12;

/** What every request of a run shares. */
export interface TemplateSettings {
  topic: string;
  /** Produce version to write (3-12: topics by name). */
  version: number;
  acks: number;
  timeoutMs: number;
  recordSize: number;
  compression: CompressionName;
  clientId: string;
  /** Set for an idempotent producer: the id and epoch InitProducerId gave. */
  producer?: { id: number; epoch: number };
}

/** One shape's bytes: `frame` is the whole request as encoded with correlation id 0. */
export interface ProduceTemplate {
  readonly partition: number;
  readonly records: number;
  /** The encoded request, size prefix included. */
  readonly frame: Buffer;
  /** Where the record batch starts in `frame`. */
  readonly batchAt: number;
  /** The record batch's length in bytes. */
  readonly batchLength: number;
}

/** The value every record carries: deterministic bytes, so a read-back can compare them. */
export function recordValue(size: number): Buffer {
  const v = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) v[i] = 97 + (i % 26);
  return v;
}

/** Encodes the request for `records` records to `partition`. */
export function buildProduceTemplate(s: TemplateSettings, partition: number, records: number): ProduceTemplate {
  const value = recordValue(s.recordSize);
  const batch = buildRecordBatch(
    Array.from({ length: records }, () => ({ key: null, value })),
    {
      compression: s.compression,
      producerId: s.producer?.id ?? -1,
      producerEpoch: s.producer?.epoch ?? -1,
      baseSequence: s.producer ? 0 : -1,
    },
  );
  const frame = encodeRequest(
    { apiKey: ApiKey.Produce, apiVersion: s.version, correlationId: 0, clientId: s.clientId },
    {
      transactionalId: null,
      acks: s.acks,
      timeoutMs: s.timeoutMs,
      topicData: [
        {
          name: s.topic,
          topicId: '00000000-0000-0000-0000-000000000000',
          partitionData: [{ index: partition, records: batch }],
        },
      ],
    },
  );
  // The batch is the request's last large field, followed by at most a few tagged-field bytes.
  const batchAt = frame.lastIndexOf(batch);
  if (batchAt < 0) throw new Error('record batch not found in its encoded request');
  return { partition, records, frame, batchAt, batchLength: batch.length };
}

/**
 * The bytes to write for one request: a fresh head with `correlationId`, then the body. Without
 * `baseSequence` the body is the template's own (shared, never written to: a socket may still
 * hold it); with one, a copy with the sequence and the CRC patched.
 */
export function requestBytes(t: ProduceTemplate, correlationId: number, baseSequence?: number): [Buffer, Buffer] {
  const head = Buffer.allocUnsafe(FRAME_HEAD);
  t.frame.copy(head, 0, 0, 8);
  head.writeInt32BE(correlationId, 8);
  if (baseSequence === undefined) return [head, t.frame.subarray(FRAME_HEAD)];
  const body = Buffer.from(t.frame.subarray(FRAME_HEAD));
  const at = t.batchAt - FRAME_HEAD;
  body.writeInt32BE(baseSequence, at + BASE_SEQUENCE_OFFSET);
  body.writeUInt32BE(crc32c(body, at + ATTRIBUTES_OFFSET, at + t.batchLength), at + CRC_OFFSET);
  return [head, body];
}

/** Caches one template per (partition, record count): encode once per shape. */
export class TemplateCache {
  private readonly byKey = new Map<number, ProduceTemplate>();
  private readonly settings: TemplateSettings;
  private readonly maxRecords: number;

  constructor(settings: TemplateSettings, maxRecords: number) {
    this.settings = settings;
    this.maxRecords = maxRecords;
  }

  /** The template for `records` (1..maxRecords) records to `partition`. */
  get(partition: number, records: number): ProduceTemplate {
    const key = partition * (this.maxRecords + 1) + records;
    let t = this.byKey.get(key);
    if (!t) {
      t = buildProduceTemplate(this.settings, partition, records);
      this.byKey.set(key, t);
    }
    return t;
  }

  /** Shapes encoded so far. */
  get size(): number {
    return this.byKey.size;
  }
}
