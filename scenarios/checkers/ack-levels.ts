/**
 * The ack-levels scenario's answers, over the history: acks=1 and acks=all sends are answered
 * with offsets (ack-answers); an acks=0 Produce gets no answer at all (acks0-no-response, from
 * the `acks0-probe` send, whose completion records `answered`); and a topic with
 * min.insync.replicas=2 on one replica answers as the target's Kafka generation does
 * (min-insync-replicas, from the `min-isr-acks1` / `min-isr-acksall` sends and the plan's `cap`).
 */
import type { Op } from '../../harness/history/history.ts';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import type { ScenarioPlan } from './scenario-plan.ts';
import { contentKey, FINAL_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/** The process of the acks=0 probe; its send ends `info` with value `{answered, detail}`. */
export const ACKS0_PROBE = 'acks0-probe';
/** The processes of the min.insync.replicas sends, by acks. */
export const MIN_ISR_PROCESS = { 1: 'min-isr-acks1', [-1]: 'min-isr-acksall' } as const;
/** NOT_ENOUGH_REPLICAS. */
export const NOT_ENOUGH_REPLICAS = 19;

/** Whether the target caps min.insync.replicas at the replica count (Kafka 3.7+), as the scenario knew it. */
export type MinIsrCap = 'capped' | 'uncapped' | 'either';

/** What the ack-levels scenario records in its plan. */
export interface AckLevelsPlan extends ScenarioPlan {
  topic: string;
  minIsrTopic: string;
  cap: MinIsrCap;
  /** How long the probe waited for an answer that must not come. */
  noResponseWaitMs: number;
}

/** The history's process for a level and driver, as the scenario names them. */
export const ackProcess = (acks: 0 | 1 | -1, driver: 'raw' | 'kafkajs') =>
  acks === 0 ? 'acks0-raw' : `acks${acks === -1 ? 'all' : '1'}-${driver}`;

const completions = (ops: readonly Op[], process: string) =>
  ops.filter((o) => o.f === SEND && o.type !== 'invoke' && o.process === process);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

/**
 * acks=1 and acks=all answers carry an offset; acks=0 records are counted as read back or not.
 * A send answered with an error, or not answered, is an anomaly on a healthy node; while the
 * nemesis was at work (a node killed or paused) it is what a client must expect, and is counted.
 */
function checkAnswers(ops: readonly Op[], plan: AckLevelsPlan): CheckResult[] {
  const faults = ops.some((o) => o.process === NEMESIS);
  const witnesses: unknown[] = [];
  const parts: string[] = [];
  let unanswered = 0;
  for (const acks of [1, -1] as const) {
    const done = [...completions(ops, ackProcess(acks, 'raw')), ...completions(ops, ackProcess(acks, 'kafkajs'))];
    for (const o of done) {
      if (o.type === 'ok' && Number.isInteger((o.value as RecordRef).offset) && (o.value as RecordRef).offset >= 0)
        continue;
      if (o.type !== 'ok' && faults) {
        unanswered++;
        continue;
      }
      witnesses.push({
        acks,
        problem: o.type === 'ok' ? 'acknowledged without an offset' : `no acknowledgement (${o.type})`,
        op: o,
      });
    }
    const ms = done.filter((o) => o.type === 'ok').map((o) => (o.value as { ms: number }).ms);
    parts.push(
      `acks=${acks === -1 ? 'all' : 1}: ${ms.length}/${done.length} acknowledged with offsets (median ${median(ms).toFixed(1)} ms)`,
    );
  }
  if (unanswered) parts.push(`${unanswered} failed or unanswered while faults were injected (allowed)`);
  const read = new Set(
    ops
      .filter((o) => o.process === FINAL_READ && o.type === 'ok' && o.f === 'poll')
      .flatMap((o) => (o.value as { records: RecordRef[] }).records.map(contentKey)),
  );
  const acks0 = ops.filter((o) => o.f === SEND && o.type === 'invoke' && (o.value as { acks?: number }).acks === 0);
  const acks0Read = acks0.filter((o) => read.has(contentKey(o.value as RecordRef))).length;
  const probe = completions(ops, ACKS0_PROBE)[0];
  const answered = (probe?.value as { answered?: boolean } | undefined)?.answered;
  const probeSays =
    answered === undefined
      ? 'the acks=0 probe did not run'
      : answered
        ? 'the broker answered an acks=0 Produce'
        : `no answer to an acks=0 Produce within ${plan.noResponseWaitMs} ms`;
  return [
    {
      checker: 'ack-answers',
      valid: witnesses.length === 0,
      summary:
        witnesses.length === 0
          ? parts.join('; ')
          : `${witnesses.length} acks=1/all send(s) not acknowledged with an offset; ${parts.join('; ')}`,
      witnesses: witnesses.slice(0, 20),
      count: witnesses.length,
    },
    {
      checker: 'acks0-no-response',
      valid: answered === undefined ? 'unknown' : !answered,
      // acks=0 may lose records: how many came back is reported, not judged.
      summary: `${probeSays}; ${acks0Read} of ${acks0.length} acks=0 record(s) were read back (loss allowed)`,
      witnesses: answered ? [{ probe: (probe!.value as { detail?: string }).detail ?? null }] : [],
      count: answered ? 1 : 0,
    },
  ];
}

/**
 * min.insync.replicas above the replica count. Kafka 3.7+ caps it at the partition's replica
 * count (`Partition.effectiveMinIsr`), so a one-replica topic with min.insync.replicas=2 accepts
 * acks=all; before 3.7 acks=all gets NOT_ENOUGH_REPLICAS (19); acks=1 succeeds either way.
 */
function checkMinInsyncReplicas(ops: readonly Op[], plan: AckLevelsPlan): CheckResult {
  const answers: Record<string, unknown> = {};
  const codes: Record<string, number | undefined> = {};
  for (const acks of [1, -1] as const) {
    const key = `acks=${acks}`;
    const done = completions(ops, MIN_ISR_PROCESS[acks])[0];
    const v = (done?.value ?? {}) as { errorCode?: number; offset?: number; errorMessage?: string | null };
    if (!done) answers[key] = { error: 'not sent' };
    else if (done.type === 'info') answers[key] = { error: done.error ?? 'no answer' };
    else {
      codes[key] = v.errorCode ?? 0;
      answers[key] = { errorCode: v.errorCode ?? 0, offset: v.offset ?? -1, errorMessage: v.errorMessage ?? null };
    }
  }
  const cap = plan.cap;
  const allCapped = codes['acks=-1'] === 0;
  const allUncapped = codes['acks=-1'] === NOT_ENOUGH_REPLICAS;
  const valid =
    codes['acks=1'] === 0 &&
    (cap === 'capped' ? allCapped : cap === 'uncapped' ? allUncapped : allCapped || allUncapped);
  const oracle = {
    capped: 'Kafka 3.7+ (and 4.4.0) answers NONE to both',
    uncapped: 'Kafka before 3.7 answers NONE to acks=1 and NOT_ENOUGH_REPLICAS to acks=all',
    either: 'Kafka answers NONE to acks=1, and to acks=all NONE (3.7+) or NOT_ENOUGH_REPLICAS (before 3.7)',
  }[cap];
  return {
    checker: 'min-insync-replicas',
    valid,
    summary: !valid
      ? `one replica, min.insync.replicas=2: answers ${JSON.stringify(answers)}; ${oracle}`
      : allCapped
        ? 'one replica, min.insync.replicas=2: acks=1 and acks=all both succeed (Kafka 3.7+ caps min.insync.replicas at the replica count)'
        : 'one replica, min.insync.replicas=2: acks=1 succeeds, acks=all gets NOT_ENOUGH_REPLICAS (as Kafka before 3.7, which does not cap min.insync.replicas)',
    witnesses: [answers],
  };
}

/** The ack-levels scenario's three verdicts. */
export function checkAckLevels(history: readonly Op[], plan: AckLevelsPlan): CheckResult[] {
  return [...checkAnswers(history, plan), checkMinInsyncReplicas(history, plan)];
}
