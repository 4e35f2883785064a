import { describe, expect, it } from 'vitest';
import { FencedMemberError, reconcile, type ReconcileInput } from './current-assignment-builder.ts';
import { newMember, type ConsumerGroupMember } from './member.ts';

const stable = (epoch: number, assigned: Record<string, number[]>): ConsumerGroupMember => ({
  ...newMember('m'),
  memberEpoch: epoch,
  previousMemberEpoch: epoch - 1,
  assigned,
});
const input = (over: Partial<ReconcileInput>): ReconcileInput => ({
  targetAssignmentEpoch: 2,
  targetAssignment: {},
  currentPartitionEpoch: () => -1,
  ownedPartitions: [],
  ...over,
});

describe('CurrentAssignmentBuilder (reconcile)', () => {
  it('a member that must give partitions up keeps its epoch in UNREVOKED_PARTITIONS and is not given new ones yet', () => {
    const m = reconcile(
      stable(1, { t: [0, 1] }),
      input({ targetAssignment: { t: [0, 2] }, ownedPartitions: [{ topicId: 't', partitions: [0, 1] }] }),
    );
    expect(m).toMatchObject({
      state: 'UNREVOKED_PARTITIONS',
      memberEpoch: 1,
      assigned: { t: [0] },
      pendingRevocation: { t: [1] },
    });
  });

  it('once the heartbeat no longer lists the revoked partitions it moves to the target epoch and gets the free ones', () => {
    const unrevoked = reconcile(
      stable(1, { t: [0, 1] }),
      input({ targetAssignment: { t: [0, 2] }, ownedPartitions: [{ topicId: 't', partitions: [0, 1] }] }),
    );
    const stillOwning = reconcile(unrevoked, input({ targetAssignment: { t: [0, 2] }, ownedPartitions: null }));
    expect(stillOwning).toBe(unrevoked);
    const m = reconcile(
      unrevoked,
      input({ targetAssignment: { t: [0, 2] }, ownedPartitions: [{ topicId: 't', partitions: [0] }] }),
    );
    expect(m).toMatchObject({
      state: 'STABLE',
      memberEpoch: 2,
      previousMemberEpoch: 1,
      assigned: { t: [0, 2] },
      pendingRevocation: {},
    });
  });

  it('the overlapping-assignment known bug hands a partition another member still owns over at once', () => {
    const m = reconcile(
      stable(1, { t: [0] }),
      input({ targetAssignment: { t: [0, 1] }, currentPartitionEpoch: () => 1, assignsUnreleased: () => true }),
    );
    expect(m).toMatchObject({ state: 'STABLE', memberEpoch: 2, assigned: { t: [0, 1] } });
  });

  it('a partition another member still owns is withheld: UNRELEASED_PARTITIONS until it is free', () => {
    const owned = new Set(['t:1']);
    const epochOf = (t: string, p: number) => (owned.has(`${t}:${p}`) ? 1 : -1);
    const m = reconcile(
      stable(1, { t: [0] }),
      input({ targetAssignment: { t: [0, 1] }, currentPartitionEpoch: epochOf }),
    );
    expect(m).toMatchObject({ state: 'UNRELEASED_PARTITIONS', memberEpoch: 2, assigned: { t: [0] } });
    owned.clear();
    expect(reconcile(m, input({ targetAssignment: { t: [0, 1] }, currentPartitionEpoch: epochOf }))).toMatchObject({
      state: 'STABLE',
      memberEpoch: 2,
      assigned: { t: [0, 1] },
    });
  });

  it('a stable member at the target epoch is left as it is', () => {
    const m = stable(2, { t: [0] });
    expect(reconcile(m, input({ targetAssignment: { t: [0] } }))).toBe(m);
  });

  it('an UNKNOWN-state member claiming partitions is fenced', () => {
    expect(() => reconcile({ ...stable(1, {}), state: 'UNKNOWN' }, input({ ownedPartitions: null }))).toThrow(
      FencedMemberError,
    );
  });
});
