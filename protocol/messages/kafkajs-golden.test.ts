import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../primitives/index.ts';
import type { MessageDescriptor } from './codec-support.ts';
import { decodeRequest, encodeRequest } from './frames.ts';
import { REQUESTS, RESPONSES } from './generated/index.ts';
import { atVersion, messageSchema, withDefaults } from './schema-arbitraries.ts';

/**
 * Golden bytes against another implementation: kafkajs 2.2.4 encodes the same requests (body
 * and whole frame with its v1 header), and our codec must write exactly the same bytes and
 * read kafkajs's bytes back to the same values. kafkajs only speaks non-flexible versions, so
 * this pins the classic encodings; the flexible ones are pinned by the round-trip tests.
 */

const require = createRequire(import.meta.url);
type Obj = Record<string, unknown>;
type KafkajsRequest = { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }> };
const kafkajsFrame = require('kafkajs/src/protocol/request.js') as (a: object) => Promise<{ buffer: Buffer }>;

function kafkajsRequest(dir: string, version: number, args: object): KafkajsRequest {
  const build = require(`kafkajs/src/protocol/requests/${dir}/v${version}/request.js`) as (a: object) => KafkajsRequest;
  return build(args);
}

/** One request built by kafkajs from `args` and by hand as our message (other fields at their defaults). */
interface GoldenCase {
  readonly dir: string;
  readonly message: string;
  readonly versions: readonly number[];
  readonly args: object;
  readonly ours: Obj;
}

const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (a: object) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (a: object) => Promise<{ buffer: Buffer }>;
};

// A record batch as kafkajs's produce request builds it, with fixed timestamps so it is stable.
const producedMessages = [
  { key: 'k1', value: 'v1', timestamp: 1_700_000_000_000 },
  { key: null, value: 'second', timestamp: 1_700_000_000_005, headers: { h: 'x' } },
];
const recordBatch = (
  await RecordBatch({
    records: producedMessages.map((m, i) =>
      Record({ ...m, offsetDelta: i, timestampDelta: m.timestamp - producedMessages[0]!.timestamp }),
    ),
    firstTimestamp: producedMessages[0]!.timestamp,
    maxTimestamp: producedMessages[1]!.timestamp,
    lastOffsetDelta: 1,
  })
).buffer;

const CASES: GoldenCase[] = [
  {
    dir: 'produce',
    message: 'ProduceRequest',
    versions: [3, 4, 5, 6, 7],
    args: {
      acks: -1,
      timeout: 30000,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: producedMessages }] }],
    },
    ours: {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'orders', partitionData: [{ index: 2, records: recordBatch }] }],
    },
  },
  {
    dir: 'fetch',
    message: 'FetchRequest',
    versions: [4, 5, 6, 7, 8, 9, 10, 11],
    args: {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      rackId: 'rack-a',
      topics: [
        {
          topic: 'orders',
          partitions: [{ partition: 0, fetchOffset: 42, logStartOffset: 7, maxBytes: 1048576, currentLeaderEpoch: 3 }],
        },
      ],
      forgottenTopics: [{ topic: 'old', partitions: [1, 2] }],
    },
    ours: {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      rackId: 'rack-a',
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, fetchOffset: 42n, logStartOffset: 7n, partitionMaxBytes: 1048576, currentLeaderEpoch: 3 },
          ],
        },
      ],
      forgottenTopicsData: [{ topic: 'old', partitions: [1, 2] }],
    },
  },
  {
    dir: 'listOffsets',
    message: 'ListOffsetsRequest',
    versions: [1, 2, 3],
    args: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -2 }, { partition: 1 }] }],
    },
    ours: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, timestamp: -2n },
            { partitionIndex: 1, timestamp: -1n },
          ],
        },
      ],
    },
  },
  {
    dir: 'metadata',
    message: 'MetadataRequest',
    versions: [0, 1, 2, 3, 4, 5, 6],
    args: { topics: ['orders', 'payments'], allowAutoTopicCreation: false },
    ours: { topics: [{ name: 'orders' }, { name: 'payments' }], allowAutoTopicCreation: false },
  },
  {
    dir: 'offsetCommit',
    message: 'OffsetCommitRequest',
    versions: [2, 3, 4, 5],
    args: {
      groupId: 'g1',
      groupGenerationId: 5,
      memberId: 'm-1',
      retentionTime: -1,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: '100', metadata: 'meta' },
            { partition: 1, offset: '7' },
          ],
        },
      ],
    },
    ours: {
      groupId: 'g1',
      generationIdOrMemberEpoch: 5,
      memberId: 'm-1',
      retentionTimeMs: -1n,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 100n, committedMetadata: 'meta' },
            { partitionIndex: 1, committedOffset: 7n, committedMetadata: null },
          ],
        },
      ],
    },
  },
  {
    dir: 'offsetFetch',
    message: 'OffsetFetchRequest',
    versions: [1, 2, 3, 4],
    args: { groupId: 'g1', topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 3 }] }] },
    ours: { groupId: 'g1', topics: [{ name: 'orders', partitionIndexes: [0, 3] }] },
  },
  {
    dir: 'findCoordinator',
    message: 'FindCoordinatorRequest',
    versions: [0],
    args: { groupId: 'g1' },
    ours: { key: 'g1' },
  },
  {
    dir: 'findCoordinator',
    message: 'FindCoordinatorRequest',
    versions: [1, 2],
    args: { coordinatorKey: 'txn-1', coordinatorType: 1 },
    ours: { key: 'txn-1', keyType: 1 },
  },
  {
    dir: 'joinGroup',
    message: 'JoinGroupRequest',
    versions: [0, 1, 2, 3, 4, 5],
    args: {
      groupId: 'g1',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6]) }],
    },
    ours: {
      groupId: 'g1',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6]) }],
    },
  },
  {
    dir: 'heartbeat',
    message: 'HeartbeatRequest',
    versions: [0, 1, 2, 3],
    args: { groupId: 'g1', groupGenerationId: 9, memberId: 'm-1', groupInstanceId: 'static-1' },
    ours: { groupId: 'g1', generationId: 9, memberId: 'm-1', groupInstanceId: 'static-1' },
  },
  {
    dir: 'leaveGroup',
    message: 'LeaveGroupRequest',
    versions: [0, 1, 2],
    args: { groupId: 'g1', memberId: 'm-1' },
    ours: { groupId: 'g1', memberId: 'm-1' },
  },
  {
    dir: 'leaveGroup',
    message: 'LeaveGroupRequest',
    versions: [3],
    args: { groupId: 'g1', members: [{ memberId: 'm-1' }, { memberId: 'm-2', groupInstanceId: 'static-2' }] },
    ours: {
      groupId: 'g1',
      members: [
        { memberId: 'm-1', groupInstanceId: null },
        { memberId: 'm-2', groupInstanceId: 'static-2' },
      ],
    },
  },
  {
    dir: 'syncGroup',
    message: 'SyncGroupRequest',
    versions: [0, 1, 2, 3],
    args: {
      groupId: 'g1',
      generationId: 4,
      memberId: 'm-1',
      groupAssignment: [{ memberId: 'm-1', memberAssignment: Buffer.from('assign') }],
    },
    ours: {
      groupId: 'g1',
      generationId: 4,
      memberId: 'm-1',
      groupInstanceId: null,
      assignments: [{ memberId: 'm-1', assignment: Buffer.from('assign') }],
    },
  },
  {
    dir: 'describeGroups',
    message: 'DescribeGroupsRequest',
    versions: [0, 1, 2],
    args: { groupIds: ['g1', 'g2'] },
    ours: { groups: ['g1', 'g2'] },
  },
  { dir: 'listGroups', message: 'ListGroupsRequest', versions: [0, 1, 2], args: {}, ours: {} },
  { dir: 'apiVersions', message: 'ApiVersionsRequest', versions: [0, 1, 2], args: {}, ours: {} },
  {
    dir: 'saslHandshake',
    message: 'SaslHandshakeRequest',
    versions: [0, 1],
    args: { mechanism: 'PLAIN' },
    ours: { mechanism: 'PLAIN' },
  },
  {
    dir: 'createTopics',
    message: 'CreateTopicsRequest',
    versions: [2, 3],
    args: {
      topics: [
        {
          topic: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] },
      ],
      validateOnly: true,
      timeout: 5000,
    },
    ours: {
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        {
          name: 'manual',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: true,
    },
  },
  {
    dir: 'deleteTopics',
    message: 'DeleteTopicsRequest',
    versions: [1],
    args: { topics: ['orders', 'old'], timeout: 5000 },
    ours: { topicNames: ['orders', 'old'], timeoutMs: 5000 },
  },
  {
    dir: 'initProducerId',
    message: 'InitProducerIdRequest',
    versions: [0, 1],
    args: { transactionalId: 'tx-1', transactionTimeout: 60000 },
    ours: { transactionalId: 'tx-1', transactionTimeoutMs: 60000 },
  },
  {
    dir: 'endTxn',
    message: 'EndTxnRequest',
    versions: [0, 1],
    args: { transactionalId: 'tx-1', producerId: 4000, producerEpoch: 2, transactionResult: true },
    ours: { transactionalId: 'tx-1', producerId: 4000n, producerEpoch: 2, committed: true },
  },
  {
    dir: 'addOffsetsToTxn',
    message: 'AddOffsetsToTxnRequest',
    versions: [0, 1],
    args: { transactionalId: 'tx-1', producerId: 4000, producerEpoch: 2, groupId: 'g1' },
    ours: { transactionalId: 'tx-1', producerId: 4000n, producerEpoch: 2, groupId: 'g1' },
  },
  {
    dir: 'addPartitionsToTxn',
    message: 'AddPartitionsToTxnRequest',
    versions: [0, 1],
    args: {
      transactionalId: 'tx-1',
      producerId: 4000,
      producerEpoch: 2,
      topics: [{ topic: 'orders', partitions: [0, 5] }],
    },
    ours: {
      v3AndBelowTransactionalId: 'tx-1',
      v3AndBelowProducerId: 4000n,
      v3AndBelowProducerEpoch: 2,
      v3AndBelowTopics: [{ name: 'orders', partitions: [0, 5] }],
    },
  },
  {
    dir: 'txnOffsetCommit',
    message: 'TxnOffsetCommitRequest',
    versions: [0, 1],
    args: {
      transactionalId: 'tx-1',
      groupId: 'g1',
      producerId: 4000,
      producerEpoch: 2,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '12', metadata: null }] }],
    },
    ours: {
      transactionalId: 'tx-1',
      groupId: 'g1',
      producerId: 4000n,
      producerEpoch: 2,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 12n, committedMetadata: null }] }],
    },
  },
  {
    dir: 'deleteRecords',
    message: 'DeleteRecordsRequest',
    versions: [0, 1],
    args: { topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '55' }] }], timeout: 3000 },
    ours: { topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 55n }] }], timeoutMs: 3000 },
  },
];

function descriptorOf(name: string): MessageDescriptor<object> {
  const d = [...REQUESTS.values()].find((x) => x.name === name);
  if (!d) throw new Error(`no descriptor for ${name}`);
  return d as MessageDescriptor<object>;
}

describe('golden bytes: our request encodings equal kafkajs 2.2.4', () => {
  it('covers at least 8 API keys', () => {
    expect(new Set(CASES.map((c) => c.message)).size).toBeGreaterThanOrEqual(8);
  });

  for (const c of CASES) {
    const schema = messageSchema(c.message);
    const d = descriptorOf(c.message);
    it.each(c.versions)(`${c.message} v%i (kafkajs ${c.dir})`, async (version) => {
      const ours = withDefaults(schema, c.ours);
      const req = kafkajsRequest(c.dir, version, c.args);
      expect(req.apiKey).toBe(d.apiKey);
      expect(req.apiVersion).toBe(version);

      const theirs = (await req.encode()).buffer;
      const w = new Writer();
      d.encode(w, ours, version);
      expect(w.result().toString('hex')).toBe(theirs.toString('hex'));

      const r = new Reader(theirs);
      expect(d.decode(r, version)).toEqual(atVersion(schema, ours, version));
      expect(r.remaining()).toBe(0);

      // The whole frame: size prefix, header v1 (kafkajs never sends flexible versions), body.
      const frame = (await kafkajsFrame({ correlationId: 1234, clientId: 'kconform-test', request: req })).buffer;
      const ourFrame = encodeRequest(
        { apiKey: d.apiKey, apiVersion: version, correlationId: 1234, clientId: 'kconform-test' },
        ours,
      );
      expect(ourFrame.toString('hex')).toBe(frame.toString('hex'));
      const decoded = decodeRequest(frame.subarray(4));
      expect(decoded.header).toMatchObject({
        requestApiKey: d.apiKey,
        requestApiVersion: version,
        correlationId: 1234,
        clientId: 'kconform-test',
      });
      expect(decoded.body).toEqual(atVersion(schema, ours, version));
    });
  }
});

/** A response we encode and kafkajs decodes; `theirs` is what kafkajs must read back. */
interface ResponseCase {
  readonly dir: string;
  readonly message: string;
  readonly versions: readonly number[];
  readonly ours: Obj;
  readonly theirs: (version: number) => Obj;
}

const RESPONSE_CASES: ResponseCase[] = [
  {
    dir: 'apiVersions',
    message: 'ApiVersionsResponse',
    versions: [0, 1, 2],
    ours: {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 13 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
      throttleTimeMs: 7,
    },
    theirs: (v) => ({
      errorCode: 0,
      apiVersions: [
        { apiKey: 0, minVersion: 3, maxVersion: 13 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
      ...(v >= 1 ? { throttleTime: 7 } : {}),
    }),
  },
  {
    dir: 'metadata',
    message: 'MetadataResponse',
    versions: [0, 1, 2, 3, 4, 5, 6],
    ours: {
      throttleTimeMs: 3,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: 'r1' }],
      clusterId: 'cluster-x',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
          ],
        },
      ],
    },
    theirs: (v) => ({
      ...(v >= 3 ? { throttleTime: 3 } : {}),
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, ...(v >= 1 ? { rack: 'r1' } : {}) }],
      ...(v >= 2 ? { clusterId: 'cluster-x' } : {}),
      ...(v >= 1 ? { controllerId: 1 } : {}),
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: 'orders',
          ...(v >= 1 ? { isInternal: false } : {}),
          partitionMetadata: [
            {
              partitionErrorCode: 0,
              partitionId: 0,
              leader: 1,
              replicas: [1],
              isr: [1],
              ...(v >= 5 ? { offlineReplicas: [] } : {}),
            },
          ],
        },
      ],
    }),
  },
  {
    dir: 'findCoordinator',
    message: 'FindCoordinatorResponse',
    versions: [1, 2],
    ours: { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 2, host: 'broker-2', port: 9093 },
    theirs: () => ({
      throttleTime: 0,
      errorCode: 0,
      errorMessage: null,
      coordinator: { nodeId: 2, host: 'broker-2', port: 9093 },
    }),
  },
  {
    dir: 'heartbeat',
    message: 'HeartbeatResponse',
    versions: [1, 2, 3],
    ours: { throttleTimeMs: 11, errorCode: 0 },
    theirs: () => ({ throttleTime: 11, errorCode: 0 }),
  },
];

describe('golden decoding: kafkajs 2.2.4 reads the responses we encode', () => {
  for (const c of RESPONSE_CASES) {
    const schema = messageSchema(c.message);
    const d = [...RESPONSES.values()].find((x) => x.name === c.message) as MessageDescriptor<object>;
    it.each(c.versions)(`${c.message} v%i (kafkajs ${c.dir})`, async (version) => {
      const w = new Writer();
      d.encode(w, withDefaults(schema, c.ours), version);
      const { decode } = require(`kafkajs/src/protocol/requests/${c.dir}/v${version}/response.js`) as {
        decode(b: Buffer): Promise<Obj>;
      };
      const decoded = await decode(Buffer.from(w.result()));
      // From these versions on (KIP-219) kafkajs moves the broker's throttle time aside.
      if ('clientSideThrottleTime' in decoded) decoded.throttleTime = decoded.clientSideThrottleTime;
      delete decoded.clientSideThrottleTime;
      expect(decoded).toEqual(c.theirs(version));
    });
  }
});
