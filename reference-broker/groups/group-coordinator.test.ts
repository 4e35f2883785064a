import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.ts';
import type { FakeClock } from './fake-clock.ts';
import { GroupCoordinator } from './group-coordinator.ts';
import { fakeCoordinator, flush, joinInput, protocol, syncInput, track } from './testing.ts';
import type { JoinGroupInput, JoinGroupResult } from './types.ts';

let clock: FakeClock;
let gc: GroupCoordinator;
afterEach(() => gc?.close());

function setup(config: Parameters<typeof fakeCoordinator>[0] = {}) {
  ({ clock, gc } = fakeCoordinator(config));
}

/** Joins every input at once, lets the (0 ms) initial delay run, and returns the responses. */
async function joinAll(...inputs: Partial<JoinGroupInput>[]): Promise<JoinGroupResult[]> {
  const pending = inputs.map((i) => track(gc.joinGroup(joinInput(i))));
  clock.advance(0);
  await flush();
  return pending.map((p) => p.value);
}

/** Forms a Stable group of the given clients; returns their member ids (leader first in join order). */
async function stableGroup(
  ...clients: (string | Partial<JoinGroupInput>)[]
): Promise<{ ids: string[]; generationId: number; leader: string }> {
  const joins = await joinAll(...clients.map((c) => (typeof c === 'string' ? { clientId: c } : c)));
  const leader = joins[0]!.leader;
  const generationId = joins[0]!.generationId;
  const syncs = joins.map((j) =>
    gc.syncGroup(
      syncInput({
        memberId: j.memberId,
        generationId,
        assignments:
          j.memberId === leader
            ? joins.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`a:${m.memberId}`) }))
            : [],
      }),
    ),
  );
  await Promise.all(syncs);
  return { ids: joins.map((j) => j.memberId), generationId, leader };
}

describe('GroupCoordinator join and sync', () => {
  it('forms one generation from two members: the leader gets the member list, both get their assignment', async () => {
    setup();
    const [a, b] = await joinAll(
      { clientId: 'a', protocols: [protocol('range', 'meta-a')] },
      { clientId: 'b', protocols: [protocol('range', 'meta-b')] },
    );
    expect(a!.errorCode).toBe(ErrorCode.NONE);
    expect(b!.errorCode).toBe(ErrorCode.NONE);
    expect(a!.memberId).toBe('a-u1');
    expect(b!.memberId).toBe('b-u2');
    expect(a!.generationId).toBe(1);
    expect(b!.generationId).toBe(1);
    expect(a!.leader).toBe('a-u1');
    expect(b!.leader).toBe('a-u1');
    expect(a!.protocolName).toBe('range');
    expect(a!.protocolType).toBe('consumer');
    expect(a!.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual([
      ['a-u1', 'meta-a'],
      ['b-u2', 'meta-b'],
    ]);
    expect(b!.members).toEqual([]);
    expect(gc.inspect('g')!.state).toBe('CompletingRebalance');

    const follower = track(gc.syncGroup(syncInput({ memberId: 'b-u2', generationId: 1 })));
    await flush();
    expect(follower.done).toBe(false);
    const leader = await gc.syncGroup(
      syncInput({
        memberId: 'a-u1',
        generationId: 1,
        assignments: [
          { memberId: 'a-u1', assignment: Buffer.from('p0') },
          { memberId: 'b-u2', assignment: Buffer.from('p1') },
        ],
      }),
    );
    await flush();
    expect(leader).toEqual({
      errorCode: 0,
      protocolType: 'consumer',
      protocolName: 'range',
      assignment: Buffer.from('p0'),
    });
    expect(follower.value).toEqual({
      errorCode: 0,
      protocolType: 'consumer',
      protocolName: 'range',
      assignment: Buffer.from('p1'),
    });
    expect(gc.inspect('g')!.state).toBe('Stable');
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: 'b-u2', groupInstanceId: null })).toBe(
      ErrorCode.NONE,
    );
  });

  it('rebalances when a third member joins: the others are told by heartbeat, rejoin, and share a new generation', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const [a, b] = ids as [string, string];
    const third = track(gc.joinGroup(joinInput({ clientId: 'c' })));
    await flush();
    expect(third.done).toBe(false);
    expect(gc.inspect('g')!.state).toBe('PreparingRebalance');
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null })).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const ra = track(gc.joinGroup(joinInput({ clientId: 'a', memberId: a })));
    await flush();
    expect(ra.done).toBe(false);
    const rb = await gc.joinGroup(joinInput({ clientId: 'b', memberId: b }));
    await flush();
    for (const r of [ra.value, rb, third.value]) {
      expect(r.errorCode).toBe(ErrorCode.NONE);
      expect(r.generationId).toBe(2);
      expect(r.leader).toBe(a);
    }
    expect(ra.value.members.map((m) => m.memberId)).toEqual([a, b, 'c-u3']);
    // The old generation is over.
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
    expect((await gc.syncGroup(syncInput({ memberId: b, generationId: 1 }))).errorCode).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
  });

  it('evicts a member that stops heartbeating after its session timeout, and rebalances without it', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const [a, b] = ids as [string, string];
    for (let t = 0; t < 2; t++) {
      clock.advance(4000);
      expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(ErrorCode.NONE);
    }
    clock.advance(1999);
    expect(gc.inspect('g')!.state).toBe('Stable');
    clock.advance(1); // b was last heard from at its sync, 10 s (its session timeout) ago
    expect(gc.inspect('g')!.members.map((m) => m.memberId)).toEqual([a]);
    expect(gc.inspect('g')!.state).toBe('PreparingRebalance');
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: null })).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const r = await gc.joinGroup(joinInput({ clientId: 'a', memberId: a }));
    expect(r).toMatchObject({ errorCode: 0, generationId: 2, leader: a });
    expect(r.members.map((m) => m.memberId)).toEqual([a]);
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    setup();
    // Rebalance timeout below the session timeout, so the deadline and not the session removes b.
    const { ids } = await stableGroup(
      { clientId: 'a', rebalanceTimeoutMs: 5000 },
      { clientId: 'b', rebalanceTimeoutMs: 5000 },
    );
    const [a, b] = ids as [string, string];
    const ra = track(gc.joinGroup(joinInput({ clientId: 'a', memberId: a, rebalanceTimeoutMs: 5000 }))); // leader rejoin forces a rebalance
    await flush();
    expect(ra.done).toBe(false);
    clock.advance(4999);
    await flush();
    expect(ra.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(ra.value).toMatchObject({ errorCode: 0, generationId: 2, leader: a });
    expect(gc.inspect('g')!.members.map((m) => m.memberId)).toEqual([a]);
    expect(gc.heartbeat({ groupId: 'g', generationId: 2, memberId: b, groupInstanceId: null })).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('drops members that do not sync within the rebalance timeout', async () => {
    setup();
    const [a, b] = await joinAll(
      { clientId: 'a', rebalanceTimeoutMs: 5000 },
      { clientId: 'b', rebalanceTimeoutMs: 5000 },
    );
    const leaderSync = await gc.syncGroup(syncInput({ memberId: a!.memberId, generationId: 1 }));
    expect(leaderSync.errorCode).toBe(ErrorCode.NONE);
    expect(gc.inspect('g')!.state).toBe('Stable');
    clock.advance(4999);
    expect(gc.inspect('g')!.members).toHaveLength(2);
    clock.advance(1);
    expect(gc.inspect('g')!.members.map((m) => m.memberId)).toEqual([a!.memberId]);
    expect(gc.inspect('g')!.state).toBe('PreparingRebalance');
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: b!.memberId, groupInstanceId: null })).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('answers waiting followers REBALANCE_IN_PROGRESS when a rebalance starts before the leader syncs', async () => {
    setup();
    const [a, b] = await joinAll({ clientId: 'a' }, { clientId: 'b' });
    const follower = track(gc.syncGroup(syncInput({ memberId: b!.memberId, generationId: 1 })));
    const newcomer = track(gc.joinGroup(joinInput({ clientId: 'c' })));
    await flush();
    expect(follower.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(newcomer.done).toBe(false);
    const leaderSync = await gc.syncGroup(syncInput({ memberId: a!.memberId, generationId: 1 }));
    expect(leaderSync.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('gives members the leader left out an empty assignment', async () => {
    setup();
    const [a, b] = await joinAll({ clientId: 'a' }, { clientId: 'b' });
    const follower = gc.syncGroup(syncInput({ memberId: b!.memberId, generationId: 1 }));
    await gc.syncGroup(
      syncInput({
        memberId: a!.memberId,
        generationId: 1,
        assignments: [{ memberId: a!.memberId, assignment: Buffer.from('x') }],
      }),
    );
    expect((await follower).assignment).toEqual(Buffer.alloc(0));
  });

  it('rejects SyncGroup with a wrong generation, an unknown member, during a rebalance, or a mismatching protocol', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const [a, b] = ids as [string, string];
    expect((await gc.syncGroup(syncInput({ memberId: a, generationId: 7 }))).errorCode).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
    expect((await gc.syncGroup(syncInput({ memberId: 'nobody', generationId: 1 }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect((await gc.syncGroup(syncInput({ groupId: 'nope', memberId: a, generationId: 1 }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(
      (await gc.syncGroup(syncInput({ memberId: a, generationId: 1, protocolName: 'roundrobin' }))).errorCode,
    ).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // Stable: a repeated sync just returns the stored assignment.
    expect((await gc.syncGroup(syncInput({ memberId: b, generationId: 1 }))).assignment.toString()).toBe(`a:${b}`);
    void gc.joinGroup(joinInput({ clientId: 'c' }));
    expect((await gc.syncGroup(syncInput({ memberId: b, generationId: 1 }))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  });

  it('repeats the JoinGroup answer to a member that rejoins unchanged while the group completes its rebalance', async () => {
    setup();
    const [a, b] = await joinAll({ clientId: 'a' }, { clientId: 'b' });
    const again = await gc.joinGroup(joinInput({ clientId: 'b', memberId: b!.memberId }));
    expect(again).toEqual(b);
    const leaderAgain = await gc.joinGroup(joinInput({ clientId: 'a', memberId: a!.memberId }));
    expect(leaderAgain).toEqual(a);
    expect(gc.inspect('g')!.generationId).toBe(1);
  });

  it('answers a follower that rejoins a Stable group unchanged without a rebalance', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const r = await gc.joinGroup(joinInput({ clientId: 'b', memberId: ids[1] }));
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, leader: ids[0], members: [] });
    expect(gc.inspect('g')!.state).toBe('Stable');
  });

  it('waits group.initial.rebalance.delay.ms for more members, extending while they arrive', async () => {
    setup({ config: { groupInitialRebalanceDelayMs: 3000 } });
    const a = track(gc.joinGroup(joinInput({ clientId: 'a' })));
    clock.advance(1000);
    const b = track(gc.joinGroup(joinInput({ clientId: 'b' })));
    clock.advance(1999);
    await flush();
    expect(a.done).toBe(false);
    clock.advance(1); // t = 3000: b arrived, so the delay is extended once more
    await flush();
    expect(a.done).toBe(false);
    clock.advance(2999);
    await flush();
    expect(a.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(a.value.generationId).toBe(1);
    expect(b.value.generationId).toBe(1);
    expect(a.value.members).toHaveLength(2);
  });

  it('selects the protocol every member supports with the most votes', async () => {
    setup();
    const [a] = await joinAll(
      { clientId: 'a', protocols: [protocol('range'), protocol('roundrobin'), protocol('sticky')] },
      { clientId: 'b', protocols: [protocol('roundrobin'), protocol('range')] },
      { clientId: 'c', protocols: [protocol('sticky'), protocol('roundrobin'), protocol('range')] },
    );
    // sticky is not supported by b; a votes range, b and c vote roundrobin.
    expect(a!.protocolName).toBe('roundrobin');
    expect(a!.members.map((m) => m.metadata.toString())).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
  });

  it('rejects a member whose protocols or protocol type the group does not share', async () => {
    setup();
    await stableGroup('a');
    const other = await gc.joinGroup(joinInput({ clientId: 'b', protocols: [protocol('roundrobin')] }));
    expect(other).toMatchObject({
      errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
      memberId: '',
      generationId: -1,
      leader: '',
    });
    const connect = await gc.joinGroup(joinInput({ clientId: 'b', protocolType: 'connect' }));
    expect(connect.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const none = await gc.joinGroup(joinInput({ groupId: 'h', protocols: [] }));
    expect(none.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(gc.inspect('g')!.state).toBe('Stable');
  });

  it('validates the request before anything else', async () => {
    setup({ config: { groupMinSessionTimeoutMs: 6000, groupMaxSessionTimeoutMs: 60_000 } });
    expect((await gc.joinGroup(joinInput({ sessionTimeoutMs: 5999 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await gc.joinGroup(joinInput({ sessionTimeoutMs: 60_001 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await gc.joinGroup(joinInput({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await gc.joinGroup(joinInput({ memberId: 'stale' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.inspect('g')).toBeNull();
  });

  it('answers GROUP_MAX_SIZE_REACHED beyond group.max.size', async () => {
    setup({ config: { groupMaxSize: 1 } });
    await stableGroup('a');
    const r = await gc.joinGroup(joinInput({ clientId: 'b' }));
    expect(r).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' });
    expect(gc.inspect('g')!.state).toBe('Stable');
  });
});

describe('GroupCoordinator member id required (KIP-394)', () => {
  it('answers a first JoinGroup v4+ with MEMBER_ID_REQUIRED and a member id, then admits that id', async () => {
    setup();
    const first = await gc.joinGroup(joinInput({ clientId: 'consumer-1', requireKnownMemberId: true }));
    expect(first).toEqual({
      errorCode: ErrorCode.MEMBER_ID_REQUIRED,
      memberId: 'consumer-1-u1',
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      skipAssignment: false,
      members: [],
    });
    expect(gc.inspect('g')).toMatchObject({ state: 'Empty', members: [], pendingMemberIds: ['consumer-1-u1'] });
    const second = track(
      gc.joinGroup(joinInput({ clientId: 'consumer-1', memberId: first.memberId, requireKnownMemberId: true })),
    );
    clock.advance(0);
    await flush();
    expect(second.value).toMatchObject({
      errorCode: 0,
      memberId: 'consumer-1-u1',
      generationId: 1,
      leader: 'consumer-1-u1',
    });
    expect(gc.inspect('g')!.pendingMemberIds).toEqual([]);
  });

  it('holds a rebalance for a pending member until its session times out', async () => {
    setup();
    const { ids } = await stableGroup('a');
    const pending = await gc.joinGroup(
      joinInput({ clientId: 'b', requireKnownMemberId: true, sessionTimeoutMs: 5000 }),
    );
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(gc.inspect('g')!.state).toBe('Stable'); // a pending id alone does not rebalance
    const rejoin = track(gc.joinGroup(joinInput({ clientId: 'a', memberId: ids[0] })));
    await flush();
    expect(rejoin.done).toBe(false);
    clock.advance(5000);
    await flush();
    expect(rejoin.value).toMatchObject({ errorCode: 0, generationId: 2 });
    expect(rejoin.value.members.map((m) => m.memberId)).toEqual([ids[0]]);
    // The expired id is no longer welcome.
    const late = await gc.joinGroup(
      joinInput({ clientId: 'b', memberId: pending.memberId, requireKnownMemberId: true }),
    );
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('lets a pending member leave', async () => {
    setup();
    const pending = await gc.joinGroup(joinInput({ requireKnownMemberId: true }));
    const r = gc.leaveGroup({ groupId: 'g', members: [{ memberId: pending.memberId, groupInstanceId: null }] });
    expect(r).toEqual({ errorCode: 0, members: [{ memberId: pending.memberId, groupInstanceId: null, errorCode: 0 }] });
    expect(gc.inspect('g')!.pendingMemberIds).toEqual([]);
  });
});

describe('GroupCoordinator leave', () => {
  it('rebalances when a member leaves and becomes Empty when the last one does', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const [a, b] = ids as [string, string];
    const left = gc.leaveGroup({ groupId: 'g', members: [{ memberId: b, groupInstanceId: null, reason: 'shutdown' }] });
    expect(left).toEqual({ errorCode: 0, members: [{ memberId: b, groupInstanceId: null, errorCode: 0 }] });
    expect(gc.inspect('g')!.state).toBe('PreparingRebalance');
    const r = await gc.joinGroup(joinInput({ clientId: 'a', memberId: a }));
    expect(r).toMatchObject({ generationId: 2, leader: a });
    await gc.syncGroup(syncInput({ memberId: a, generationId: 2 }));
    gc.leaveGroup({ groupId: 'g', members: [{ memberId: a, groupInstanceId: null }] });
    expect(gc.inspect('g')).toMatchObject({
      state: 'Empty',
      generationId: 3,
      members: [],
      leaderId: null,
      protocolName: null,
    });
  });

  it('answers unknown members and groups per Kafka', () => {
    setup();
    // Kafka 4.4's GroupCoordinatorService: a group it does not know answers each member UNKNOWN_MEMBER_ID under a top-level NONE
    expect(gc.leaveGroup({ groupId: 'nope', members: [{ memberId: 'x', groupInstanceId: null }] })).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: 'x', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    });
    expect(gc.leaveGroup({ groupId: 'nope', members: [] })).toEqual({ errorCode: ErrorCode.NONE, members: [] });
    expect(gc.leaveGroup({ groupId: '', members: [] }).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('answers the parked JoinGroup of a member that leaves mid-rebalance', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const ra = track(gc.joinGroup(joinInput({ clientId: 'a', memberId: ids[0] })));
    gc.leaveGroup({ groupId: 'g', members: [{ memberId: ids[0]!, groupInstanceId: null }] });
    await flush();
    expect(ra.value).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' });
  });
});

describe('GroupCoordinator static membership (KIP-345)', () => {
  async function staticGroup() {
    const joins = await joinAll(
      { clientId: 'a', groupInstanceId: 'ia', rebalanceTimeoutMs: 5000 },
      { clientId: 'b', groupInstanceId: 'ib', rebalanceTimeoutMs: 5000 },
    );
    const [a, b] = joins as [JoinGroupResult, JoinGroupResult];
    const syncB = gc.syncGroup(syncInput({ memberId: b.memberId, groupInstanceId: 'ib', generationId: 1 }));
    await gc.syncGroup(
      syncInput({
        memberId: a.memberId,
        groupInstanceId: 'ia',
        generationId: 1,
        assignments: [
          { memberId: a.memberId, assignment: Buffer.from('A') },
          { memberId: b.memberId, assignment: Buffer.from('B') },
        ],
      }),
    );
    await syncB;
    return { a: a.memberId, b: b.memberId };
  }

  it('names static members after their instance id', async () => {
    setup();
    const { a, b } = await staticGroup();
    expect([a, b]).toEqual(['ia-u1', 'ib-u2']);
  });

  it('lets a restarted instance take its place without a rebalance, fencing the old member id', async () => {
    setup();
    const { a, b } = await staticGroup();
    const restarted = await gc.joinGroup(
      joinInput({ clientId: 'b', groupInstanceId: 'ib', requireKnownMemberId: true }),
    );
    expect(restarted).toMatchObject({
      errorCode: 0,
      memberId: 'ib-u3',
      generationId: 1,
      leader: a,
      members: [],
      skipAssignment: false,
    });
    expect(gc.inspect('g')!.state).toBe('Stable');
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: b, groupInstanceId: 'ib' })).toBe(
      ErrorCode.FENCED_INSTANCE_ID,
    );
    expect((await gc.syncGroup(syncInput({ memberId: b, groupInstanceId: 'ib', generationId: 1 }))).errorCode).toBe(
      ErrorCode.FENCED_INSTANCE_ID,
    );
    const sync = await gc.syncGroup(syncInput({ memberId: 'ib-u3', groupInstanceId: 'ib', generationId: 1 }));
    expect(sync.assignment.toString()).toBe('B');
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: 'ib-u3', groupInstanceId: 'ib' })).toBe(
      ErrorCode.NONE,
    );
  });

  it('hides the leadership of a replaced leader from clients before JoinGroup v9', async () => {
    setup();
    const { a } = await staticGroup();
    const old = await gc.joinGroup(joinInput({ clientId: 'a', groupInstanceId: 'ia' }));
    expect(old).toMatchObject({ memberId: 'ia-u3', leader: a, members: [], skipAssignment: false });
    const v9 = await gc.joinGroup(joinInput({ clientId: 'a', groupInstanceId: 'ia', supportsSkipAssignment: true }));
    expect(v9).toMatchObject({ memberId: 'ia-u4', leader: 'ia-u4', skipAssignment: true });
    expect(v9.members).toHaveLength(2);
  });

  it('keeps static members that miss a rebalance, and removes one by instance id on request', async () => {
    setup();
    const { a, b } = await staticGroup();
    const ra = track(
      gc.joinGroup(joinInput({ clientId: 'a', groupInstanceId: 'ia', memberId: a, rebalanceTimeoutMs: 5000 })),
    );
    clock.advance(5000); // rebalance timeout: b did not rejoin but is static, so it stays
    await flush();
    expect(ra.value).toMatchObject({ errorCode: 0, generationId: 2 });
    expect(ra.value.members.map((m) => m.memberId)).toEqual([a, b]);
    const left = gc.leaveGroup({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'ib' }] });
    expect(left.members[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(gc.inspect('g')!.members.map((m) => m.memberId)).toEqual([a]);
    expect(
      gc.leaveGroup({ groupId: 'g', members: [{ memberId: 'other', groupInstanceId: 'ia' }] }).members[0]!.errorCode,
    ).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });
});

describe('GroupCoordinator offsets', () => {
  const commit = (over: Partial<Parameters<GroupCoordinator['commitOffsets']>[0]> = {}) =>
    gc.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm' }] },
      ],
      ...over,
    });
  const codes = (r: ReturnType<GroupCoordinator['commitOffsets']>) =>
    r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

  it('returns what was committed, and -1 where nothing was', () => {
    setup();
    expect(codes(commit())).toEqual([0]);
    expect(
      gc.fetchOffsets({
        groupId: 'g',
        topics: [
          { name: 't', partitions: [0, 1] },
          { name: 'u', partitions: [0] },
        ],
      }),
    ).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        {
          name: 'u',
          partitions: [
            { partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    expect(gc.fetchOffsets({ groupId: 'other', topics: null })).toEqual({ errorCode: 0, topics: [] });
  });

  it('fetches everything of a group with null topics, storing null metadata as ""', () => {
    setup();
    commit({
      topics: [
        {
          name: 'b',
          partitions: [{ partitionIndex: 1, committedOffset: 5, committedLeaderEpoch: -1, metadata: null }],
        },
        {
          name: 'a',
          partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, metadata: null }],
        },
      ],
    });
    commit({
      topics: [
        { name: 'b', partitions: [{ partitionIndex: 0, committedOffset: 6, committedLeaderEpoch: 1, metadata: 'x' }] },
      ],
    });
    const all = gc.fetchOffsets({ groupId: 'g', topics: null });
    expect(
      all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])]),
    ).toEqual([
      [
        'b',
        [
          [0, 6, 'x'],
          [1, 5, ''],
        ],
      ],
      ['a', [[0, 7, '']]],
    ]);
  });

  it('rejects commits from a stale generation, an unknown member, or during CompletingRebalance', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const [a, b] = ids as [string, string];
    expect(codes(commit({ generationId: 1, memberId: a }))).toEqual([0]);
    const rejoinA = gc.joinGroup(joinInput({ clientId: 'a', memberId: a }));
    // PreparingRebalance: the current generation may still commit.
    expect(codes(commit({ generationId: 1, memberId: b }))).toEqual([0]);
    await gc.joinGroup(joinInput({ clientId: 'b', memberId: b }));
    await rejoinA;
    expect(gc.inspect('g')).toMatchObject({ state: 'CompletingRebalance', generationId: 2 });
    expect(codes(commit({ generationId: 1, memberId: a }))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(codes(commit({ generationId: 2, memberId: a }))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    expect(codes(commit({ generationId: 2, memberId: 'ghost' }))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    // A simple-consumer commit while the group has members.
    expect(codes(commit())).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(
      gc.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [0] }] }).topics[0]!.partitions[0]!
        .committedOffset,
    ).toBe(42);
  });

  it('answers a commit with a generation to a missing group by version', () => {
    setup();
    expect(codes(commit({ generationId: 3, memberId: 'm' }))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(codes(commit({ generationId: 3, memberId: 'm', apiVersion: 9 }))).toEqual([ErrorCode.GROUP_ID_NOT_FOUND]);
    expect(gc.inspect('g')).toBeNull();
  });

  it('answers unknown partitions and oversized metadata per partition', () => {
    setup({ partitionExists: (topic) => topic !== 'missing', config: { offsetMetadataMaxBytes: 3 } });
    const r = gc.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'missing',
          partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, metadata: null }],
        },
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, metadata: 'abcd' },
            { partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, metadata: 'abc' },
          ],
        },
      ],
    });
    expect(codes(r)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.OFFSET_METADATA_TOO_LARGE,
      ErrorCode.NONE,
    ]);
  });
});

describe('GroupCoordinator describe, list, delete', () => {
  it('describes a Stable group with metadata and assignments, others without', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const d = gc.describeGroup('g');
    expect(d).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(
      d.members.map((m) => [m.memberId, m.clientId, m.memberMetadata.toString(), m.memberAssignment.toString()]),
    ).toEqual([
      [ids[0], 'a', 'range', `a:${ids[0]}`],
      [ids[1], 'b', 'range', `a:${ids[1]}`],
    ]);
    void gc.joinGroup(joinInput({ clientId: 'c' }));
    const preparing = gc.describeGroup('g');
    expect(preparing).toMatchObject({ groupState: 'PreparingRebalance', protocolData: '' });
    expect(preparing.members.every((m) => m.memberMetadata.length === 0 && m.memberAssignment.length === 0)).toBe(true);
    expect(gc.describeGroup('missing')).toEqual({
      errorCode: 0,
      groupId: 'missing',
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
    });
  });

  it('lists groups, filtered by state case-insensitively', async () => {
    setup();
    await stableGroup('a');
    gc.commitOffsets({ groupId: 'simple', generationId: -1, memberId: '', groupInstanceId: null, topics: [] });
    gc.commitOffsets({
      groupId: 'simple',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, metadata: null }],
        },
      ],
    });
    expect(gc.listGroups().groups).toEqual([
      { groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
    ]);
    expect(gc.listGroups(['stable']).groups.map((g) => g.groupId)).toEqual(['g']);
    expect(gc.listGroups(['EMPTY', 'dead']).groups.map((g) => g.groupId)).toEqual(['simple']);
  });

  it('deletes only empty groups, with their offsets', async () => {
    setup();
    const { ids } = await stableGroup('a');
    gc.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: ids[0]!,
      groupInstanceId: null,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, metadata: null }],
        },
      ],
    });
    expect(gc.deleteGroups(['g', 'missing'])).toEqual([
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    gc.leaveGroup({ groupId: 'g', members: [{ memberId: ids[0]!, groupInstanceId: null }] });
    expect(gc.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: 0 }]);
    expect(gc.inspect('g')).toBeNull();
    expect(
      gc.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [0] }] }).topics[0]!.partitions[0]!
        .committedOffset,
    ).toBe(-1);
    expect(gc.snapshot()).toEqual({ version: 1, groups: [], offsets: [] });
  });
});

describe('GroupCoordinator persistence and lifecycle', () => {
  it('restores offsets and Stable groups from a JSON snapshot, restarting sessions', async () => {
    let changes = 0;
    ({ clock, gc } = fakeCoordinator({ onPersistentStateChange: () => changes++ }));
    const { ids } = await stableGroup('a', 'b');
    const [a, b] = ids as [string, string];
    gc.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a,
      groupInstanceId: null,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 2, committedOffset: 100, committedLeaderEpoch: 4, metadata: 'meta' }],
        },
      ],
    });
    gc.commitOffsets({
      groupId: 'simple',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, metadata: null }],
        },
      ],
    });
    expect(changes).toBeGreaterThanOrEqual(4); // new group, assignment stored, two commits
    const json = JSON.parse(JSON.stringify(gc.snapshot()));
    gc.close();

    setup();
    gc.restore(json);
    expect(gc.inspect('g')).toMatchObject({
      state: 'Stable',
      generationId: 1,
      leaderId: a,
      protocolName: 'range',
      protocolType: 'consumer',
    });
    expect(gc.inspect('g')!.members.map((m) => [m.memberId, m.assignment.toString()])).toEqual([
      [a, `a:${a}`],
      [b, `a:${b}`],
    ]);
    expect(gc.inspect('simple')).toMatchObject({ state: 'Empty', generationId: 0 });
    expect(gc.fetchOffsets({ groupId: 'g', topics: null }).topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 2, committedOffset: 100, committedLeaderEpoch: 4, metadata: 'meta', errorCode: 0 },
        ],
      },
    ]);
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(ErrorCode.NONE);
    expect((await gc.syncGroup(syncInput({ memberId: b, generationId: 1 }))).assignment.toString()).toBe(`a:${b}`);
    clock.advance(9_000);
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null })).toBe(ErrorCode.NONE);
    clock.advance(9_000);
    // b's restored session ran out; the group rebalances without it.
    expect(gc.inspect('g')!.members.map((m) => m.memberId)).toEqual([a]);
    expect(gc.snapshot()).toEqual(json); // nothing durable changed yet
  });

  it('snapshots the last stored generation, not the live rebalance', async () => {
    setup();
    await stableGroup('a', 'b');
    void gc.joinGroup(joinInput({ clientId: 'c' }));
    const snap = gc.snapshot();
    expect(snap.groups[0]).toMatchObject({ groupId: 'g', generationId: 1 });
    expect(snap.groups[0]!.members).toHaveLength(2);
  });

  it('rejects a malformed snapshot', () => {
    setup();
    expect(() => gc.restore({ version: 2 })).toThrow(/version/);
    expect(() => gc.restore({ version: 1, groups: [{ groupId: 1 }], offsets: [] })).toThrow(/groups\[0\]\.groupId/);
  });

  it('close answers parked requests NOT_COORDINATOR, cancels every timer and refuses later calls', async () => {
    setup();
    const { ids } = await stableGroup('a', 'b');
    const parked = track(gc.joinGroup(joinInput({ clientId: 'a', memberId: ids[0] })));
    gc.close();
    await flush();
    expect(parked.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(clock.pendingTimers).toBe(0);
    expect((await gc.joinGroup(joinInput())).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: ids[1]!, groupInstanceId: null })).toBe(
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    );
    expect(gc.listGroups().errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it('runs on real timers by default', async () => {
    const real = new GroupCoordinator({ config: { groupMinSessionTimeoutMs: 1 } });
    try {
      const r = await real.joinGroup(joinInput({ sessionTimeoutMs: 50 }));
      expect(r).toMatchObject({ errorCode: 0, generationId: 1 });
      await real.syncGroup(syncInput({ memberId: r.memberId, generationId: 1 }));
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(real.inspect('g')!.state).toBe('Empty'); // the session ran out, and the group emptied
    } finally {
      real.close();
    }
  });
});
