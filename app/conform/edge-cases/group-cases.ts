/**
 * Hand-written cases for the classic consumer-group APIs: FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups,
 * DeleteGroups. Every case that makes a member leaves again, so no member expires later
 * and changes another case's answer.
 */
import { request, topicIdOf, type CaseStep, type ConformCase, type PreviousAnswers } from '../conform-case.ts';
import { CaseList, type EdgeContext } from './edge-context.ts';

// Opaque to the coordinator: it stores and forwards them without parsing.
const PROTOCOL_METADATA = Buffer.from('kconform member metadata');
const ASSIGNMENT = Buffer.from('kconform assignment');

/** A group id of its own for one case, so cases do not see each other's members. */
function groupFor(ctx: EdgeContext, api: string, n: number): string {
  return `${ctx.world.prefix}g-${api}-v${ctx.version}-${n}`;
}

function joinBody(
  group: string,
  memberId: string,
  protocolType = 'consumer',
  sessionTimeoutMs = 10_000,
  protocols = [{ name: 'range', metadata: PROTOCOL_METADATA }],
): Record<string, unknown> {
  return request('JoinGroup', {
    groupId: group,
    sessionTimeoutMs,
    rebalanceTimeoutMs: 1000,
    memberId,
    groupInstanceId: null,
    protocolType,
    protocols,
    reason: null,
  });
}

function syncBody(group: string, generationId: number, memberId: string, assign = true): Record<string, unknown> {
  return request('SyncGroup', {
    groupId: group,
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: assign ? [{ memberId, assignment: ASSIGNMENT }] : [],
  });
}

function heartbeatBody(group: string, generationId: number, memberId: string): Record<string, unknown> {
  return request('Heartbeat', { groupId: group, generationId, memberId, groupInstanceId: null });
}

function leaveBody(group: string, memberIds: string[]): Record<string, unknown> {
  return request('LeaveGroup', {
    groupId: group,
    memberId: memberIds[0] ?? '',
    members: memberIds.map((memberId) => ({ memberId, groupInstanceId: null, reason: null })),
  });
}

/** Steps that make one member join `group` (and sync), and how later steps find its id and generation. */
interface Membership {
  steps: CaseStep[];
  member: (prev: PreviousAnswers) => string;
  generation: (prev: PreviousAnswers) => number;
  /** A step that makes the member leave (compared or not). */
  leave: (compare?: boolean) => CaseStep;
}

/**
 * Joins `group` at JoinGroup `joinVersion` (v4+: first MEMBER_ID_REQUIRED, then the join with
 * the given id), then syncs if asked. Steps are compared only when `compare` is set.
 */
function membership(
  ctx: EdgeContext,
  group: string,
  opts: { joinVersion?: number; sync?: boolean; compare?: boolean; first?: number } = {},
): Membership | undefined {
  const vj = opts.joinVersion ?? ctx.common(11);
  const vs = ctx.common(14);
  const vl = ctx.common(13);
  if (vj === undefined || vl === undefined || (opts.sync && vs === undefined)) return undefined;
  const first = opts.first ?? 0;
  const compare = opts.compare ?? false;
  const steps: CaseStep[] = [];
  steps.push({ apiKey: 11, version: vj, body: joinBody(group, ''), compare });
  let joined = first;
  if (vj >= 4) {
    steps.push({
      apiKey: 11,
      version: vj,
      body: (prev: PreviousAnswers) => joinBody(group, prev[first]?.memberId),
      compare,
    });
    joined = first + 1;
  }
  const member = (prev: PreviousAnswers) => prev[joined]?.memberId;
  const generation = (prev: PreviousAnswers) => prev[joined]?.generationId;
  if (opts.sync)
    steps.push({
      apiKey: 14,
      version: vs!,
      body: (prev: PreviousAnswers) => syncBody(group, generation(prev), member(prev)),
      compare,
    });
  return {
    steps,
    member,
    generation,
    leave: (c = false) => ({
      apiKey: 13,
      version: vl,
      body: (prev: PreviousAnswers) => leaveBody(group, [member(prev)]),
      compare: c,
    }),
  };
}

/** FindCoordinator (key 10). */
export function findCoordinatorCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(10, v);
  const find = (key: string, keyType = 0, keys: string[] = [key]) =>
    request('FindCoordinator', { key, keyType, coordinatorKeys: keys });
  c.one('group', find(world.groups.committed));
  c.one('group never used', find(world.groups.missing));
  c.one('empty key', find(''));
  if (v >= 1) {
    c.one('transaction coordinator', find(`${world.prefix}txn`, 1));
    c.one('key type 7 (unknown)', find(world.groups.committed, 7));
  }
  if (v >= 4) {
    c.one('several keys', find('', 0, [world.groups.committed, world.groups.missing]));
    c.one('no keys', find('', 0, []));
  }
  if (v >= 6) c.one('share group key', find(`${world.groups.committed}:${topicIdOf(world.topics.multi)}:0`, 2));
  return c.cases;
}

/** JoinGroup (key 11). */
export function joinGroupCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(11, v);
  const m = membership(ctx, groupFor(ctx, 'join', 0), { joinVersion: v, compare: true });
  if (m) c.steps('a new member joins an empty group', [...m.steps, m.leave()]);
  c.one('unknown member id on a new group', joinBody(groupFor(ctx, 'join', 1), 'nobody'));
  c.one('empty group id', joinBody('', ''));
  c.one('session timeout below the minimum', joinBody(groupFor(ctx, 'join', 2), '', 'consumer', 1));
  c.one('session timeout above the maximum', joinBody(groupFor(ctx, 'join', 3), '', 'consumer', 2_000_000));
  c.one('no protocols', joinBody(groupFor(ctx, 'join', 4), '', 'consumer', 10_000, []));
  c.one('empty protocol type', joinBody(groupFor(ctx, 'join', 5), '', ''));
  const g6 = groupFor(ctx, 'join', 6);
  const m6 = membership(ctx, g6, { sync: true });
  if (m6) {
    c.steps('a second member with another protocol type', [
      ...m6.steps,
      { apiKey: 11, version: v, body: joinBody(g6, '', 'connect') },
      m6.leave(),
    ]);
  }
  return c.cases;
}

/** SyncGroup (key 14). */
export function syncGroupCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(14, v);
  const cases: [string, (g: string, m: Membership) => CaseStep[]][] = [
    [
      'the leader sends the assignment',
      (g, m) => [c.step((p: PreviousAnswers) => syncBody(g, m.generation(p), m.member(p)))],
    ],
    ['wrong generation', (g, m) => [c.step((p: PreviousAnswers) => syncBody(g, m.generation(p) + 5, m.member(p)))]],
    ['unknown member', (g, m) => [c.step((p: PreviousAnswers) => syncBody(g, m.generation(p), 'nobody', false))]],
    [
      'the leader sends no assignment',
      (g, m) => [c.step((p: PreviousAnswers) => syncBody(g, m.generation(p), m.member(p), false))],
    ],
  ];
  cases.forEach(([name, make], i) => {
    const g = groupFor(ctx, 'sync', i);
    const m = membership(ctx, g);
    if (m) c.steps(name, [...m.steps, ...make(g, m), m.leave()]);
  });
  c.one('unknown group', syncBody(groupFor(ctx, 'sync', 9), 1, 'nobody'));
  if (v >= 5) {
    const g = groupFor(ctx, 'sync', 5);
    const m = membership(ctx, g);
    if (m)
      c.steps('protocol type differs from the join', [
        ...m.steps,
        c.step((p: PreviousAnswers) => ({ ...syncBody(g, m.generation(p), m.member(p)), protocolType: 'connect' })),
        m.leave(),
      ]);
  }
  return c.cases;
}

/** Heartbeat (key 12). */
export function heartbeatCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(12, v);
  const flows: [string, boolean, (g: string, m: Membership) => CaseStep][] = [
    ['a synced member', true, (g, m) => c.step((p: PreviousAnswers) => heartbeatBody(g, m.generation(p), m.member(p)))],
    [
      'a member before sync',
      false,
      (g, m) => c.step((p: PreviousAnswers) => heartbeatBody(g, m.generation(p), m.member(p))),
    ],
    [
      'wrong generation',
      true,
      (g, m) => c.step((p: PreviousAnswers) => heartbeatBody(g, m.generation(p) + 1, m.member(p))),
    ],
    ['unknown member', true, (g, m) => c.step((p: PreviousAnswers) => heartbeatBody(g, m.generation(p), 'nobody'))],
  ];
  flows.forEach(([name, sync, make], i) => {
    const g = groupFor(ctx, 'hb', i);
    const m = membership(ctx, g, { sync });
    if (m) c.steps(name, [...m.steps, make(g, m), m.leave()]);
  });
  c.one('unknown group', heartbeatBody(groupFor(ctx, 'hb', 9), 1, 'nobody'));
  c.one('empty group id', heartbeatBody('', 1, 'nobody'));
  return c.cases;
}

/** LeaveGroup (key 13). */
export function leaveGroupCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(13, v);
  const g0 = groupFor(ctx, 'leave', 0);
  const m0 = membership(ctx, g0, { sync: true });
  if (m0)
    c.steps('a synced member leaves', [
      ...m0.steps,
      c.step((p: PreviousAnswers) => leaveBody(g0, [m0.member(p)])),
      c.step((p: PreviousAnswers) => leaveBody(g0, [m0.member(p)])),
    ]);
  const g1 = groupFor(ctx, 'leave', 1);
  const m1 = membership(ctx, g1, { sync: true });
  if (m1)
    c.steps('an unknown member leaves a live group', [...m1.steps, c.step(leaveBody(g1, ['nobody'])), m1.leave()]);
  c.one('unknown group', leaveBody(groupFor(ctx, 'leave', 9), ['nobody']));
  c.one('empty group id', leaveBody('', ['nobody']));
  if (v >= 3) {
    const g2 = groupFor(ctx, 'leave', 2);
    const m2 = membership(ctx, g2, { sync: true });
    if (m2)
      c.steps('a batch of a known and an unknown member', [
        ...m2.steps,
        c.step((p: PreviousAnswers) => leaveBody(g2, [m2.member(p), 'nobody'])),
      ]);
    c.one('an empty batch', leaveBody(groupFor(ctx, 'leave', 3), []));
  }
  return c.cases;
}

function commitBody(
  group: string,
  topic: string,
  partitions: { partition: number; offset: bigint; metadata?: string | null }[],
  generation = -1,
  memberId = '',
): Record<string, unknown> {
  return request('OffsetCommit', {
    groupId: group,
    generationIdOrMemberEpoch: generation,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: topic,
        topicId: topicIdOf(topic),
        partitions: partitions.map((p) => ({
          partitionIndex: p.partition,
          committedOffset: p.offset,
          committedLeaderEpoch: -1,
          committedMetadata: p.metadata ?? null,
        })),
      },
    ],
  });
}

/** OffsetCommit (key 8). */
export function offsetCommitCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const { multi, missing } = world.topics;
  const c = new CaseList(8, v);
  const g = groupFor(ctx, 'commit', 0);
  c.one(
    'simple commit (no generation)',
    commitBody(g, multi, [
      { partition: 0, offset: 3n, metadata: 'm' },
      { partition: 1, offset: 1n },
    ]),
  );
  c.one('commit past the end of the log', commitBody(g, multi, [{ partition: 2, offset: 1000n }]));
  c.one('negative offset', commitBody(g, multi, [{ partition: 2, offset: -5n }]));
  c.one('unknown topic', commitBody(g, missing, [{ partition: 0, offset: 1n }]));
  c.one('partition out of range', commitBody(g, multi, [{ partition: 7, offset: 1n }]));
  c.one('metadata over 4096 bytes', commitBody(g, multi, [{ partition: 0, offset: 1n, metadata: 'x'.repeat(5000) }]));
  c.one('empty group id', commitBody('', multi, [{ partition: 0, offset: 1n }]));
  c.one(
    'generation and member on a group that does not exist',
    commitBody(groupFor(ctx, 'commit', 1), multi, [{ partition: 0, offset: 1n }], 3, 'nobody'),
  );
  const g2 = groupFor(ctx, 'commit', 2);
  const m2 = membership(ctx, g2, { sync: true });
  if (m2) {
    c.steps('a synced member commits', [
      ...m2.steps,
      c.step((p: PreviousAnswers) =>
        commitBody(g2, multi, [{ partition: 0, offset: 2n }], m2.generation(p), m2.member(p)),
      ),
      m2.leave(),
    ]);
    const g3 = groupFor(ctx, 'commit', 3);
    const m3 = membership(ctx, g3, { sync: true })!;
    c.steps('a member commits with a stale generation', [
      ...m3.steps,
      c.step((p: PreviousAnswers) =>
        commitBody(g3, multi, [{ partition: 0, offset: 2n }], m3.generation(p) - 1, m3.member(p)),
      ),
      m3.leave(),
    ]);
    const g4 = groupFor(ctx, 'commit', 4);
    const m4 = membership(ctx, g4, { sync: true })!;
    c.steps('a simple commit into a group with members', [
      ...m4.steps,
      c.step(commitBody(g4, multi, [{ partition: 0, offset: 2n }])),
      m4.leave(),
    ]);
  }
  return c.cases;
}

/** OffsetFetch (key 9): v0-7 ask one group, v8+ several. */
export function offsetFetchCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const { multi, missing } = world.topics;
  const c = new CaseList(9, v);
  const fetch = (group: string, topics: { name: string; partitions: number[] }[] | null, requireStable = false) =>
    v >= 8
      ? request('OffsetFetch', {
          groupId: '',
          topics: [],
          groups: [
            {
              groupId: group,
              memberId: null,
              memberEpoch: -1,
              topics:
                topics?.map((t) => ({ name: t.name, topicId: topicIdOf(t.name), partitionIndexes: t.partitions })) ??
                null,
            },
          ],
          requireStable,
        })
      : request('OffsetFetch', {
          groupId: group,
          topics: topics?.map((t) => ({ name: t.name, partitionIndexes: t.partitions })) ?? null,
          requireStable,
        });
  c.one('committed partitions', fetch(world.groups.committed, [{ name: multi, partitions: [0, 1, 2] }]));
  if (v >= 2) c.one('every committed offset (topics null)', fetch(world.groups.committed, null));
  c.one('group never used', fetch(world.groups.missing, [{ name: multi, partitions: [0] }]));
  c.one('unknown topic', fetch(world.groups.committed, [{ name: missing, partitions: [0] }]));
  c.one('partition out of range', fetch(world.groups.committed, [{ name: multi, partitions: [7] }]));
  c.one('empty group id', fetch('', [{ name: multi, partitions: [0] }]));
  if (v >= 7) c.one('require stable', fetch(world.groups.committed, [{ name: multi, partitions: [0] }], true));
  if (v >= 8) {
    c.one(
      'two groups',
      request('OffsetFetch', {
        groupId: '',
        topics: [],
        groups: [world.groups.committed, world.groups.missing].map((groupId) => ({
          groupId,
          memberId: null,
          memberEpoch: -1,
          topics: null,
        })),
        requireStable: false,
      }),
    );
    c.one('no groups', request('OffsetFetch', { groupId: '', topics: [], groups: [], requireStable: false }));
  }
  return c.cases;
}

/** DescribeGroups (key 15). */
export function describeGroupsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(15, v);
  const describe = (groups: string[], includeAuthorizedOperations = false) =>
    request('DescribeGroups', { groups, includeAuthorizedOperations });
  c.one('a group with committed offsets and no members', describe([world.groups.committed]));
  c.one('group never used', describe([world.groups.missing]));
  c.one('empty group id', describe(['']));
  c.one('no groups', describe([]));
  if (v >= 3) c.one('with authorized operations', describe([world.groups.committed], true));
  const g = groupFor(ctx, 'describe', 0);
  const m = membership(ctx, g, { sync: true });
  if (m)
    c.steps('a stable group with one member', [...m.steps, c.step(describe([g, world.groups.missing])), m.leave()]);
  const g1 = groupFor(ctx, 'describe', 1);
  const m1 = membership(ctx, g1);
  if (m1) c.steps('a group waiting for sync', [...m1.steps, c.step(describe([g1])), m1.leave()]);
  return c.cases;
}

/** ListGroups (key 16). */
export function listGroupsCases(ctx: EdgeContext): ConformCase[] {
  const v = ctx.version;
  const c = new CaseList(16, v);
  const list = (statesFilter: string[] = [], typesFilter: string[] = []) =>
    request('ListGroups', { statesFilter, typesFilter });
  c.one('every group', list());
  if (v >= 4) {
    c.one('state Empty', list(['Empty']));
    c.one('state Stable', list(['Stable']));
    c.one('unknown state', list(['Sleeping']));
  }
  if (v >= 5) {
    c.one('type classic', list([], ['classic']));
    c.one('type consumer', list([], ['consumer']));
    c.one('unknown type', list([], ['nonsense']));
  }
  return c.cases;
}

/** DeleteGroups (key 42). */
export function deleteGroupsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const c = new CaseList(42, v);
  const del = (groups: string[]) => request('DeleteGroups', { groupsNames: groups });
  const vc = ctx.common(8);
  const g0 = groupFor(ctx, 'delete', 0);
  if (vc !== undefined)
    c.steps('a group with committed offsets only', [
      {
        apiKey: 8,
        version: vc,
        body: commitBody(g0, world.topics.multi, [{ partition: 0, offset: 1n }]),
        compare: false,
      },
      c.step(del([g0])),
      c.step(del([g0])),
    ]);
  c.one('group never used', del([world.groups.missing]));
  c.one('empty group id', del(['']));
  c.one('no groups', del([]));
  const g1 = groupFor(ctx, 'delete', 1);
  const m1 = membership(ctx, g1, { sync: true });
  if (m1) c.steps('a group with a member', [...m1.steps, c.step(del([g1])), m1.leave(), c.step(del([g1]))]);
  return c.cases;
}

/** OffsetCommit at the highest common version, for the preparation (simple consumer commits). */
export { commitBody };
