import type { Op } from '../../harness/history/history.ts';
import { POLL, SEND, type RecordRef } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/** When the first fetch must still be pending (the scenario's pending-check is made then). */
export const PENDING_AT_MS = 300;
/** Wide margins, so a slow machine does not make the check flaky. */
const EARLY_RETURN_LIMIT_MS = 1500;
const LATE_RETURN_FLOOR = 0.75;
const LATE_RETURN_EXTRA_MS = 3000;
/**
 * How long before a Fetch's answer reached the client its record's acknowledgement must have, for
 * the record to count as there when the broker built the answer (both answers travel back at once).
 */
const ARRIVAL_MARGIN_MS = 200;
/**
 * Error codes that say the partition's leader moved (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE,
 * UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH): the answer is another
 * node's, so its times say nothing. The same set as the scenarios' leader router.
 */
const LEADER_MOVED: ReadonlySet<number> = new Set([3, 5, 6, 74, 75]);
/** The process of the long poll of `partition`; its producer is `<process>-producer`. */
export const longPollProcess = (partition: number): string => `long-poll-${partition}`;
const PREFIX = 'long-poll-';
const PRODUCER_SUFFIX = '-producer';

/** One attempt of a long poll, as the history shows it (times in ms since its Fetch was sent). */
export interface LongPollAttempt {
  partition: number;
  maxWaitMs: number;
  minBytes: number;
  /** History index of the attempt's first op and of its last. */
  from: number;
  to: number;
  /** Still unanswered when checked at PENDING_AT_MS (undefined: not checked). */
  pendingAtCheck: boolean | undefined;
  producedAtMs: number | undefined;
  /** When the Produce was acknowledged; undefined when it was not (failed, no answer, not sent). */
  ackedAtMs: number | undefined;
  returnedAtMs: number | undefined;
  /** The value the Produce sent. */
  value: string | undefined;
  /** What the Fetch returned when it answered without error. */
  records: RecordRef[] | undefined;
  /** The Fetch's error code, or the connection error, when it did not answer cleanly. */
  error: string | number | undefined;
  /** A fault came or went during it, the Fetch got no answer, or the leader moved: its times prove nothing. */
  disturbed: boolean;
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

/**
 * The long-poll attempts in a history, in order: each begins with its `seek` to the partition's
 * end and holds the Fetch (`poll`), the pending check and the Produce (`send`) of one record.
 */
export function longPollAttempts(history: readonly Op[]): LongPollAttempt[] {
  const open = new Map<string, LongPollAttempt>();
  const pollAt = new Map<string, number>();
  const attempts: LongPollAttempt[] = [];
  const nemesis: number[] = [];
  for (const op of history) {
    if (op.process === 'nemesis') {
      nemesis.push(op.index);
      continue;
    }
    if (typeof op.process !== 'string' || !op.process.startsWith(PREFIX)) continue;
    const poller = op.process.endsWith(PRODUCER_SUFFIX) ? op.process.slice(0, -PRODUCER_SUFFIX.length) : op.process;
    const v = obj(op.value);
    if (op.f === 'seek' && op.type === 'invoke' && poller === op.process) {
      const a: LongPollAttempt = {
        partition: Number(v.partition),
        maxWaitMs: NaN,
        minBytes: NaN,
        from: op.index,
        to: op.index,
        pendingAtCheck: undefined,
        producedAtMs: undefined,
        ackedAtMs: undefined,
        returnedAtMs: undefined,
        value: undefined,
        records: undefined,
        error: undefined,
        disturbed: false,
      };
      open.set(poller, a);
      attempts.push(a);
      continue;
    }
    const a = open.get(poller);
    if (!a) continue;
    a.to = op.index;
    const since = (t: number) => t - (pollAt.get(poller) ?? t);
    if (op.f === POLL && op.type === 'invoke') {
      pollAt.set(poller, op.time);
      a.maxWaitMs = Number(v.maxWaitMs);
      a.minBytes = Number(v.minBytes);
    } else if (op.f === POLL) {
      a.returnedAtMs = typeof v.afterMs === 'number' ? v.afterMs : since(op.time);
      if (op.type === 'ok') a.records = Array.isArray(v.records) ? (v.records as RecordRef[]) : [];
      else a.error = typeof v.errorCode === 'number' ? v.errorCode : (op.error ?? 'no answer');
      if (op.type === 'info' || (op.type === 'fail' && LEADER_MOVED.has(Number(v.errorCode)))) a.disturbed = true;
    } else if (op.f === 'pending-check' && op.type === 'ok') {
      a.pendingAtCheck = v.pending === true;
    } else if (op.f === SEND && op.type === 'invoke') {
      a.producedAtMs = since(op.time);
      a.value = typeof v.value === 'string' ? v.value : undefined;
    } else if (op.f === SEND && op.type === 'ok') {
      a.ackedAtMs = since(op.time);
    }
  }
  for (const a of attempts) {
    if (a.returnedAtMs === undefined) a.disturbed = true;
    if (nemesis.some((i) => i > a.from && i < a.to)) a.disturbed = true;
  }
  return attempts;
}

/** The history shows the record acknowledged (so visible to consumers) well before the Fetch answered. */
const ackedBeforeReturn = (a: LongPollAttempt) =>
  a.ackedAtMs !== undefined && a.returnedAtMs !== undefined && a.returnedAtMs - a.ackedAtMs >= ARRIVAL_MARGIN_MS;

const holds = (a: LongPollAttempt) =>
  a.records !== undefined && a.value !== undefined && a.records.some((r) => r.value === a.value);

/**
 * Whether an attempt can be judged: undisturbed, and its record known to have arrived — a record
 * counts as arrived only once the history shows it: read by the Fetch, or acknowledged before
 * the Fetch answered. An acks=all Produce still waiting for the ISR (a killed follower not yet
 * out of it), or failed, makes a record no consumer could see: a Fetch without it proves nothing.
 */
export function decidable(a: LongPollAttempt): boolean {
  return !a.disturbed && (holds(a) || ackedBeforeReturn(a));
}

const round = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms));

/** The times of an attempt, as a witness. */
function times(a: LongPollAttempt): Record<string, unknown> {
  return {
    partition: a.partition,
    maxWaitMs: a.maxWaitMs,
    minBytes: a.minBytes,
    pendingAt300ms: a.pendingAtCheck ?? null,
    producedAtMs: round(a.producedAtMs),
    ackedAtMs: round(a.ackedAtMs),
    returnedAtMs: round(a.returnedAtMs),
    returnedAfterProduceMs:
      a.returnedAtMs === undefined || a.producedAtMs === undefined ? null : round(a.returnedAtMs - a.producedAtMs),
    records: a.records?.length ?? null,
    error: a.error ?? null,
  };
}

/** The problems of a min.bytes=1 attempt: held while empty, answered soon after its record arrived, with it. */
function earlyProblems(a: LongPollAttempt): string[] {
  const problems: string[] = [];
  if (a.pendingAtCheck !== true)
    problems.push(`the min.bytes=1 fetch of an empty partition was answered before ${PENDING_AT_MS} ms`);
  if (!holds(a)) problems.push('the min.bytes=1 fetch did not return the record produced while it waited');
  // Measured from the acknowledgement: the record was visible by then, and not before the produce.
  const after = (a.returnedAtMs ?? NaN) - (a.ackedAtMs ?? NaN);
  if (after >= EARLY_RETURN_LIMIT_MS)
    problems.push(
      `the min.bytes=1 fetch returned ${Math.round(after)} ms after the produce was acknowledged (limit ${EARLY_RETURN_LIMIT_MS} ms)`,
    );
  return problems;
}

/** The problems of a large-min.bytes attempt: held, answered at max.wait.ms with the record that had arrived. */
function lateProblems(a: LongPollAttempt): string[] {
  const problems: string[] = [];
  const floor = a.maxWaitMs * LATE_RETURN_FLOOR;
  const ceiling = a.maxWaitMs + LATE_RETURN_EXTRA_MS;
  if (a.pendingAtCheck !== true)
    problems.push(`the min.bytes=${a.minBytes} fetch was answered before ${PENDING_AT_MS} ms`);
  const r = a.returnedAtMs ?? NaN;
  if (!(r >= floor && r <= ceiling))
    problems.push(
      `the min.bytes=${a.minBytes} fetch returned after ${Math.round(r)} ms, not at max.wait.ms (${a.maxWaitMs} ms; accepted ${floor}-${ceiling})`,
    );
  if (!holds(a))
    problems.push(`the min.bytes=${a.minBytes} fetch did not return, at max.wait.ms, the record that had arrived`);
  return problems;
}

/**
 * Long polling, judged from the history alone: per partition, the first attempt that can be
 * judged ({@link decidable}) — min.bytes=1: pending at PENDING_AT_MS, answered soon after its
 * record arrived, with it; larger min.bytes: pending, answered at max.wait.ms with the record.
 * Unknown when a partition has no such attempt; valid when the history has no long poll.
 */
export function checkLongPoll(history: readonly Op[]): CheckResult {
  const attempts = longPollAttempts(history);
  const partitions = [...new Set(attempts.map((a) => a.partition))].sort((x, y) => x - y);
  if (partitions.length === 0)
    return { checker: 'long-poll', valid: true, summary: 'no long poll in the history', witnesses: [], count: 0 };
  const judged = partitions.map(
    (p) => attempts.find((a) => a.partition === p && decidable(a)) ?? attempts.filter((a) => a.partition === p).at(-1)!,
  );
  const undecided = judged.filter((a) => !decidable(a));
  if (undecided.length > 0) {
    const why = undecided
      .map(
        (a) =>
          a.error ??
          (a.disturbed ? 'faults came or went during it' : 'its record was not acknowledged before the fetch answered'),
      )
      .join('; ');
    return {
      checker: 'long-poll',
      valid: 'unknown',
      summary: `no long poll could be judged, even after the faults ended (${why})`,
      witnesses: judged.map(times),
      count: 0,
    };
  }
  const problems = judged.flatMap((a) => (a.minBytes === 1 ? earlyProblems(a) : lateProblems(a)));
  const describe = (a: LongPollAttempt) =>
    a.minBytes === 1
      ? `min.bytes=1: pending at ${PENDING_AT_MS} ms, answered ${round((a.returnedAtMs ?? NaN) - (a.producedAtMs ?? NaN))} ms after the produce (acknowledged at ${round(a.ackedAtMs)} ms)`
      : `min.bytes=${a.minBytes}: answered at ${round(a.returnedAtMs)} ms (max.wait.ms ${a.maxWaitMs}) with the record there was`;
  return {
    checker: 'long-poll',
    valid: problems.length === 0,
    summary: problems.length === 0 ? judged.map(describe).join('; ') : problems.join('; '),
    witnesses: judged.map(times),
    count: problems.length,
  };
}
