import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../error-codes.ts';
import { FakeClock } from '../fake-clock.ts';
import { GroupCoordinator } from '../group-coordinator.ts';
import { joinInput } from '../testing.ts';
import type { ConsumerHeartbeatInput, ConsumerHeartbeatResult } from './consumer-group-coordinator.ts';

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const topics = {
  byName: (name: string) => (name === 't' ? { id: TOPIC_ID, partitions: 4 } : undefined),
  nameOf: (id: string) => (id === TOPIC_ID ? 't' : undefined),
};

function setup() {
  const clock = new FakeClock();
  const gc = new GroupCoordinator({ clock, topics });
  return { clock, gc };
}

/** A full heartbeat (what the Java consumer sends when joining or after an error). */
function hb(
  over: Partial<ConsumerHeartbeatInput> & Pick<ConsumerHeartbeatInput, 'memberId' | 'memberEpoch'>,
): ConsumerHeartbeatInput {
  return {
    groupId: 'g',
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: ['t'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    apiVersion: 1,
    ...over,
  };
}

/** A member that acknowledges whatever it is told, as a client does. */
class Member {
  epoch = 0;
  owned: number[] = [];
  readonly gc: GroupCoordinator;
  readonly id: string;
  readonly extra: Partial<ConsumerHeartbeatInput>;
  constructor(gc: GroupCoordinator, id: string, extra: Partial<ConsumerHeartbeatInput> = {}) {
    this.gc = gc;
    this.id = id;
    this.extra = extra;
  }
  beat(over: Partial<ConsumerHeartbeatInput> = {}): ConsumerHeartbeatResult {
    const r = this.gc.consumerGroupHeartbeat(
      hb({
        memberId: this.id,
        memberEpoch: this.epoch,
        topicPartitions: this.owned.length > 0 ? [{ topicId: TOPIC_ID, partitions: this.owned }] : [],
        ...this.extra,
        ...over,
      }),
    );
    if (r.errorCode === ErrorCode.NONE) {
      this.epoch = r.memberEpoch;
      if (r.assignment) this.owned = [...(r.assignment[TOPIC_ID] ?? [])];
    }
    return r;
  }
}

describe('KIP-848 consumer group coordinator', () => {
  it('a second member gets partitions only after the first revoked them (revocation before assignment)', () => {
    const { gc } = setup();
    const a = new Member(gc, 'a');
    const b = new Member(gc, 'b');
    expect(a.beat({ topicPartitions: [] })).toMatchObject({ errorCode: 0, memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(a.owned).toEqual([0, 1, 2, 3]);

    b.beat({ topicPartitions: [] });
    expect(b).toMatchObject({ epoch: 2, owned: [] });
    expect(gc.consumerGroupDescribe('g')).toMatchObject({
      groupState: 'Reconciling',
      groupEpoch: 2,
      assignmentEpoch: 2,
    });

    a.beat();
    expect(a).toMatchObject({ epoch: 1, owned: [0, 1] }); // UNREVOKED_PARTITIONS: still epoch 1
    b.beat();
    expect(b.owned, 'b waits while a still owns 2 and 3').toEqual([]);

    a.beat(); // lists only 0,1 now: revocation acknowledged
    expect(a).toMatchObject({ epoch: 2, owned: [0, 1] });
    b.beat();
    expect(b).toMatchObject({ epoch: 2, owned: [2, 3] });
    expect(gc.consumerGroupDescribe('g')).toMatchObject({ groupState: 'Stable' });
  });

  it('a member that leaves (epoch -1) hands its partitions to the other', () => {
    const { gc } = setup();
    const a = new Member(gc, 'a');
    const b = new Member(gc, 'b');
    a.beat();
    b.beat();
    a.beat();
    a.beat();
    b.beat();
    expect(b.gc.consumerGroupHeartbeat(hb({ memberId: 'b', memberEpoch: -1 }))).toMatchObject({
      errorCode: 0,
      memberEpoch: -1,
    });
    a.beat();
    expect(a).toMatchObject({ epoch: 3, owned: [0, 1, 2, 3] });
    expect(b.beat()).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
  });

  it('a member silent for group.consumer.session.timeout.ms (45 s) is fenced and its partitions move', () => {
    const { gc, clock } = setup();
    const a = new Member(gc, 'a');
    const b = new Member(gc, 'b');
    a.beat();
    clock.advance(30_000);
    b.beat();
    a.beat();
    a.beat();
    b.beat();
    clock.advance(20_000); // a last beat 20 s ago, b 20 s ago: both alive
    a.beat();
    clock.advance(30_000); // b silent for 50 s
    expect(gc.consumerGroupDescribe('g').members.map((m) => m.memberId)).toEqual(['a']);
    a.beat();
    expect(a.owned).toEqual([0, 1, 2, 3]);
  });

  it('a member that does not revoke within its rebalance timeout is fenced', () => {
    const { gc, clock } = setup();
    const a = new Member(gc, 'a', { rebalanceTimeoutMs: 10_000 });
    const b = new Member(gc, 'b');
    a.beat();
    b.beat();
    const stubborn = { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 1, 2, 3] }] };
    a.beat(stubborn); // told to revoke 2,3; keeps listing them
    clock.advance(5_000);
    expect(a.beat(stubborn)).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    b.beat();
    clock.advance(6_000);
    expect(a.beat()).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID });
    b.beat();
    expect(b.owned).toEqual([0, 1, 2, 3]);
  });

  it('OffsetCommit checks the member epoch: STALE_MEMBER_EPOCH for an old one, v9+ only, admin commits only while empty', () => {
    const { gc } = setup();
    const a = new Member(gc, 'a');
    const b = new Member(gc, 'b');
    a.beat();
    b.beat();
    const commit = (memberId: string, generationId: number, apiVersion = 9) =>
      gc.commitOffsets({
        groupId: 'g',
        memberId,
        generationId,
        groupInstanceId: null,
        apiVersion,
        topics: [
          {
            name: 't',
            partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, metadata: '' }],
          },
        ],
      }).topics[0]!.partitions[0]!.errorCode;
    expect(commit('a', 1)).toBe(ErrorCode.NONE);
    expect(commit('b', 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(commit('b', 2)).toBe(ErrorCode.NONE);
    expect(commit('a', 1, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(commit('', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit('zz', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.fetchOffsets({ groupId: 'g', topics: null, memberId: 'b', memberEpoch: 1 }).errorCode).toBe(
      ErrorCode.STALE_MEMBER_EPOCH,
    );
    expect(
      gc.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [0] }], memberId: 'b', memberEpoch: 2 }),
    ).toMatchObject({
      errorCode: 0,
      topics: [{ partitions: [{ committedOffset: 5 }] }],
    });
  });

  it('a static member leaving with -2 keeps its partitions and gets them back under a new member id', () => {
    const { gc } = setup();
    const a = new Member(gc, 'a', { instanceId: 'i-a' });
    const b = new Member(gc, 'b');
    a.beat();
    b.beat();
    a.beat();
    a.beat();
    b.beat();
    const owned = [...a.owned];
    expect(gc.consumerGroupHeartbeat(hb({ memberId: 'a', memberEpoch: -2, instanceId: 'i-a' }))).toMatchObject({
      memberEpoch: -2,
    });
    expect(gc.consumerGroupHeartbeat(hb({ memberId: 'x', memberEpoch: 0, instanceId: 'i-b' }))).toMatchObject({
      errorCode: 0,
    });
    const epoch = gc.consumerGroupDescribe('g').groupEpoch;
    const again = new Member(gc, 'a2', { instanceId: 'i-a' });
    again.beat({ topicPartitions: [] });
    expect(again.owned).toEqual(owned);
    expect(gc.consumerGroupDescribe('g').members.map((m) => m.memberId)).not.toContain('a');
    expect(gc.consumerGroupDescribe('g').groupEpoch).toBe(epoch);
    expect(new Member(gc, 'a3', { instanceId: 'i-a' }).beat({ topicPartitions: [] })).toMatchObject({
      errorCode: ErrorCode.UNRELEASED_INSTANCE_ID,
    });
  });

  it('fences a member epoch from the future, refuses bad requests and unknown assignors', () => {
    const { gc } = setup();
    const a = new Member(gc, 'a');
    a.beat();
    expect(a.beat({ memberEpoch: 7 })).toMatchObject({ errorCode: ErrorCode.FENCED_MEMBER_EPOCH });
    expect(gc.consumerGroupHeartbeat(hb({ memberId: '', memberEpoch: 0 }))).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
    });
    expect(gc.consumerGroupHeartbeat(hb({ memberId: 'n', memberEpoch: 0, serverAssignor: 'sticky' }))).toMatchObject({
      errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR,
    });
    // as kafka@4.4.0 answers (checked with a raw client against both): an empty list is a subscription, a missing one is not
    expect(gc.consumerGroupHeartbeat(hb({ memberId: 'n', memberEpoch: 0, subscribedTopicNames: null }))).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
    });
    expect(gc.consumerGroupHeartbeat(hb({ memberId: 'n', memberEpoch: 0, subscribedTopicNames: [] }))).toMatchObject({
      errorCode: ErrorCode.NONE,
      assignment: {},
    });
  });

  it('uses the assignor the members ask for (range)', () => {
    const { gc } = setup();
    const a = new Member(gc, 'b', { serverAssignor: 'range' });
    a.beat();
    new Member(gc, 'a', { serverAssignor: 'range' }).beat();
    expect(gc.consumerGroupDescribe('g')).toMatchObject({ assignorName: 'range' });
    const targets = Object.fromEntries(
      gc.consumerGroupDescribe('g').members.map((m) => [m.memberId, m.targetAssignment.topicPartitions[0]?.partitions]),
    );
    expect(targets).toEqual({ a: [0, 1], b: [2, 3] });
  });

  it('keeps classic and consumer groups apart, and describes only consumer groups', () => {
    const { gc } = setup();
    void gc.joinGroup(joinInput({ groupId: 'classic' }));
    expect(gc.consumerGroupHeartbeat(hb({ groupId: 'classic', memberId: 'm', memberEpoch: 0 }))).toMatchObject({
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
    });
    expect(gc.consumerGroupDescribe('classic')).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
    expect(gc.consumerGroupDescribe('nope')).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
    // found by `kconform conform --apis 69` against kafka@4.4.0 (the reference said GROUP_ID_NOT_FOUND)
    expect(gc.consumerGroupDescribe('')).toMatchObject({ errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: null });
    new Member(gc, 'a').beat();
    expect(gc.listGroups().groups).toEqual(
      expect.arrayContaining([{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]),
    );
    expect(gc.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP }]);
  });

  it('stores the group when it changes, not on every heartbeat', () => {
    let writes = 0;
    const gc = new GroupCoordinator({ clock: new FakeClock(), topics, onPersistentStateChange: () => writes++ });
    const a = new Member(gc, 'a');
    a.beat();
    expect(writes).toBe(1);
    a.beat({ rebalanceTimeoutMs: -1, subscribedTopicNames: null });
    a.beat({ rebalanceTimeoutMs: -1, subscribedTopicNames: null });
    expect(writes).toBe(1);
    new Member(gc, 'b').beat();
    expect(writes).toBe(2);
  });

  it('survives a restore: epochs, assignments and committed offsets come back, sessions restart', () => {
    const { gc, clock } = setup();
    const a = new Member(gc, 'a');
    a.beat();
    gc.commitOffsets({
      groupId: 'g',
      memberId: 'a',
      generationId: 1,
      groupInstanceId: null,
      apiVersion: 9,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 2, committedOffset: 9, committedLeaderEpoch: -1, metadata: '' }] },
      ],
    });
    const snap = JSON.parse(JSON.stringify(gc.snapshot()));
    const other = new GroupCoordinator({ clock, topics });
    other.restore(snap);
    expect(other.consumerGroupDescribe('g')).toMatchObject({
      groupEpoch: 1,
      groupState: 'Stable',
      members: [{ memberId: 'a', memberEpoch: 1 }],
    });
    const again = Object.assign(new Member(other, 'a'), { epoch: 1, owned: [0, 1, 2, 3] });
    expect(again.beat()).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    expect(
      other.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitions: [2] }] }).topics[0]!.partitions[0],
    ).toMatchObject({
      committedOffset: 9,
    });
    clock.advance(45_000);
    expect(other.consumerGroupDescribe('g')).toMatchObject({ groupState: 'Empty', members: [] });
  });
});
