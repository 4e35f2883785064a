/**
 * Consumer-group generations (the group-generations scenario), over the history. Members speak
 * the classic group protocol and record every join as a `join-group` op (ok value `{member,
 * memberId, generationId, partitions, errorCode: 0}`; fail value with the error code and
 * `stopping` when the member was already leaving; info when unanswered), and the scenario records
 * each wait for the group to settle as a `settle` op (fail: it did not). The checker finds:
 *
 * - a partition owned by two members of one generation;
 * - a member whose generations do not grow (except, under faults, a member that lost its
 *   connection and rejoined a stable group: Kafka's GroupCoordinator gives a known member of a
 *   stable group its generation back, with the same partitions);
 * - a join answered with an error a client does not simply rejoin after (REBALANCE_IN_PROGRESS
 *   always is; under faults so are a moved or loading coordinator and UNKNOWN_MEMBER_ID after a
 *   session expired while a node was down), or unanswered without faults;
 * - a group that did not settle.
 */
import type { Op } from '../../harness/history/history.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ScenarioPlan } from './scenario-plan.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';

export const JOIN_GROUP = 'join-group';
/** Op `f` of a wait for the group to settle: ok `{generation}`, fail `{problem, members}`. */
export const SETTLE = 'settle';

/** What the group-generations scenario records in its plan. */
export interface GroupGenerationsPlan extends ScenarioPlan {
  topic: string;
  /** True when the run's faults could reach the group (a lost connection is then the weather). */
  underFaults: boolean;
}

/** An ok join's value. */
interface Joined {
  member: string;
  memberId: string;
  generationId: number;
  partitions: number[];
}

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: look the coordinator up again. */
const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

const samePartitions = (a: Joined, b: Joined) => {
  const pa = [...a.partitions].sort((x, y) => x - y);
  const pb = [...b.partitions].sort((x, y) => x - y);
  return pa.length === pb.length && pa.every((p, i) => p === pb[i]);
};

/** The group-generations verdict. */
export function checkGroupGenerations(history: readonly Op[], plan: GroupGenerationsPlan): CheckResult {
  const problems: unknown[] = [];
  const generations = new Map<number, Joined[]>();
  const lastGeneration = new Map<Op['process'], number>();
  for (const o of history) {
    if (o.f === SETTLE && o.type === 'fail') problems.push(o.value);
    if (o.f !== JOIN_GROUP || o.type === 'invoke') continue;
    if (o.type === 'info') {
      if (!plan.underFaults)
        problems.push({ member: o.process, problem: `no answer to JoinGroup/SyncGroup: ${o.error ?? 'no answer'}` });
      continue;
    }
    if (o.type === 'fail') {
      const v = o.value as { errorCode: number; stopping?: boolean };
      if (v.stopping || v.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
      if (plan.underFaults && (COORDINATOR_MOVED.has(v.errorCode) || v.errorCode === ErrorCode.UNKNOWN_MEMBER_ID))
        continue;
      const { stopping: _, ...failure } = v;
      problems.push(failure);
      continue;
    }
    const r = o.value as Joined;
    const last = lastGeneration.get(o.process) ?? -1;
    const same = (generations.get(r.generationId) ?? []).find((g) => g.memberId === r.memberId);
    const rejoinedSame = plan.underFaults && same !== undefined && r.generationId === last && samePartitions(same, r);
    if (r.generationId <= last && !rejoinedSame)
      problems.push({ member: r.member, problem: `generation went from ${last} to ${r.generationId}` });
    lastGeneration.set(o.process, r.generationId);
    if (!rejoinedSame) generations.set(r.generationId, [...(generations.get(r.generationId) ?? []), r]);
  }
  for (const [generationId, members] of [...generations].sort((a, b) => a[0] - b[0])) {
    const owners = new Map<number, string[]>();
    for (const m of members) for (const p of m.partitions) owners.set(p, [...(owners.get(p) ?? []), m.memberId]);
    for (const [p, o] of owners) if (o.length > 1) problems.push({ generation: generationId, partition: p, owners: o });
  }
  if (generations.size === 0 && problems.length === 0)
    return {
      checker: 'group-generations',
      valid: 'unknown',
      summary: 'no member ever joined the group',
      witnesses: [],
    };
  return {
    checker: 'group-generations',
    valid: problems.length === 0,
    summary:
      problems.length === 0
        ? `${generations.size} generations, no partition owned by two members of one generation, every member settled`
        : `${problems.length} problem(s) with group generations`,
    witnesses: problems.slice(0, MAX_WITNESSES),
    count: problems.length,
  };
}
