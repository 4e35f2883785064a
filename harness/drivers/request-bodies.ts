/**
 * Complete request bodies (every field of the generated message types, for every version)
 * for the requests kconform's own tools send with the raw client: one partition, sane
 * defaults, and the knobs tests and scenarios turn. Fields a version lacks are skipped by the
 * encoder, so one body serves all versions.
 */
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type {
  ApiVersionsRequest,
  CreateTopicsRequest,
  DeleteRecordsRequest,
  FetchRequest,
  ListOffsetsRequest,
  ProduceRequest,
} from '../../protocol/messages/generated/index.ts';

/** Produce of one partition's records (a record batch, or null/garbage for bad-input tests). */
export function produceBody(
  topic: string,
  records: Buffer | null,
  opts: { acks?: number; partition?: number; topicId?: string; timeoutMs?: number } = {},
): ProduceRequest {
  return {
    transactionalId: null,
    acks: opts.acks ?? -1,
    timeoutMs: opts.timeoutMs ?? 5000,
    topicData: [
      { name: topic, topicId: opts.topicId ?? NULL_UUID, partitionData: [{ index: opts.partition ?? 0, records }] },
    ],
  };
}

/** Fetch of one partition from `fetchOffset` as a consumer (replica id -1), without a session. */
export function fetchBody(
  topic: string,
  fetchOffset: bigint,
  opts: {
    maxWaitMs?: number;
    minBytes?: number;
    maxBytes?: number;
    partition?: number;
    currentLeaderEpoch?: number;
  } = {},
): FetchRequest {
  const maxBytes = opts.maxBytes ?? 1 << 20;
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId: NULL_UUID,
        partitions: [
          {
            partition: opts.partition ?? 0,
            currentLeaderEpoch: opts.currentLeaderEpoch ?? -1,
            fetchOffset,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: maxBytes,
            replicaDirectoryId: NULL_UUID,
            highWatermark: 0n,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** ListOffsets of one partition at `timestamp` (-1 latest, -2 earliest, -3 max timestamp, or a time). */
export function listOffsetsBody(topic: string, timestamp: bigint, partition = 0): ListOffsetsRequest {
  return {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }],
    timeoutMs: 5000,
  };
}

/** CreateTopics of one topic. */
export function createTopicBody(
  name: string,
  opts: {
    partitions?: number;
    replicationFactor?: number;
    configs?: Record<string, string>;
    validateOnly?: boolean;
  } = {},
): CreateTopicsRequest {
  return {
    topics: [
      {
        name,
        numPartitions: opts.partitions ?? 1,
        replicationFactor: opts.replicationFactor ?? 1,
        assignments: [],
        configs: Object.entries(opts.configs ?? {}).map(([n, value]) => ({ name: n, value })),
      },
    ],
    timeoutMs: 10_000,
    validateOnly: opts.validateOnly ?? false,
  };
}

/** DeleteRecords of one partition below `offset` (-1: the high watermark). */
export function deleteRecordsBody(topic: string, offset: bigint, partition = 0): DeleteRecordsRequest {
  return { topics: [{ name: topic, partitions: [{ partitionIndex: partition, offset }] }], timeoutMs: 5000 };
}

/** ApiVersions naming the client (KIP-511, v3+; v0-2 carry no fields, so it serves every version). */
export function apiVersionsBody(clientSoftwareName = 'kconform', clientSoftwareVersion = '0.1.0'): ApiVersionsRequest {
  return { clientSoftwareName, clientSoftwareVersion };
}
