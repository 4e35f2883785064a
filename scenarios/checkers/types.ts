import type { Op } from '../../harness/history/history.ts';

/** A record as a history names it: where it sits and what it holds (value as text). */
export interface RecordRef {
  topic: string;
  partition: number;
  /**
   * The offset; a negative one (Kafka's -1) means "not known" — what an acks=0 producer is told —
   * and the offset checkers leave such records out.
   */
  offset: number;
  key: string | null;
  value: string | null;
}

/** A checker's verdict: `unknown` when the history cannot decide (e.g. no final read). */
export type Validity = true | false | 'unknown';

/** One point of a checker's series over the run (e.g. unseen writes at a moment). */
export interface SeriesPoint {
  /** Milliseconds since the run started, as ops carry it. */
  time: number;
  value: number;
}

/** What one checker found. Witnesses are the ops or records that show the anomaly. */
export interface CheckResult {
  checker: string;
  valid: Validity;
  /** One line for humans. */
  summary: string;
  /** At most MAX_WITNESSES of them; `count` says how many there were. */
  witnesses: unknown[];
  /** How many anomalies (or, for unseen, unseen writes) the checker found. */
  count?: number;
  /**
   * True when anomalies were found but the run's configuration allows them (acks=0 losing a
   * write): `valid` stays true and the anomalies are reported, not hidden.
   */
  allowed?: boolean;
  /** A quantity over time, for plots (unseen writes). */
  series?: SeriesPoint[];
}

/** A pure function from a history to a verdict. */
export type Checker = (history: readonly Op[]) => CheckResult;

/** How many witnesses a result carries; the count says how many there were in all. */
export const MAX_WITNESSES = 20;

/** Op `f` names the checkers read. */
export const SEND = 'send';
export const POLL = 'poll';
/**
 * The end of a transaction: invoke value `{id, outcome: 'commit' | 'abort'}`; its ok completion
 * settles the outcome of every send tagged `txn: {id}` (see aborted-read.ts for the convention).
 */
export const END_TXN = 'end-txn';
/**
 * Ops after which a consumer's next poll of a partition need not follow on from its last one:
 * it moved its position on purpose.
 */
export const REPOSITION = ['seek', 'assign', 'subscribe'] as const;

/** Processes whose polls read a whole topic from the beginning after the run (DESIGN.md's final read). */
export const FINAL_READ = 'final-read';
export const REPLAY_READ = 'replay';

/** The ok completions of sends, in completion order, with the record each acknowledged. */
export function ackedSends(history: readonly Op[]): { op: Op; record: RecordRef }[] {
  return history.filter((o) => o.f === SEND && o.type === 'ok').map((op) => ({ op, record: op.value as RecordRef }));
}

/** Every record a process read (ok polls), in read order. */
export function readsOf(history: readonly Op[], process: Op['process']): RecordRef[] {
  const out: RecordRef[] = [];
  for (const o of history) if (o.f === POLL && o.type === 'ok' && o.process === process) for (const r of (o.value as { records: RecordRef[] }).records) out.push(r);
  return out;
}

/** True when the history has a completed read by `process`. */
export function hasRead(history: readonly Op[], process: Op['process']): boolean {
  return history.some((o) => o.f === POLL && o.type === 'ok' && o.process === process);
}

/** Identity of a record's content, for matching sends with reads (runs make values unique). */
export function contentKey(r: { key?: string | null; value?: string | null }): string {
  return JSON.stringify([r.key ?? null, r.value ?? null]);
}

/** Composes verdicts: invalid beats unknown beats valid. */
export function combine(results: readonly CheckResult[]): Validity {
  if (results.some((r) => r.valid === false)) return false;
  if (results.some((r) => r.valid === 'unknown')) return 'unknown';
  return true;
}

/**
 * The verdict of a checker that found `count` anomalies: invalid, or — when `allowedBecause`
 * names a reason from the configuration — valid and marked allowed, with the count kept.
 */
export function verdict(checker: string, count: number, witnesses: readonly unknown[], clean: string, found: string, allowedBecause: string | null): CheckResult {
  const w = witnesses.slice(0, MAX_WITNESSES);
  if (count === 0) return { checker, valid: true, summary: clean, witnesses: [], count: 0 };
  if (allowedBecause) return { checker, valid: true, allowed: true, summary: `${found} — allowed: ${allowedBecause}`, witnesses: w, count };
  return { checker, valid: false, summary: found, witnesses: w, count };
}
