/**
 * Hand-written cases for Metadata, CreateTopics, DeleteTopics, InitProducerId,
 * DescribeCluster and ApiVersions.
 */
import { NULL_UUID } from '../../../protocol/primitives/index.ts';
import { request, topicIdOf, type ConformCase, type PreviousAnswers } from '../conform-case.ts';
import { CaseList, type EdgeContext } from './edge-context.ts';

/** A correlation id for raw frames, far from the raw client's own counter. */
const RAW_CORRELATION_ID = 0x3f000000;

function metadataBody(
  topics: { name: string | null; topicId?: string }[] | null,
  allowAutoTopicCreation = false,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return request('Metadata', {
    topics: topics?.map((t) => ({ topicId: t.topicId ?? NULL_UUID, name: t.name })) ?? null,
    allowAutoTopicCreation,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
    ...extra,
  });
}

/** Metadata (key 3). Versions 0-3 always create unknown topics: they ask about names of their own. */
export function metadataCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const { multi, single, missing, invalid } = world.topics;
  const c = new CaseList(3, v);
  // v0 has no null topic list: an empty one means every topic
  c.one('every topic', metadataBody(v === 0 ? [] : null));
  if (v >= 1) c.one('no topics', metadataBody([]));
  c.one('one topic', metadataBody([{ name: multi }]));
  c.one('two topics', metadataBody([{ name: multi }, { name: single }]));
  c.one('same topic twice', metadataBody([{ name: multi }, { name: multi }]));
  if (v >= 4) {
    c.one('unknown topic, no auto-creation', metadataBody([{ name: missing }]));
    c.one('unknown topic, auto-creation', metadataBody([{ name: `${world.prefix}auto-v${v}` }], true), {
      settle: true,
    });
    c.one('invalid topic name, auto-creation', metadataBody([{ name: invalid }], true));
  } else {
    c.one('unknown topic (auto-created before v4)', metadataBody([{ name: `${world.prefix}auto-v${v}` }]), {
      settle: true,
    });
    c.one('invalid topic name', metadataBody([{ name: invalid }]));
  }
  c.one('empty topic name', metadataBody([{ name: '' }], false));
  if (v >= 8 && v <= 10)
    c.one(
      'with cluster authorized operations',
      metadataBody([{ name: multi }], false, { includeClusterAuthorizedOperations: true }),
    );
  if (v >= 8)
    c.one(
      'with topic authorized operations',
      metadataBody([{ name: multi }], false, { includeTopicAuthorizedOperations: true }),
    );
  if (v >= 10) {
    c.one('by topic id', metadataBody([{ name: null, topicId: topicIdOf(multi) }]));
    c.one('by unknown topic id', metadataBody([{ name: null, topicId: topicIdOf(missing) }]));
  }
  return c.cases;
}

function createBody(topics: Record<string, unknown>[], validateOnly = false): Record<string, unknown> {
  return request('CreateTopics', { topics, timeoutMs: 10_000, validateOnly });
}

function creatable(
  name: string,
  numPartitions = 1,
  replicationFactor = 1,
  configs: Record<string, string | null> = {},
  assignments: { partitionIndex: number; brokerIds: unknown[] }[] = [],
): Record<string, unknown> {
  return {
    name,
    numPartitions,
    replicationFactor,
    assignments,
    configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
  };
}

/** CreateTopics (key 19). */
export function createTopicsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(19, v);
  const name = (n: string) => `${world.prefix}ct-v${v}-${n}`;
  c.steps('a new topic, then again', [
    c.step(createBody([creatable(name('new'), 2)]), { settle: true }),
    c.step(createBody([creatable(name('new'), 2)])),
  ]);
  c.one('an existing topic', createBody([creatable(world.topics.multi, 3)]));
  c.one('invalid name', createBody([creatable(world.topics.invalid)]));
  c.one('name of 250 characters', createBody([creatable(`${world.prefix}${'x'.repeat(240)}`)]));
  c.one('name "."', createBody([creatable('.')]));
  c.one('0 partitions', createBody([creatable(name('zero'), 0)]));
  c.one('-5 partitions', createBody([creatable(name('neg'), -5)]));
  c.one('replication factor 3 on one node', createBody([creatable(name('rf3'), 1, 3)]));
  c.one('replication factor 0', createBody([creatable(name('rf0'), 1, 0)]));
  if (v >= 4)
    c.one('default partitions and replication factor (-1)', createBody([creatable(name('defaults'), -1, -1)]), {
      settle: true,
    });
  c.one(
    'a valid config',
    createBody([creatable(name('cfg'), 1, 1, { 'retention.ms': '60000', 'cleanup.policy': 'delete' })]),
    { settle: true },
  );
  c.one('an unknown config', createBody([creatable(name('cfg-unknown'), 1, 1, { 'no.such.config': '1' })]));
  c.one('a bad config value', createBody([creatable(name('cfg-bad'), 1, 1, { 'segment.bytes': 'lots' })]));
  c.one('a null config value', createBody([creatable(name('cfg-null'), 1, 1, { 'retention.ms': null })]), {
    settle: true,
  });
  c.one('validate only', createBody([creatable(name('validate'), 3)], true));
  c.one('validate only, invalid', createBody([creatable(name('validate-bad'), 1, 3)], true));
  c.one('no topics', createBody([]));
  c.one('the same name twice', createBody([creatable(name('twice')), creatable(name('twice'))]));
  c.one(
    'manual assignment to this node',
    createBody([creatable(name('assigned'), -1, -1, {}, [{ partitionIndex: 0, brokerIds: ['<node:0>'] }])]),
    { settle: true },
  );
  c.one(
    'manual assignment to a missing node',
    createBody([creatable(name('assigned-bad'), -1, -1, {}, [{ partitionIndex: 0, brokerIds: [99] }])]),
  );
  return c.cases;
}

/** DeleteTopics (key 20): each case creates the topics it deletes. */
export function deleteTopicsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(20, v);
  const vc = ctx.common(19);
  const name = (n: string) => `${world.prefix}dt-v${v}-${n}`;
  // v0-5 name topics in topicNames, v6 in topics (by name or by id)
  const del = (topics: { name: string | null; topicId?: string }[]) =>
    request('DeleteTopics', {
      topics: topics.map((t) => ({ name: t.name, topicId: t.topicId ?? NULL_UUID })),
      topicNames: topics.map((t) => t.name ?? ''),
      timeoutMs: 10_000,
    });
  if (vc !== undefined) {
    const create = (n: string) => ({
      apiKey: 19,
      version: vc,
      body: createBody([creatable(name(n))]),
      compare: false,
      settle: true,
    });
    c.steps('a topic, then again', [
      create('a'),
      c.step(del([{ name: name('a') }]), { settle: true }),
      c.step(del([{ name: name('a') }])),
    ]);
    c.steps('a topic and a missing one', [
      create('b'),
      c.step(del([{ name: name('b') }, { name: world.topics.missing }]), { settle: true }),
    ]);
    if (v >= 6)
      c.steps('by topic id', [
        create('c'),
        c.step(del([{ name: null, topicId: topicIdOf(name('c')) }]), { settle: true }),
      ]);
  }
  c.one('unknown topic', del([{ name: world.topics.missing }]));
  c.one('invalid name', del([{ name: world.topics.invalid }]));
  c.one('no topics', del([]));
  if (v >= 6) {
    c.one('unknown topic id', del([{ name: null, topicId: topicIdOf(world.topics.missing) }]));
    c.one('neither name nor id', del([{ name: null }]));
  }
  return c.cases;
}

/** InitProducerId (key 22). */
export function initProducerIdCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(22, v);
  const init = (
    transactionalId: string | null,
    producerId: unknown = -1n,
    producerEpoch: unknown = -1,
    transactionTimeoutMs = 60_000,
  ) =>
    request('InitProducerId', {
      transactionalId,
      transactionTimeoutMs,
      producerId,
      producerEpoch,
      enable2Pc: false,
      keepPreparedTxn: false,
    });
  c.one('idempotent producer', init(null));
  c.one('transactional producer', init(`${world.prefix}txn-v${v}`));
  c.one(
    'transactional producer, timeout above the maximum',
    init(`${world.prefix}txn-long-v${v}`, -1n, -1, 2_000_000_000),
  );
  if (v >= 3) {
    c.steps('an idempotent producer bumps its epoch', [
      c.step(init(null)),
      c.step((p: PreviousAnswers) => init(null, p[0]?.producerId, p[0]?.producerEpoch)),
    ]);
    c.one('epoch bump of a producer id never issued', init(null, 777_777n, 0));
  }
  c.one('empty transactional id', init(''));
  return c.cases;
}

/** DescribeCluster (key 60). */
export function describeClusterCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(60, v);
  const describe = (extra: Record<string, unknown> = {}) =>
    request('DescribeCluster', {
      includeClusterAuthorizedOperations: false,
      endpointType: 1,
      includeFencedBrokers: false,
      ...extra,
    });
  c.one('brokers', describe());
  c.one('with authorized operations', describe({ includeClusterAuthorizedOperations: true }));
  if (v >= 1) {
    c.one('controller endpoints', describe({ endpointType: 2 }));
    c.one('endpoint type 9 (unknown)', describe({ endpointType: 9 }));
  }
  if (v >= 2) c.one('with fenced brokers', describe({ includeFencedBrokers: true }));
  return c.cases;
}

/** ApiVersions (key 18). */
export function apiVersionsCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(18, v);
  const ask = (clientSoftwareName: string, clientSoftwareVersion: string) =>
    request('ApiVersions', { clientSoftwareName, clientSoftwareVersion });
  c.one('plain', ask('kconform', '1.0'));
  if (v >= 3) {
    c.one('invalid client software name', ask('bad name!', '1.0'));
    c.one('empty client software name', ask('', ''));
  }
  if (v === 0) {
    // KIP-511: a version the broker does not know is answered at v0 with UNSUPPORTED_VERSION
    // header v2 (ApiVersions is flexible from v3): api key, version, correlation id, null client id, no tagged fields
    const frame = Buffer.alloc(4 + 11);
    frame.writeInt32BE(11, 0);
    frame.writeInt16BE(18, 4);
    frame.writeInt16BE(127, 6);
    frame.writeInt32BE(RAW_CORRELATION_ID, 8);
    frame.writeInt16BE(-1, 12);
    frame.writeUInt8(0, 14);
    c.steps('version 127 (unknown)', [
      {
        apiKey: 18,
        version: 0,
        raw: { frame, correlationId: RAW_CORRELATION_ID, decodeAs: { apiKey: 18, version: 0 } },
      },
    ]);
  }
  return c.cases;
}
