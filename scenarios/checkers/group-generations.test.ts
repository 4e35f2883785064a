import { describe, expect, it } from 'vitest';
import { checkGroupGenerations, JOIN_GROUP, SETTLE, type GroupGenerationsPlan } from './group-generations.ts';
import { Builder } from './test-support.ts';

const plan = (underFaults = false): GroupGenerationsPlan => ({
  scenario: 'group-generations',
  topic: 't',
  underFaults,
});
const joined = (b: Builder, member: string, generationId: number, partitions: number[]) =>
  b.op(member, JOIN_GROUP, { groupId: 'g' }, 'ok', {
    member,
    memberId: `${member}-id`,
    generationId,
    leader: 'member-0-id',
    partitions,
    errorCode: 0,
  });

describe('group-generations', () => {
  it('passes generations that grow and give each partition to one member', () => {
    const b = new Builder();
    joined(b, 'member-0', 1, [0, 1, 2, 3, 4, 5]).op('group', SETTLE, { groupId: 'g' }, 'ok', { generation: 1 });
    joined(joined(b, 'member-0', 2, [0, 1, 2]), 'member-1', 2, [3, 4, 5]).op('group', SETTLE, { groupId: 'g' }, 'ok', {
      generation: 2,
    });
    expect(checkGroupGenerations(b.ops, plan())).toMatchObject({
      valid: true,
      count: 0,
      summary: expect.stringContaining('2 generations'),
    });
  });

  it('flags a partition owned twice in a generation, a generation going back, and a group that did not settle', () => {
    const b = new Builder();
    joined(joined(b, 'member-0', 2, [0, 1, 2, 3]), 'member-1', 2, [3, 4, 5]);
    joined(b, 'member-0', 1, [0]);
    b.op('group', SETTLE, { groupId: 'g' }, 'fail', { problem: 'the group did not settle within 30 s' });
    const r = checkGroupGenerations(b.ops, plan());
    expect(r).toMatchObject({ valid: false, count: 3 });
    expect(r.witnesses).toContainEqual({ generation: 2, partition: 3, owners: ['member-0-id', 'member-1-id'] });
  });

  it('allows, under faults only, an unanswered join and a member rejoining its stable generation', () => {
    const b = new Builder();
    joined(b, 'member-0', 1, [0, 1]).op('member-0', JOIN_GROUP, { groupId: 'g' }, 'info', null);
    joined(b, 'member-0', 1, [0, 1]);
    expect(checkGroupGenerations(b.ops, plan(true)).valid).toBe(true);
    const strict = checkGroupGenerations(b.ops, plan(false));
    expect(strict.valid).toBe(false);
    expect(strict.witnesses).toContainEqual({
      member: 'member-0',
      problem: 'no answer to JoinGroup/SyncGroup: timed out',
    });
    expect(strict.witnesses).toContainEqual({ member: 'member-0', problem: 'generation went from 1 to 1' });
  });
});
