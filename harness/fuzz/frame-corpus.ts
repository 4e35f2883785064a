import { encodeRequest } from '../../protocol/messages/frames.ts';
import { REQUESTS } from '../../protocol/messages/generated/index.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import type { CompressionName } from '../../protocol/records/batch-header.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { createTopicBody, fetchBody, listOffsetsBody, produceBody } from '../drivers/request-bodies.ts';

/** A valid request frame and where its fields are, so a mutation can break exactly one of them. */
export interface CorpusFrame {
  /** The whole frame, size prefix included. */
  readonly bytes: Buffer;
  readonly apiKey: number;
  readonly apiVersion: number;
  /** Request header v2 (tagged fields, compact body encodings). */
  readonly flexible: boolean;
  /** Offset of the request body in the frame (after size prefix and header). */
  readonly bodyAt: number;
  /** Offsets in the frame of single-byte compact lengths (uvarints of compact strings and arrays). */
  readonly compactAt: readonly number[];
  /** The record batch of a Produce: its offset in the frame, its length and codec. */
  readonly batch?: { readonly at: number; readonly length: number; readonly compression: CompressionName };
}

const CLIENT_ID = 'fuzz';
// Body offsets of the compact lengths in the flexible requests below (first field; Fetch and ListOffsets after fixed-width ones; Produce's topics after acks and timeout).
const COMPACT_OFFSETS: Readonly<Record<number, readonly number[]>> = {
  0: [0, 7],
  1: [25],
  2: [5],
  3: [0],
  8: [0],
  9: [0],
  10: [1],
  12: [0],
  18: [0],
  19: [0],
  22: [0],
};

/**
 * Valid request frames of the APIs a broker serves, the seeds that the mutator breaks one field
 * at a time, with their field positions. Fetches have max.wait.ms 0 so a valid one answers at
 * once; Produce carries an uncompressed batch and one of each codec, so mutations reach every
 * decompressor.
 */
export function fuzzCorpus(topic: string): CorpusFrame[] {
  let correlationId = 1;
  const entry = (
    apiKey: number,
    apiVersion: number,
    body: unknown,
    batch?: { bytes: Buffer; compression: CompressionName },
  ): CorpusFrame => {
    const bytes = encodeRequest({ apiKey, apiVersion, correlationId: correlationId++, clientId: CLIENT_ID }, body);
    const flexible = apiVersion >= REQUESTS.get(apiKey)!.flexibleMin;
    const bodyAt = 4 + 8 + 2 + CLIENT_ID.length + (flexible ? 1 : 0);
    const at = batch ? bytes.indexOf(batch.bytes) : -1;
    return {
      bytes,
      apiKey,
      apiVersion,
      flexible,
      bodyAt,
      compactAt: flexible ? (COMPACT_OFFSETS[apiKey] ?? []).map((o) => bodyAt + o) : [],
      ...(batch && at >= 0 ? { batch: { at, length: batch.bytes.length, compression: batch.compression } } : {}),
    };
  };
  const records = [
    { key: 'k', value: 'fuzz value', headers: [{ key: 'h', value: 'v' }], timestamp: 1_700_000_000_000 },
    { value: null },
    { key: 'k2', value: 'compressible '.repeat(8) },
  ];
  const batchOf = (compression: CompressionName) => ({
    bytes: buildRecordBatch(records, { compression }),
    compression,
  });
  const produce = (v: number, compression: CompressionName) => {
    const b = batchOf(compression);
    return entry(0, v, produceBody(topic, b.bytes, { timeoutMs: 1000 }), b);
  };
  const fetch = (v: number) => entry(1, v, fetchBody(topic, 0n, { minBytes: 1, maxBytes: 65536 }));
  return [
    entry(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    entry(18, 0, {}),
    entry(3, 12, {
      topics: [{ topicId: NULL_UUID, name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
    entry(3, 1, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }),
    produce(9, 'none'),
    produce(9, 'gzip'),
    produce(9, 'snappy'),
    produce(9, 'lz4'),
    produce(9, 'zstd'),
    produce(3, 'gzip'),
    fetch(12),
    fetch(4),
    entry(2, 7, listOffsetsBody(topic, -1n)),
    entry(10, 4, { key: '', keyType: 0, coordinatorKeys: ['fuzz-group'] }),
    entry(12, 4, { groupId: 'fuzz-group', generationId: 1, memberId: 'm', groupInstanceId: null }),
    entry(8, 8, {
      groupId: 'fuzz-group',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: topic,
          topicId: NULL_UUID,
          partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }],
        },
      ],
    }),
    entry(9, 8, {
      groupId: '',
      topics: null,
      groups: [{ groupId: 'fuzz-group', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: false,
    }),
    entry(22, 4, {
      transactionalId: null,
      transactionTimeoutMs: 1000,
      producerId: -1n,
      producerEpoch: -1,
      enable2Pc: false,
      keepPreparedTxn: false,
    }),
    entry(19, 7, createTopicBody(`${topic}-x`, { validateOnly: true })),
  ];
}

/** The corpus frames only (size prefix included). */
export function validFrameCorpus(topic: string): Buffer[] {
  return fuzzCorpus(topic).map((f) => f.bytes);
}
