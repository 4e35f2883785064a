/**
 * Log-API answers of the reference broker over the wire (Produce, Fetch, ListOffsets, Metadata,
 * OffsetForLeaderEpoch) where Kafka 4.4.0's answers were checked by `kconform conform --against
 * kafka@4.4.0` and in Kafka's sources (the comments say where): the pure rules are unit tested
 * beside the code; this checks the handlers apply them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type {
  FetchRequest,
  FetchRequestFetchPartition,
  MetadataRequest,
  ProduceRequest,
  ProduceRequestTopicProduceData,
} from '../../protocol/messages/generated/index.ts';

let broker: RunningBroker;
let c: RawClient;
let topic: string;
let topicId: string;
const T0 = 1_700_000_000_000;

// Topics by name (Produce v13 names them by id).
const produce = (
  topics: Omit<ProduceRequestTopicProduceData, 'topicId'>[],
  extra: Partial<ProduceRequest> = {},
  version = 9,
) =>
  c.request(ApiKey.Produce, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: topics.map((t) => ({ ...t, topicId: NULL_UUID })),
    ...extra,
  });
const batch = (value: string, opts: Parameters<typeof buildRecordBatch>[1] = {}) =>
  buildRecordBatch([{ value, timestamp: T0 }], opts);
const fetchBody = (
  topics: { topic: string; partitions: FetchRequestFetchPartition[] }[],
  extra: Partial<FetchRequest> = {},
): FetchRequest => ({
  clusterId: null,
  replicaId: -1,
  replicaState: { replicaId: -1, replicaEpoch: -1n },
  maxWaitMs: 0,
  minBytes: 0,
  maxBytes: 1 << 20,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: topics.map((t) => ({ topic: t.topic, topicId: NULL_UUID, partitions: t.partitions })),
  forgottenTopicsData: [],
  rackId: '',
  ...extra,
});
const part = (
  partition: number,
  fetchOffset: bigint,
  extra: Partial<FetchRequestFetchPartition> = {},
): FetchRequestFetchPartition => ({
  partition,
  currentLeaderEpoch: -1,
  fetchOffset,
  lastFetchedEpoch: -1,
  logStartOffset: -1n,
  partitionMaxBytes: 1 << 20,
  replicaDirectoryId: NULL_UUID,
  highWatermark: 0n,
  ...extra,
});
const metadata = (
  topics: { name: string | null; topicId?: string }[] | null,
  extra: Partial<MetadataRequest> = {},
): MetadataRequest => ({
  topics: topics?.map((t) => ({ topicId: t.topicId ?? NULL_UUID, name: t.name })) ?? null,
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
  ...extra,
});

beforeAll(async () => {
  broker = await startTestBroker();
  c = await RawClient.connect(broker.bootstrap);
  topic = uniqueTopic('log');
  const created = await c.request(ApiKey.CreateTopics, 7, {
    topics: [{ name: topic, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  topicId = created.topics[0]!.topicId;
  const r = await produce([{ name: topic, partitionData: [{ index: 0, records: batch('first') }] }]);
  expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
});
afterAll(async () => {
  c.close();
  await broker.close();
});

describe('Produce as Kafka 4.4.0', () => {
  it('answers a partition named twice once, appending only the last batch, and leaves out a topic without partitions', async () => {
    const r = await produce([
      {
        name: topic,
        partitionData: [
          { index: 1, records: batch('a') },
          { index: 1, records: batch('b') },
        ],
      },
      { name: uniqueTopic('none'), partitionData: [] },
    ]);
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]!.partitionResponses).toHaveLength(1);
    const f = await c.request(ApiKey.Fetch, 12, fetchBody([{ topic, partitions: [part(1, 0n)] }]));
    expect(f.responses[0]!.partitions[0]!.highWatermark).toBe(1n);
  });

  it('fails the whole request on a corrupt first batch (RequestUtils.hasTransactionalRecords), unknown topics too', async () => {
    const r = await produce([
      { name: topic, partitionData: [{ index: 0, records: batch('ok') }] },
      { name: uniqueTopic('missing'), partitionData: [{ index: 0, records: Buffer.from('not a record batch') }] },
    ]);
    const codes = r.responses.flatMap((t) => t.partitionResponses.map((p) => p.errorCode));
    expect(codes).toEqual([ErrorCode.CORRUPT_MESSAGE, ErrorCode.CORRUPT_MESSAGE]);
  });

  it('refuses a transactional batch without a transactional id with TRANSACTIONAL_ID_AUTHORIZATION_FAILED and log start -1', async () => {
    const r = await produce([
      {
        name: topic,
        partitionData: [
          {
            index: 0,
            records: batch('txn', { producerId: 99, producerEpoch: 0, baseSequence: 0, transactional: true }),
          },
        ],
      },
    ]);
    expect(r.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      baseOffset: -1n,
      logStartOffset: -1n,
    });
  });

  it('answers a truncated batch INVALID_RECORD and keeps a whole batch followed by stray bytes', async () => {
    const cut = await produce([{ name: topic, partitionData: [{ index: 0, records: batch('cut').subarray(0, 40) }] }]);
    expect(cut.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      logStartOffset: -1n,
    });
    const stray = await produce([
      { name: topic, partitionData: [{ index: 0, records: Buffer.concat([batch('stray'), Buffer.from([1, 2, 3])]) }] },
    ]);
    expect(stray.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  it('answers the retry of an idempotent batch with its first offset and its max timestamp as log append time', async () => {
    const b = batch('idem', { producerId: 4242, producerEpoch: 0, baseSequence: 0 });
    const first = await produce([{ name: topic, partitionData: [{ index: 0, records: b }] }]);
    const retry = await produce([{ name: topic, partitionData: [{ index: 0, records: b }] }]);
    expect(first.responses[0]!.partitionResponses[0]!.logAppendTimeMs).toBe(-1n);
    expect(retry.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: 0,
      baseOffset: first.responses[0]!.partitionResponses[0]!.baseOffset,
      logAppendTimeMs: BigInt(T0),
    });
  });

  it('answers an unknown partition without touching the acks check', async () => {
    const r = await produce(
      [
        {
          name: topic,
          partitionData: [
            { index: 7, records: batch('p7') },
            { index: 0, records: batch('p0') },
          ],
        },
      ],
      { acks: 2 },
    );
    const byIndex = Object.fromEntries(r.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode]));
    expect(byIndex).toEqual({ 7: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0: ErrorCode.INVALID_REQUIRED_ACKS });
  });
});

describe('Fetch as Kafka 4.4.0', () => {
  it('answers FETCH_SESSION_ID_NOT_FOUND for a session epoch without a session, and a full fetch for epochs 0 and -1', async () => {
    const lost = await c.request(
      ApiKey.Fetch,
      12,
      fetchBody([{ topic, partitions: [part(0, 0n)] }], { sessionId: 0, sessionEpoch: 3 }),
    );
    expect(lost).toMatchObject({ errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, responses: [] });
    const closing = await c.request(
      ApiKey.Fetch,
      12,
      fetchBody([{ topic, partitions: [part(0, 0n)] }], { sessionId: 12345, sessionEpoch: -1 }),
    );
    expect(closing.errorCode).toBe(0);
    expect(closing.responses[0]!.partitions[0]!.errorCode).toBe(0);
  });

  it('answers unknown partitions after the ones read, with aborted transactions [], and read_committed with []', async () => {
    const r = await c.request(
      ApiKey.Fetch,
      12,
      fetchBody([{ topic, partitions: [part(7, 0n), part(0, 0n)] }], { isolationLevel: 1 }),
    );
    expect(r.responses).toHaveLength(1);
    expect(r.responses[0]!.partitions.map((p) => [p.partitionIndex, p.errorCode, p.abortedTransactions])).toEqual([
      [0, 0, []],
      [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []],
    ]);
    const past = await c.request(ApiKey.Fetch, 12, fetchBody([{ topic, partitions: [part(0, 1000n)] }]));
    expect(past.responses[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      abortedTransactions: null,
    });
  });

  it('answers a consumer whose last fetched epoch the leader never had OFFSET_OUT_OF_RANGE (Partition.readRecords)', async () => {
    const r = await c.request(
      ApiKey.Fetch,
      12,
      fetchBody([{ topic, partitions: [part(0, 1n, { lastFetchedEpoch: 5 })] }]),
    );
    expect(r.responses[0]!.partitions[0]).toMatchObject({
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      highWatermark: -1n,
      logStartOffset: -1n,
    });
    expect(r.responses[0]!.partitions[0]!.records?.length ?? 0).toBe(0);
    const ok = await c.request(
      ApiKey.Fetch,
      12,
      fetchBody([{ topic, partitions: [part(0, 1n, { lastFetchedEpoch: 0 })] }]),
    );
    expect(ok.responses[0]!.partitions[0]!.errorCode).toBe(0);
  });
});

describe('ListOffsets as Kafka 4.4.0', () => {
  it('answers a partition asked for twice once with INVALID_REQUEST and leaves out topics without partitions', async () => {
    const r = await c.request(ApiKey.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 5000,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n },
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n },
          ],
        },
        { name: uniqueTopic('none'), partitions: [] },
      ],
    });
    expect(r.topics).toHaveLength(1);
    expect(r.topics[0]!.partitions).toEqual([
      { partitionIndex: 0, errorCode: ErrorCode.INVALID_REQUEST, timestamp: -1n, offset: -1n, leaderEpoch: -1 },
    ]);
  });

  it('checks the timestamp against the version before the topic (ReplicaManager.isListOffsetsTimestampUnsupported)', async () => {
    const r = await c.request(ApiKey.ListOffsets, 6, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 5000,
      topics: [
        { name: uniqueTopic('missing'), partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -3n }] },
      ],
    });
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });
});

describe('Metadata as Kafka 4.4.0', () => {
  it('refuses topic ids before v12 with INVALID_REQUEST for the whole request', async () => {
    const r = await c.request(ApiKey.Metadata, 10, metadata([{ name: null, topicId }]));
    expect(r).toMatchObject({
      brokers: [],
      clusterId: null,
      controllerId: -1,
      topics: [{ errorCode: ErrorCode.INVALID_REQUEST, name: '', topicId }],
    });
    const byName = await c.request(ApiKey.Metadata, 11, metadata([{ name: topic, topicId }]));
    expect(byName.topics[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('answers a topic asked for twice once, and an unknown id from v12 with UNKNOWN_TOPIC_ID', async () => {
    expect((await c.request(ApiKey.Metadata, 12, metadata([{ name: topic }, { name: topic }]))).topics).toHaveLength(1);
    const unknown = '0f0f0f0f-0f0f-0f0f-0f0f-0f0f0f0f0f0f';
    const r = await c.request(
      ApiKey.Metadata,
      12,
      metadata([
        { name: null, topicId },
        { name: 'ignored-when-ids-are-given', topicId: unknown },
      ]),
    );
    expect(r.topics.map((t) => [t.name, t.errorCode])).toEqual([
      [null, ErrorCode.UNKNOWN_TOPIC_ID],
      [topic, 0],
    ]);
  });

  it('answers the request that auto-creates a topic UNKNOWN_TOPIC_OR_PARTITION (KRaft AutoTopicCreationManager), an illegal name INVALID_TOPIC_EXCEPTION', async () => {
    const name = uniqueTopic('auto');
    const r = await c.request(
      ApiKey.Metadata,
      12,
      metadata([{ name }, { name: 'bad name!' }], { allowAutoTopicCreation: true }),
    );
    expect(Object.fromEntries(r.topics.map((t) => [t.name, t.errorCode]))).toEqual({
      [name]: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      'bad name!': ErrorCode.INVALID_TOPIC_EXCEPTION,
    });
    expect((await c.request(ApiKey.Metadata, 12, metadata([{ name }]))).topics[0]!.errorCode).toBe(0);
    expect((await c.request(ApiKey.Metadata, 12, metadata([{ name: 'bad name!' }]))).topics[0]!.errorCode).toBe(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
  });

  it('answers authorized operations as Kafka without an authorizer (3576 for a topic, 8096 for the cluster)', async () => {
    const r = await c.request(
      ApiKey.Metadata,
      10,
      metadata([{ name: topic }], { includeTopicAuthorizedOperations: true, includeClusterAuthorizedOperations: true }),
    );
    expect(r.topics[0]!.topicAuthorizedOperations).toBe(3576);
    expect(r.clusterAuthorizedOperations).toBe(8096);
    expect((await c.request(ApiKey.Metadata, 10, metadata([{ name: topic }]))).clusterAuthorizedOperations).toBe(
      -2147483648,
    );
  });
});

describe('OffsetForLeaderEpoch as Kafka 4.4.0', () => {
  it('answers epoch 0 ending at 0 for a partition nothing was written to (makeLeader records the epoch)', async () => {
    const empty = uniqueTopic('empty');
    await c.request(ApiKey.CreateTopics, 7, {
      topics: [{ name: empty, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const r = await c.request(ApiKey.OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [{ topic: empty, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
    });
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 0n });
  });
});
