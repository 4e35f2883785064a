import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../../harness/history/history.ts';
import {
  checkConsumerProtocol,
  COVERAGE,
  CP_COMMIT,
  CP_DIE,
  CP_FETCH,
  CP_HEARTBEAT,
  CP_OFFSET_FETCH,
  CP_RETURN,
  CP_SETTLED,
  OWNERSHIP,
  RESUME,
  type ConsumerProtocolPlan,
} from './consumer-protocol.ts';
import { NOT_RUN, SCENARIO_PROCESS } from './scenario-plan.ts';
import { rec } from './test-support.ts';

const plan: ConsumerProtocolPlan = { scenario: 'consumer-protocol', topic: 't', partitions: 2 };

/** A small history writer for members: each call records one op, invoked and completed at once unless split. */
class Members {
  readonly h = new HistoryRecorder();
  heartbeat(m: string, epoch: number, owned: number[], answer: { epoch: number; assigned: number[] }) {
    this.heartbeatInvoke(m, epoch, owned).ok({ memberId: m, memberEpoch: answer.epoch, assigned: answer.assigned });
    return this;
  }
  heartbeatInvoke(m: string, epoch: number, owned: number[]) {
    return this.h.invoke(m, CP_HEARTBEAT, { memberId: m, memberEpoch: epoch, owned });
  }
  offsetFetch(m: string, epoch: number, offsets: Record<number, number>) {
    this.h
      .invoke(m, CP_OFFSET_FETCH, { memberId: m, memberEpoch: epoch, partitions: Object.keys(offsets).map(Number) })
      .ok({ offsets });
    return this;
  }
  fetch(m: string, epoch: number, from: Record<number, number>, offsets: [number, number][]) {
    this.fetchInvoke(m, epoch, from).ok({ memberEpoch: epoch, records: offsets.map(([p, o]) => rec(o, `v${o}`, p)) });
    return this;
  }
  fetchInvoke(m: string, epoch: number, from: Record<number, number>) {
    return this.h.invoke(m, CP_FETCH, { memberId: m, memberEpoch: epoch, from });
  }
  commit(m: string, epoch: number, offsets: Record<number, number>) {
    this.h.invoke(m, CP_COMMIT, { memberId: m, memberEpoch: epoch, offsets }).ok({ offsets });
    return this;
  }
  settled(ok = true) {
    const op = this.h.invoke('group', CP_SETTLED, {});
    if (ok) op.ok({});
    else op.fail('the group did not become stable', { problem: 'not stable within 30 s' });
    return this;
  }
  /** A joins alone and reads both partitions; B joins; A revokes 1 after committing it at 3; B takes 1 over. */
  handover() {
    this.heartbeat('A', 0, [], { epoch: 1, assigned: [0, 1] })
      .offsetFetch('A', 1, { 0: -1, 1: -1 })
      .fetch('A', 1, { 0: 0, 1: 0 }, [
        [0, 0],
        [1, 0],
        [1, 1],
        [1, 2],
      ])
      .settled()
      .heartbeat('B', 0, [], { epoch: 2, assigned: [] })
      .heartbeat('A', 1, [0, 1], { epoch: 1, assigned: [0] })
      .commit('A', 1, { 0: 1, 1: 3 });
    return this;
  }
}

const verdicts = (h: HistoryRecorder) =>
  Object.fromEntries(checkConsumerProtocol(h.ops, plan).map((r) => [r.checker, r]));

describe('consumer-protocol checkers', () => {
  it('pass a handover that revokes before it assigns and resumes at the commit', () => {
    const m = new Members()
      .handover()
      .heartbeat('A', 1, [0], { epoch: 2, assigned: [0] })
      .heartbeat('B', 2, [], { epoch: 2, assigned: [1] })
      .offsetFetch('B', 2, { 1: 3 })
      .fetch('B', 2, { 1: 3 }, [
        [1, 3],
        [1, 4],
      ])
      .fetch('A', 2, { 0: 1 }, [[0, 1]])
      .settled();
    const v = verdicts(m.h);
    expect(v[OWNERSHIP]).toMatchObject({ valid: true });
    expect(v[COVERAGE]).toMatchObject({ valid: true, summary: expect.stringContaining('2 member(s)') });
    expect(v[RESUME]).toMatchObject({ valid: true, summary: expect.stringContaining('3 takeovers') });
  });

  it('flag a partition assigned to a member before its owner released it', () => {
    const m = new Members()
      .handover()
      // B gets 1 while A's last heartbeat still listed it
      .heartbeat('B', 2, [], { epoch: 2, assigned: [1] })
      .heartbeat('A', 1, [0], { epoch: 2, assigned: [0] })
      .settled();
    const v = verdicts(m.h);
    expect(v[OWNERSHIP]).toMatchObject({ valid: false, count: 1 });
    expect(v[OWNERSHIP]!.witnesses[0]).toMatchObject({ seen: 'assignment', partition: 1 });
  });

  it('flag two members fetching one partition over the same period, whatever the assignments said', () => {
    const m = new Members();
    const a = m.fetchInvoke('A', 1, { 1: 0 });
    m.fetch('B', 2, { 1: 0 }, [[1, 0]]);
    a.ok({ memberEpoch: 1, records: [rec(0, 'v0', 1)] });
    const r = verdicts(m.h)[OWNERSHIP]!;
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ seen: 'fetch', partition: 1 });
  });

  it('keep a dead member the owner until it comes back, and let it take its partitions back', () => {
    const m = new Members()
      .handover()
      .heartbeat('A', 1, [0], { epoch: 2, assigned: [0] })
      .heartbeat('B', 2, [], { epoch: 2, assigned: [1] })
      .offsetFetch('B', 2, { 1: 3 });
    m.h.invoke('B', CP_DIE, { memberId: 'B', owned: [1] }).ok({});
    m.h.invoke('B', CP_RETURN, { memberId: 'B', memberEpoch: 2 }).ok({});
    m.heartbeat('B', 2, [], { epoch: 2, assigned: [1] })
      .offsetFetch('B', 2, { 1: 3 })
      .settled();
    const v = verdicts(m.h);
    expect(v[OWNERSHIP]).toMatchObject({ valid: true });
    expect(v[COVERAGE]).toMatchObject({ valid: true });
    expect(v[RESUME]).toMatchObject({ valid: true });
  });

  it('flag a stable group that leaves a partition unassigned, and one that never became stable', () => {
    const uncovered = new Members().heartbeat('A', 0, [], { epoch: 1, assigned: [0] }).settled();
    expect(verdicts(uncovered.h)[COVERAGE]).toMatchObject({
      valid: false,
      witnesses: [{ problem: 'partitions 1 assigned to no member once the group was stable' }],
    });
    const unsettled = new Members().heartbeat('A', 0, [], { epoch: 1, assigned: [0, 1] }).settled(false);
    expect(verdicts(unsettled.h)[COVERAGE]).toMatchObject({ valid: false });
    expect(verdicts(new Members().h)[COVERAGE]).toMatchObject({ valid: 'unknown' });
  });

  it('leave out a coordinator still loading (the member looks it up again) but flag a fenced member', () => {
    const m = new Members();
    m.heartbeatInvoke('A', 0, []).fail('error 16', { memberId: 'A', memberEpoch: 0, errorCode: 16 });
    m.heartbeat('A', 0, [], { epoch: 1, assigned: [0, 1] }).settled();
    expect(verdicts(m.h)[COVERAGE]).toMatchObject({ valid: true });
    m.heartbeatInvoke('A', 1, [0, 1]).fail('error 110', { memberId: 'A', memberEpoch: 1, errorCode: 110 });
    expect(verdicts(m.h)[COVERAGE]).toMatchObject({ valid: false, count: 1 });
  });

  it('flag an OffsetFetch behind the last commit and a takeover that skips records', () => {
    const m = new Members()
      .handover()
      .heartbeat('A', 1, [0], { epoch: 2, assigned: [0] })
      .heartbeat('B', 2, [], { epoch: 2, assigned: [1] })
      .offsetFetch('B', 2, { 1: 3 })
      .fetch('B', 2, { 1: 3 }, [[1, 5]]);
    const lost = new Members()
      .handover()
      .heartbeat('A', 1, [0], { epoch: 2, assigned: [0] })
      .heartbeat('B', 2, [], { epoch: 2, assigned: [1] })
      .offsetFetch('B', 2, { 1: 2 });
    expect(verdicts(m.h)[RESUME]).toMatchObject({
      valid: false,
      witnesses: [{ problem: 'read offset 5 of partition 1 next, skipping 3..4' }],
    });
    expect(verdicts(lost.h)[RESUME]).toMatchObject({
      valid: false,
      witnesses: [{ problem: 'OffsetFetch answered 2 for partition 1; the last commit before was 3' }],
    });
  });

  it('say unknown, with the reason, when the target lacks the protocol', () => {
    const h = new HistoryRecorder();
    h.invoke(SCENARIO_PROCESS, NOT_RUN, {}).ok({ reason: 'not supported by this target yet: KIP-848' });
    expect(checkConsumerProtocol(h.ops, plan).map((r) => [r.checker, r.valid])).toEqual([
      [OWNERSHIP, 'unknown'],
      [COVERAGE, 'unknown'],
      [RESUME, 'unknown'],
    ]);
  });
});
