/**
 * The consumer-protocol scenario's verdicts (KIP-848 groups), pure functions of the history.
 * Members record, each under its own process name (kept across a death and return):
 *
 * - `cp-heartbeat`: invoke `{memberId, memberEpoch, owned}` (the partitions the member tells the
 *   broker it owns; epoch 0 joins afresh), ok `{memberId, memberEpoch, assigned}` — the member
 *   epoch and partitions the broker answered (every heartbeat is a full one, so `assigned` is
 *   the whole assignment); fail `{memberId, memberEpoch, errorCode}`.
 * - `cp-offset-fetch`: invoke `{memberId, memberEpoch, partitions}`, ok `{offsets: {p: offset}}`
 *   (-1: nothing committed) — what a member taking partitions over resumes from.
 * - `cp-fetch`: invoke `{memberId, memberEpoch, from: {p: offset}}`, ok `{memberEpoch, records}`.
 * - `cp-commit`: invoke `{memberId, memberEpoch, offsets}`, ok `{offsets}` (fail: error codes).
 * - `cp-leave` (invoke: the member gives up everything), `cp-die` (its connections dropped
 *   without leaving; the broker still counts it as the owner), `cp-return` (back with the same
 *   member id and epoch, positions lost, owning nothing until the broker answers).
 * - `cp-settled` (process `group`): the scenario waited for the group to be stable after a
 *   membership change; fail when it never was.
 *
 * Ownership is judged in history order: a member owns a partition from the completion of the
 * heartbeat whose answer assigns it until the invocation of its first heartbeat (or leave) that
 * no longer lists it. A correct broker assigns a partition only after its owner's release reached
 * it, so the new owner's answer is recorded after the old owner's release was sent.
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';
import type { RecordRef } from '../../harness/history/ops.ts';
import { notRunReason, type ScenarioPlan } from './scenario-plan.ts';

export const CP_HEARTBEAT = 'cp-heartbeat';
export const CP_OFFSET_FETCH = 'cp-offset-fetch';
export const CP_FETCH = 'cp-fetch';
export const CP_COMMIT = 'cp-commit';
export const CP_LEAVE = 'cp-leave';
export const CP_DIE = 'cp-die';
export const CP_RETURN = 'cp-return';
export const CP_SETTLED = 'cp-settled';

/** The checkers' names. */
export const OWNERSHIP = 'consumer-protocol-ownership';
export const COVERAGE = 'consumer-protocol-coverage';
export const RESUME = 'consumer-protocol-resume';

/**
 * COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: a client looks the
 * coordinator up again and retries (a fresh Kafka answers them while it loads its group state).
 */
export const COORDINATOR_RETRIABLE: ReadonlySet<number> = new Set([14, 15, 16]);

/** What the consumer-protocol scenario records in its plan. */
export interface ConsumerProtocolPlan extends ScenarioPlan {
  topic: string;
  partitions: number;
}

type Offsets = Record<string, number>;
const byPartition = (o: Offsets | undefined) => Object.entries(o ?? {}).map(([p, v]) => [Number(p), v] as const);

/** Every consumer-protocol verdict. */
export function checkConsumerProtocol(history: readonly Op[], plan: ConsumerProtocolPlan): CheckResult[] {
  const reason = notRunReason(history);
  if (reason !== undefined)
    return [OWNERSHIP, COVERAGE, RESUME].map((checker) => ({
      checker,
      valid: 'unknown',
      summary: reason,
      witnesses: [],
    }));
  return [checkOwnership(history), checkCoverage(history, plan), checkResume(history)];
}

function result(checker: string, problems: unknown[], ok: string, bad: string): CheckResult {
  return {
    checker,
    valid: problems.length === 0,
    summary: problems.length === 0 ? ok : `${problems.length} ${bad}`,
    witnesses: problems.slice(0, MAX_WITNESSES),
    count: problems.length,
  };
}

/**
 * (1) No partition owned by two members at once: from the assignments the broker reported
 * (intervals as above), and from the fetches (each member's fetches of a partition at one member
 * epoch span a window, from the first one's invocation to the last one's completion; windows of
 * two members on one partition must not overlap).
 */
export function checkOwnership(history: readonly Op[]): CheckResult {
  const problems: unknown[] = [];
  /** partition → member → [position it got it, epoch] */
  const owners = new Map<number, Map<string, { from: number; epoch: number }>>();
  const ownersOf = (p: number) => owners.get(p) ?? owners.set(p, new Map()).get(p)!;
  const releaseAll = (member: string) => {
    for (const m of owners.values()) m.delete(member);
  };
  /** `${partition}` → windows per member and epoch */
  const windows = new Map<number, Map<string, { member: string; epoch: number; from: number; to: number }>>();
  const openFetch = new Map<string, { at: number; epoch: number; partitions: number[] }>();
  let assignments = 0;
  history.forEach((o, at) => {
    const member = String(o.process);
    if (o.f === CP_HEARTBEAT && o.type === 'invoke') {
      const v = o.value as { memberEpoch: number; owned: number[] };
      if (v.memberEpoch === 0) releaseAll(member);
      else for (const [p, m] of owners) if (m.has(member) && !v.owned.includes(p)) m.delete(member);
    } else if (o.f === CP_HEARTBEAT && o.type === 'ok') {
      const v = o.value as { memberEpoch: number; assigned: number[] | null };
      if (v.assigned === null) return;
      assignments++;
      for (const p of v.assigned) {
        const m = ownersOf(p);
        if (m.has(member)) continue;
        for (const [other, since] of m)
          problems.push({
            seen: 'assignment',
            partition: p,
            problem: `${member} was assigned partition ${p} at epoch ${v.memberEpoch} while ${other} still owned it (since epoch ${since.epoch})`,
            at: o.index,
          });
        m.set(member, { from: at, epoch: v.memberEpoch });
      }
    } else if (o.f === CP_HEARTBEAT && o.type === 'fail') {
      // fenced or unknown: the broker took everything; a coordinator to look up again took nothing
      if (!COORDINATOR_RETRIABLE.has((o.value as { errorCode?: number }).errorCode ?? -1)) releaseAll(member);
    } else if (o.f === CP_LEAVE && o.type === 'invoke') releaseAll(member);
    else if (o.f === CP_FETCH && o.type === 'invoke') {
      const v = o.value as { memberEpoch: number; from: Offsets };
      openFetch.set(member, { at, epoch: v.memberEpoch, partitions: byPartition(v.from).map(([p]) => p) });
    } else if (o.f === CP_FETCH && o.type !== 'invoke') {
      const f = openFetch.get(member);
      openFetch.delete(member);
      if (!f || o.type !== 'ok') return;
      for (const p of f.partitions) {
        const w = windows.get(p) ?? windows.set(p, new Map()).get(p)!;
        const k = `${member}\u0000${f.epoch}`;
        const win = w.get(k) ?? w.set(k, { member, epoch: f.epoch, from: f.at, to: at }).get(k)!;
        win.to = at;
      }
    }
  });
  for (const [p, w] of [...windows].sort((a, b) => a[0] - b[0])) {
    const list = [...w.values()].sort((a, b) => a.from - b.from);
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length && list[j]!.from < list[i]!.to; j++)
        if (list[j]!.member !== list[i]!.member)
          problems.push({
            seen: 'fetch',
            partition: p,
            problem: `${list[i]!.member} (epoch ${list[i]!.epoch}) and ${list[j]!.member} (epoch ${list[j]!.epoch}) fetched partition ${p} over the same period`,
            at: history[list[j]!.from]?.index,
          });
  }
  if (assignments === 0 && problems.length === 0)
    return { checker: OWNERSHIP, valid: 'unknown', summary: 'no member was ever assigned anything', witnesses: [] };
  return result(
    OWNERSHIP,
    problems,
    `${assignments} assignments and every fetch: no partition owned by two members at once`,
    'partition(s) owned by two members at once',
  );
}

/**
 * (2) Once the group is stable after the last membership change (the last `cp-settled`), the
 * latest assignments of the members then in the group share one epoch and cover every partition
 * exactly once. A heartbeat refused with an error is reported here too: nothing in the scenario
 * (no faults, sessions far longer than a death) gives a member a reason to be fenced. Only the
 * coordinator's retriable answers ({@link COORDINATOR_RETRIABLE}) are left out: the member looks
 * the coordinator up again, as clients do.
 */
export function checkCoverage(history: readonly Op[], plan: ConsumerProtocolPlan): CheckResult {
  const problems: unknown[] = [];
  const live = new Map<string, { epoch: number; assigned: number[] }>();
  let settled: { at: number; live: Map<string, { epoch: number; assigned: number[] }> } | undefined;
  let lastSettle: Op | undefined;
  for (const o of history) {
    const member = String(o.process);
    if (o.f === CP_HEARTBEAT && o.type === 'invoke' && (o.value as { memberEpoch: number }).memberEpoch === 0)
      live.set(member, { epoch: 0, assigned: [] });
    else if (o.f === CP_HEARTBEAT && o.type === 'ok') {
      const v = o.value as { memberEpoch: number; assigned: number[] | null };
      live.set(member, { epoch: v.memberEpoch, assigned: v.assigned ?? live.get(member)?.assigned ?? [] });
    } else if (o.f === CP_HEARTBEAT && o.type === 'fail') {
      if (!COORDINATOR_RETRIABLE.has((o.value as { errorCode?: number }).errorCode ?? -1))
        problems.push({ member, problem: `heartbeat refused: ${o.error}`, value: o.value });
    } else if ((o.f === CP_LEAVE || o.f === CP_DIE) && o.type === 'invoke') live.delete(member);
    else if (o.f === CP_SETTLED && o.type !== 'invoke') {
      lastSettle = o;
      if (o.type === 'ok') settled = { at: o.index, live: new Map(live) };
    }
  }
  if (!lastSettle)
    return { checker: COVERAGE, valid: 'unknown', summary: 'the group was never waited for', witnesses: [] };
  if (lastSettle.type !== 'ok') problems.push({ problem: 'the group never became stable', value: lastSettle.value });
  else if (settled) {
    const seen = new Map<number, string[]>();
    for (const [m, a] of settled.live) for (const p of a.assigned) seen.set(p, [...(seen.get(p) ?? []), m]);
    const missing = Array.from({ length: plan.partitions }, (_, p) => p).filter((p) => !seen.has(p));
    if (missing.length > 0)
      problems.push({ problem: `partitions ${missing.join(', ')} assigned to no member once the group was stable` });
    for (const [p, ms] of seen)
      if (ms.length > 1)
        problems.push({ problem: `partition ${p} assigned to ${ms.join(' and ')} once the group was stable` });
    const epochs = new Set([...settled.live.values()].map((a) => a.epoch));
    if (epochs.size > 1)
      problems.push({
        problem: 'members at different epochs once the group was stable',
        epochs: Object.fromEntries([...settled.live].map(([m, a]) => [m, a.epoch])),
      });
  }
  const members = settled ? settled.live.size : 0;
  return result(
    COVERAGE,
    problems,
    `stable after the last membership change: ${members} member(s) cover all ${plan.partitions} partitions once`,
    'problem(s) with the stable group',
  );
}

/**
 * (3) Committed offsets resume with no skip: a member taking a partition over is told (OffsetFetch)
 * the last offset committed before it asked, and reads from exactly there on, each record the
 * one after the last (a plain topic's offsets have no gaps), until it gives the partition up.
 */
export function checkResume(history: readonly Op[]): CheckResult {
  const problems: unknown[] = [];
  const committed = new Map<number, number>();
  const asked = new Map<string, Map<number, number>>();
  /** member → partition → next offset it must read */
  const expected = new Map<string, Map<number, number>>();
  const expectedOf = (m: string) => expected.get(m) ?? expected.set(m, new Map()).get(m)!;
  let takeovers = 0;
  let read = 0;
  for (const o of history) {
    const member = String(o.process);
    if (o.f === CP_COMMIT && o.type === 'ok')
      for (const [p, offset] of byPartition((o.value as { offsets: Offsets }).offsets)) committed.set(p, offset);
    else if (o.f === CP_OFFSET_FETCH && o.type === 'invoke') {
      const ps = (o.value as { partitions: number[] }).partitions;
      asked.set(member, new Map(ps.map((p) => [p, committed.get(p) ?? -1])));
    } else if (o.f === CP_OFFSET_FETCH && o.type === 'ok') {
      const before = asked.get(member) ?? new Map<number, number>();
      for (const [p, got] of byPartition((o.value as { offsets: Offsets }).offsets)) {
        takeovers++;
        const last = before.get(p) ?? -1;
        if (got !== last)
          problems.push({
            member,
            partition: p,
            problem: `OffsetFetch answered ${got} for partition ${p}; the last commit before was ${last}`,
            at: o.index,
          });
        expectedOf(member).set(p, Math.max(got, 0));
      }
    } else if (o.f === CP_FETCH && o.type === 'ok') {
      const exp = expectedOf(member);
      for (const r of (o.value as { records: RecordRef[] }).records) {
        const next = exp.get(r.partition);
        if (next === undefined) continue;
        read++;
        if (r.offset !== next)
          problems.push({
            member,
            partition: r.partition,
            problem:
              r.offset > next
                ? `read offset ${r.offset} of partition ${r.partition} next, skipping ${next}..${r.offset - 1}`
                : `read offset ${r.offset} of partition ${r.partition} again after ${next - 1}`,
            at: o.index,
          });
        exp.set(r.partition, r.offset + 1);
      }
    } else if (o.f === CP_HEARTBEAT && o.type === 'invoke') {
      const owned = (o.value as { owned: number[] }).owned;
      for (const p of expectedOf(member).keys()) if (!owned.includes(p)) expectedOf(member).delete(p);
    } else if ((o.f === CP_LEAVE || o.f === CP_DIE) && o.type === 'invoke') expected.delete(member);
  }
  if (takeovers === 0 && problems.length === 0)
    return { checker: RESUME, valid: 'unknown', summary: 'no member ever took a partition over', witnesses: [] };
  return result(
    RESUME,
    problems,
    `${takeovers} takeovers resumed at the last committed offset, ${read} records read without a skip`,
    'takeover(s) or reads that did not resume where the group committed',
  );
}
