/**
 * Hand-written cases for DescribeConfigs, AlterConfigs, IncrementalAlterConfigs and
 * CreatePartitions. Cases that change a topic create their own first (a setup step, not
 * compared), so no other case sees the change.
 */
import { request, type ConformCase } from '../conform-case.ts';
import { CaseList, type EdgeContext } from './edge-context.ts';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

function createStep(ctx: EdgeContext, name: string, partitions = 1, configs: Record<string, string> = {}) {
  return {
    apiKey: 19,
    version: ctx.common(19) ?? 4,
    body: request('CreateTopics', {
      topics: [
        {
          name,
          numPartitions: partitions,
          replicationFactor: 1,
          assignments: [],
          configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    }),
    compare: false,
    settle: true,
  };
}

function describeBody(
  resources: { type: number; name: string; keys?: string[] | null }[],
  synonyms = true,
  docs = false,
) {
  return request('DescribeConfigs', {
    resources: resources.map((r) => ({
      resourceType: r.type,
      resourceName: r.name,
      configurationKeys: r.keys ?? null,
    })),
    includeSynonyms: synonyms,
    includeDocumentation: docs,
  });
}

function describeStep(ctx: EdgeContext, topic: string) {
  return { apiKey: 32, version: ctx.common(32) ?? 1, body: describeBody([{ type: TOPIC, name: topic }]) };
}

/** DescribeConfigs (key 32). */
export function describeConfigsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(32, v);
  const own = `${world.prefix}dc-v${v}`;
  c.steps('a topic with own configs, with synonyms', [
    createStep(ctx, own, 1, { 'retention.ms': '60000', 'cleanup.policy': 'compact,delete' }),
    c.step(describeBody([{ type: TOPIC, name: own }])),
  ]);
  c.one('a topic, no synonyms', describeBody([{ type: TOPIC, name: world.topics.multi }], false));
  if (v >= 3)
    c.one('a topic, with documentation', describeBody([{ type: TOPIC, name: world.topics.single }], true, true));
  c.one(
    'some keys, one unknown',
    describeBody([{ type: TOPIC, name: world.topics.multi, keys: ['retention.ms', 'no.such', 'segment.bytes'] }]),
  );
  c.one('an empty key list', describeBody([{ type: TOPIC, name: world.topics.multi, keys: [] }]));
  c.one('unknown topic', describeBody([{ type: TOPIC, name: world.topics.missing }]));
  c.one('invalid topic name', describeBody([{ type: TOPIC, name: world.topics.invalid }]));
  c.one('empty topic name', describeBody([{ type: TOPIC, name: '' }]));
  c.one(
    'the same topic twice',
    describeBody([
      { type: TOPIC, name: world.topics.multi },
      { type: TOPIC, name: world.topics.multi, keys: ['retention.ms'] },
    ]),
  );
  c.one(
    'broker, some keys',
    describeBody([
      {
        type: BROKER,
        name: '1',
        keys: ['num.partitions', 'log.retention.ms', 'min.insync.replicas', 'message.max.bytes'],
      },
    ]),
  );
  c.one('cluster default broker resource', describeBody([{ type: BROKER, name: '' }]));
  c.one('another broker id', describeBody([{ type: BROKER, name: '2' }]));
  c.one('a broker id that is not a number', describeBody([{ type: BROKER, name: 'abc' }]));
  c.one(
    'unknown resource type',
    describeBody([
      { type: TOPIC, name: world.topics.multi },
      { type: 99, name: 'x' },
    ]),
  );
  c.one('no resources', describeBody([]));
  return c.cases;
}

function incrementalBody(
  resources: { type?: number; name: string; configs: [string, number, string | null][] }[],
  validateOnly = false,
) {
  return request('IncrementalAlterConfigs', {
    resources: resources.map((r) => ({
      resourceType: r.type ?? TOPIC,
      resourceName: r.name,
      configs: r.configs.map(([name, configOperation, value]) => ({ name, configOperation, value })),
    })),
    validateOnly,
  });
}

/** IncrementalAlterConfigs (key 44). */
export function incrementalAlterConfigsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(44, v);
  const topic = (n: string) => `${world.prefix}iac-v${v}-${n}`;
  const changed = (name: string, configs: [string, number, string | null][], validateOnly = false) => {
    const t = topic(name);
    c.steps(name, [
      createStep(ctx, t, 1, { 'retention.ms': '1000' }),
      c.step(incrementalBody([{ name: t, configs }], validateOnly), { settleConfigs: t }),
      describeStep(ctx, t),
    ]);
  };
  changed('set and delete', [
    ['segment.bytes', SET, '2000000'],
    ['retention.ms', DELETE, null],
    ['flush.ms', DELETE, null],
  ]);
  changed('append to a list from its default', [['cleanup.policy', APPEND, 'compact']]);
  changed('subtract from a list', [['cleanup.policy', SUBTRACT, 'delete']]);
  changed('append to a non-list', [['retention.ms', APPEND, '5']]);
  changed('unknown config', [['no.such', SET, '5']]);
  changed('a value that is not a number', [['retention.ms', SET, 'abc']]);
  changed('a value below the minimum', [['segment.bytes', SET, '10']]);
  changed('a null value', [['retention.ms', SET, null]]);
  changed('the same key twice', [
    ['retention.ms', SET, '5'],
    ['retention.ms', SET, '6'],
  ]);
  changed('validate only', [['retention.ms', SET, '777']], true);
  changed('min compaction lag above max', [
    ['min.compaction.lag.ms', SET, '100'],
    ['max.compaction.lag.ms', SET, '10'],
  ]);
  changed('remote storage', [['remote.storage.enable', SET, 'true']]);
  c.one('unknown topic', incrementalBody([{ name: world.topics.missing, configs: [['retention.ms', SET, '5']] }]));
  c.one('invalid topic name', incrementalBody([{ name: world.topics.invalid, configs: [['retention.ms', SET, '5']] }]));
  c.one('empty topic name', incrementalBody([{ name: '', configs: [['retention.ms', SET, '5']] }]));
  c.one(
    'the same resource twice',
    incrementalBody(
      [
        { name: world.topics.multi, configs: [['retention.ms', SET, '5']] },
        { name: world.topics.multi, configs: [['retention.ms', SET, '6']] },
      ],
      true,
    ),
  );
  c.one(
    'a read-only broker config',
    incrementalBody([{ type: BROKER, name: '1', configs: [['num.partitions', SET, '5']] }], true),
  );
  c.one(
    'another broker id',
    incrementalBody([{ type: BROKER, name: '7', configs: [['log.retention.ms', SET, '5']] }], true),
  );
  c.one('unknown resource type', incrementalBody([{ type: 99, name: '1', configs: [['root', SET, 'INFO']] }], true));
  return c.cases;
}

/** AlterConfigs (key 33): the given configs replace the topic's own. */
export function alterConfigsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(33, v);
  const body = (name: string, configs: [string, string | null][], validateOnly = false, type = TOPIC) =>
    request('AlterConfigs', {
      resources: [
        { resourceType: type, resourceName: name, configs: configs.map(([n, value]) => ({ name: n, value })) },
      ],
      validateOnly,
    });
  const t = `${world.prefix}ac-v${v}`;
  c.steps('replace own configs', [
    createStep(ctx, t, 1, { 'retention.ms': '1000' }),
    c.step(body(t, [['segment.bytes', '2000000']]), { settleConfigs: t }),
    describeStep(ctx, t),
  ]);
  c.one('unknown config', body(world.topics.multi, [['no.such', '1']], true));
  c.one('a null value', body(world.topics.multi, [['retention.ms', null]], true));
  c.one('unknown topic', body(world.topics.missing, [['retention.ms', '5']]));
  c.one('a broker config', body('1', [['log.retention.ms', '5']], true, BROKER));
  return c.cases;
}

/** CreatePartitions (key 37). */
export function createPartitionsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(37, v);
  const body = (topics: { name: string; count: number; assignments?: number[][] | null }[], validateOnly = false) =>
    request('CreatePartitions', {
      topics: topics.map((t) => ({
        name: t.name,
        count: t.count,
        assignments: t.assignments ? t.assignments.map((brokerIds) => ({ brokerIds })) : null,
      })),
      timeoutMs: 10_000,
      validateOnly,
    });
  const t = `${world.prefix}cp-v${v}`;
  const metadata = {
    apiKey: 3,
    version: ctx.common(3) ?? 1,
    body: request('Metadata', { topics: [{ name: t }], allowAutoTopicCreation: false }),
  };
  c.steps('grow, again to the same count, then shrink, then with an assignment', [
    createStep(ctx, t, 1),
    c.step(body([{ name: t, count: 3 }]), { settle: true }),
    c.step(body([{ name: t, count: 3 }])),
    c.step(body([{ name: t, count: 2 }])),
    c.step(body([{ name: t, count: 4, assignments: [[1]] }]), { settle: true }),
    metadata,
  ]);
  c.one('validate only', body([{ name: world.topics.multi, count: 5 }], true));
  c.one('unknown topic', body([{ name: world.topics.missing, count: 3 }]));
  c.one('invalid name', body([{ name: world.topics.invalid, count: 3 }]));
  c.one(
    'the same topic twice',
    body(
      [
        { name: world.topics.multi, count: 5 },
        { name: world.topics.multi, count: 6 },
      ],
      true,
    ),
  );
  c.one('assignments of the wrong count', body([{ name: world.topics.multi, count: 6, assignments: [[1]] }], true));
  c.one(
    'an unknown broker in the assignment',
    body([{ name: world.topics.multi, count: 4, assignments: [[7]] }], true),
  );
  c.one(
    'a broker twice in the assignment',
    body([{ name: world.topics.multi, count: 4, assignments: [[1, 1]] }], true),
  );
  c.one('an empty assignment', body([{ name: world.topics.multi, count: 4, assignments: [[]] }], true));
  c.one('too many new partitions', body([{ name: world.topics.multi, count: 20_000 }], true));
  c.one('no topics', body([]));
  return c.cases;
}
