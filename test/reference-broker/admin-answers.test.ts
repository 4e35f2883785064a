/**
 * Group and admin answers of the reference broker over the wire, where Kafka 4.4.0's answers were
 * checked by `kconform conform` (the comments say what Kafka does): the rules behind them are unit
 * tested beside the handlers; this checks they reach the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { CreateTopicsRequestCreatableTopic } from '../../protocol/messages/generated/index.ts';

let broker: RunningBroker;
let c: RawClient;

beforeAll(async () => {
  broker = await startTestBroker();
  c = await RawClient.connect(broker.bootstrap);
});
afterAll(async () => {
  c.close();
  await broker.close();
});

const creatable = (
  name: string,
  configs: Record<string, string | null> = {},
  assignments: { partitionIndex: number; brokerIds: number[] }[] = [],
) => ({
  name,
  numPartitions: assignments.length ? -1 : 1,
  replicationFactor: assignments.length ? -1 : 1,
  assignments,
  configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
});
const create = (topics: CreateTopicsRequestCreatableTopic[], validateOnly = false) =>
  c.request(ApiKey.CreateTopics, 7, { topics, timeoutMs: 5000, validateOnly });

describe('CreateTopics as Kafka 4.4.0', () => {
  it('answers a created topic with its effective configs, sources included', async () => {
    const name = uniqueTopic('cfg');
    const r = await create([creatable(name, { 'retention.ms': '60000' })]);
    const t = r.topics[0]!;
    expect(t.errorCode).toBe(0);
    expect(t.configs).toHaveLength(37);
    expect(t.configs?.find((x) => x.name === 'retention.ms')).toEqual({
      name: 'retention.ms',
      value: '60000',
      readOnly: false,
      configSource: 1,
      isSensitive: false,
    });
    expect(t.configs?.find((x) => x.name === 'cleanup.policy')).toMatchObject({ value: 'delete', configSource: 5 });
  });

  it('answers errors with an empty config list, a null config value with INVALID_CONFIG, a name given twice once', async () => {
    const name = uniqueTopic('dup');
    const r = await create([
      creatable(uniqueTopic('null'), { 'retention.ms': null }),
      creatable(name),
      creatable(name),
    ]);
    expect(r.topics).toHaveLength(2);
    expect(r.topics[0]).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, configs: [], numPartitions: -1 });
    expect(r.topics[1]).toMatchObject({ name, errorCode: ErrorCode.INVALID_REQUEST, configs: [] });
  });

  it('checks existence before configs, as Kafka', async () => {
    const name = uniqueTopic('exists');
    await create([creatable(name)]);
    const r = await create([creatable(name, { 'retention.ms': 'lots' })]);
    expect(r.topics[0]!.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  it('takes a manual assignment to this node and refuses one to a node that is not there', async () => {
    const ok = await create([
      creatable(uniqueTopic('assigned'), {}, [{ partitionIndex: 0, brokerIds: [broker.broker.nodeId] }]),
    ]);
    expect(ok.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 1, replicationFactor: 1 });
    const bad = await create([creatable(uniqueTopic('assigned'), {}, [{ partitionIndex: 0, brokerIds: [99] }])]);
    expect(bad.topics[0]!.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });
});

describe('DeleteTopics v6 as Kafka 4.4.0', () => {
  it('refuses an entry with neither name nor id, and one with both', async () => {
    const r = await c.request(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: NULL_UUID },
        { name: 'x', topicId: '11111111-1111-1111-1111-111111111111' },
      ],
      topicNames: [],
      timeoutMs: 5000,
    });
    expect(r.responses.map((x) => x.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });
});

describe('group APIs as Kafka 4.4.0', () => {
  // As on a fresh Kafka, the first FindCoordinator has the controller create __consumer_offsets and
  // answers COORDINATOR_NOT_AVAILABLE; Kafka's answers below were taken from a broker coordinating.
  beforeAll(async () => {
    const deadline = Date.now() + 15_000;
    while (
      (
        await c.request(ApiKey.FindCoordinator, 6, { key: '', keyType: 0, coordinatorKeys: ['no-such-group', ''] })
      ).coordinators.some((k: { errorCode: number }) => k.errorCode !== 0)
    ) {
      if (Date.now() > deadline) throw new Error('the broker did not become group coordinator in 15 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('LeaveGroup v5 of an unknown group: no top-level error, UNKNOWN_MEMBER_ID per member', async () => {
    const r = await c.request(ApiKey.LeaveGroup, 5, {
      groupId: 'no-such-group',
      memberId: '',
      members: [{ memberId: 'm', groupInstanceId: null, reason: null }],
    });
    expect(r.errorCode).toBe(0);
    expect(r.members).toEqual([{ memberId: 'm', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }]);
  });

  it('FindCoordinator: an empty group id has a coordinator, an unknown key type is INVALID_REQUEST', async () => {
    const r = await c.request(ApiKey.FindCoordinator, 6, { key: '', keyType: 0, coordinatorKeys: [''] });
    expect(r.coordinators[0]).toMatchObject({ errorCode: 0, nodeId: broker.broker.nodeId });
    const bad = await c.request(ApiKey.FindCoordinator, 6, { key: '', keyType: 7, coordinatorKeys: ['g'] });
    expect(bad.coordinators[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('OffsetFetch v10 answers an unknown topic id with that id', async () => {
    const id = '22222222-2222-2222-2222-222222222222';
    const r = await c.request(ApiKey.OffsetFetch, 10, {
      groupId: '',
      topics: [],
      groups: [
        {
          groupId: 'g-fetch',
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: '', topicId: id, partitionIndexes: [0] }],
        },
      ],
      requireStable: false,
    });
    expect(r.groups[0]!.topics[0]).toMatchObject({
      topicId: id,
      partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }],
    });
  });

  it('OffsetCommit leaves out a known topic with no partitions', async () => {
    const topic = uniqueTopic('commit');
    await create([creatable(topic)]);
    const r = await c.request(ApiKey.OffsetCommit, 9, {
      groupId: 'g-commit',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [{ name: topic, topicId: NULL_UUID, partitions: [] }],
    });
    expect(r.topics).toEqual([]);
  });

  it('DescribeGroups v5 fills in authorized operations when asked', async () => {
    const r = await c.request(ApiKey.DescribeGroups, 5, { groups: ['g-described'], includeAuthorizedOperations: true });
    expect(r.groups[0]!.authorizedOperations).toBe(3400);
  });
});

describe('ApiVersions, InitProducerId and DescribeCluster as Kafka 4.4.0', () => {
  it('refuses a client software name Kafka refuses', async () => {
    const r = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'bad name!', clientSoftwareVersion: '1.0' });
    expect(r.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('gives an idempotent producer bumping its epoch a new producer id with epoch 0', async () => {
    const body = (producerId: bigint, producerEpoch: number) => ({
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId,
      producerEpoch,
      enable2Pc: false,
      keepPreparedTxn: false,
    });
    const first = await c.request(ApiKey.InitProducerId, 5, body(-1n, -1));
    const bumped = await c.request(ApiKey.InitProducerId, 5, body(first.producerId, first.producerEpoch));
    expect(bumped.errorCode).toBe(0);
    expect(bumped.producerId).not.toBe(first.producerId);
    expect(bumped.producerEpoch).toBe(0);
    expect((await c.request(ApiKey.InitProducerId, 5, body(-1n, 0))).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('answers controller endpoints MISMATCHED_ENDPOINT_TYPE and fills in cluster operations', async () => {
    const r = await c.request(ApiKey.DescribeCluster, 1, {
      includeClusterAuthorizedOperations: true,
      endpointType: 2,
      includeFencedBrokers: false,
    });
    expect(r).toMatchObject({ errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, endpointType: 1 });
    const ok = await c.request(ApiKey.DescribeCluster, 1, {
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
      includeFencedBrokers: false,
    });
    expect(ok).toMatchObject({ errorCode: 0, clusterAuthorizedOperations: 8096 });
  });
});
