/**
 * The failover scenario's own verdicts, over the history:
 *
 * - failover-faults (a report, always valid): the faults of the schedule as the scenario applied
 *   or skipped them (`failover-step` ops, ok value {@link AppliedStep}), and how many of the
 *   producers' records were acknowledged.
 * - recovery (liveness after the heal): the `replication-probe` op says every partition was fully
 *   replicated again within its wait, and the `catch-up` op that both consumers reached the end
 *   offsets. Kafka recovers from every fault of the schedule within seconds; the waits are 60 s.
 * - assigned-reader: the reader that assigns itself every partition was never told its position
 *   was beyond the log (its polls failed with OFFSET_OUT_OF_RANGE, error code 1).
 */
import type { Op } from '../../harness/history/history.ts';
import type { ScenarioPlan } from './scenario-plan.ts';
import { POLL, SEND } from '../../harness/history/ops.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';

/** Op `f` of one step of the fault schedule: ok value {@link AppliedStep}. */
export const FAILOVER_STEP = 'failover-step';
/** Op `f` of the wait for full replication after the heal: ok value `{fullyReplicated}`. */
export const REPLICATION_PROBE = 'replication-probe';
/** Op `f` of the wait for the consumers to reach the end: ok value `{caughtUp, ends, assigned, readerErrors}`. */
export const CATCH_UP = 'catch-up';
/** OFFSET_OUT_OF_RANGE. */
const OFFSET_OUT_OF_RANGE = 1;

/** A fault of the schedule as applied (or skipped, with the reason). */
export interface AppliedStep {
  kind: string;
  nodes: number[];
  applied: boolean;
  reason?: string;
  from?: number;
  to?: number;
}

/** What the failover scenario records in its plan. */
export interface FailoverPlan extends ScenarioPlan {
  topic: string;
  producers: string[];
  /** The reader that assigns itself every partition. */
  assigned: string;
}

/** One line for a list of applied faults: which ran how often, which were skipped and why. */
export function summarizeFaults<T extends AppliedStep>(applied: readonly T[]): { summary: string; skipped: T[] } {
  const done = new Map<string, number>();
  for (const a of applied) if (a.applied) done.set(a.kind, (done.get(a.kind) ?? 0) + 1);
  const skipped = applied.filter((a) => !a.applied);
  const parts = [...done].map(([k, n]) => `${k} ×${n}`);
  const reasons = [...new Set(skipped.map((a) => `${a.kind}: ${a.reason}`))];
  return {
    summary: `${parts.length ? `applied ${parts.join(', ')}` : 'no fault applied'}${reasons.length ? `; skipped ${reasons.join('; ')}` : ''}`,
    skipped,
  };
}

/** The group subscriber as the `catch-up` op saw it. */
export interface CatchUpSubscriber {
  /** Next offset per partition (0 before it read any). */
  positions: Record<string, number>;
  assignment: number[];
  restarts: number;
  /** What made kafkajs give up on the member for good. */
  crash?: string;
}

/** Which consumer stopped short of which end, e.g. `subscriber at p1 120 of 250 (crashed: …)`. */
function behind(c: {
  ends: Record<string, number>;
  assigned: Record<string, number>;
  subscriber?: CatchUpSubscriber;
}): string {
  const short = (positions: Record<string, number>) =>
    Object.entries(c.ends)
      .filter(([p, end]) => (positions[p] ?? 0) < end)
      .map(([p, end]) => `p${p} ${positions[p] ?? 0} of ${end}`);
  const parts: string[] = [];
  const assigned = short(c.assigned);
  if (assigned.length) parts.push(`the assigned reader at ${assigned.join(', ')}`);
  if (c.subscriber) {
    const s = c.subscriber;
    const sub = short(s.positions);
    if (sub.length || s.crash)
      parts.push(
        `the group subscriber at ${sub.join(', ') || 'the end'} (assignment [${s.assignment.join(',')}], ${s.restarts} restarts${s.crash ? `, crashed: ${s.crash}` : ''})`,
      );
  }
  return parts.join('; ') || 'positions not recorded';
}

const okValue = <T>(history: readonly Op[], f: string): T | undefined =>
  history.findLast((o) => o.f === f && o.type === 'ok')?.value as T | undefined;

/** failover-faults, recovery and assigned-reader. */
export function checkFailover(history: readonly Op[], plan: FailoverPlan): CheckResult[] {
  const applied = history.filter((o) => o.f === FAILOVER_STEP && o.type === 'ok').map((o) => o.value as AppliedStep);
  const producers = new Set<Op['process']>(plan.producers);
  const sent = history.filter((o) => o.f === SEND && o.type === 'invoke' && producers.has(o.process)).length;
  const acked = history.filter((o) => o.f === SEND && o.type === 'ok' && producers.has(o.process)).length;

  const probe = okValue<{ fullyReplicated: boolean }>(history, REPLICATION_PROBE);
  const catchUp = okValue<{
    caughtUp: boolean;
    ends: Record<string, number>;
    assigned: Record<string, number>;
    readerErrors?: Record<string, number>;
    subscriber?: CatchUpSubscriber;
  }>(history, CATCH_UP);
  const recovered = probe?.fullyReplicated;
  const caughtUp = catchUp?.caughtUp;
  const recovery: CheckResult =
    recovered === undefined || caughtUp === undefined
      ? {
          checker: 'recovery',
          valid: 'unknown',
          summary: 'the run ended before the recovery after the heal was observed',
          witnesses: [],
        }
      : {
          checker: 'recovery',
          valid: recovered && caughtUp,
          summary: [
            recovered
              ? 'every partition fully replicated again after the heal'
              : 'a partition was still under-replicated 60 s after the heal',
            caughtUp
              ? 'both consumers reached the end'
              : `a consumer did not reach the end within 60 s: ${behind(catchUp!)}`,
            ...(catchUp?.subscriber?.restarts
              ? [`the group subscriber was started again ${catchUp.subscriber.restarts}× after kafkajs gave up on it`]
              : []),
          ].join('; '),
          witnesses: caughtUp ? [] : [catchUp],
          count: (recovered ? 0 : 1) + (caughtUp ? 0 : 1),
        };

  const beyond = history.filter(
    (o) =>
      o.process === plan.assigned &&
      o.f === POLL &&
      o.type === 'fail' &&
      (o.value as { errorCode?: number }).errorCode === OFFSET_OUT_OF_RANGE,
  );
  const readers =
    caughtUp === undefined
      ? 'the consumers were not waited for'
      : caughtUp
        ? 'both consumers read to the end after the heal'
        : `a consumer did not reach the end within 60 s (assigned at ${JSON.stringify(Object.entries(catchUp!.assigned).map(([p, n]) => [Number(p), n]))}, ends ${JSON.stringify(Object.entries(catchUp!.ends).map(([p, n]) => [Number(p), n]))})`;
  const errors = Object.entries(catchUp?.readerErrors ?? {})
    .map(
      ([code, n]) =>
        `${code === 'io' ? 'connection lost' : code === 'no-leader' ? 'no leader' : `error ${code}`} ×${n}`,
    )
    .join(', ');
  return [
    {
      checker: 'failover-faults',
      // Skipped faults are reported, not failed: the target decides what it can do.
      valid: true,
      summary: `${summarizeFaults(applied).summary}; ${acked} of ${sent} records acknowledged`,
      witnesses: applied.slice(0, MAX_WITNESSES),
      count: applied.filter((a) => a.applied).length,
    },
    recovery,
    {
      checker: 'assigned-reader',
      // A reader below the high watermark it was shown must never be told its offset is gone.
      valid: beyond.length === 0,
      summary: `${beyond.length ? `told ${beyond.length} time(s) that its position was beyond the log (OFFSET_OUT_OF_RANGE)` : 'never told its position was beyond the log'}; ${readers}${errors ? `; failover errors met: ${errors}` : ''}`,
      witnesses: beyond.slice(0, MAX_WITNESSES),
      count: beyond.length,
    },
  ];
}
