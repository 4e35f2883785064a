import type { Op } from '../../harness/history/history.ts';

/** A record as a history names it: where it sits and what it holds (value as text). */
export interface RecordRef {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/** A checker's verdict: `unknown` when the history cannot decide (e.g. no final read). */
export type Validity = true | false | 'unknown';

/** What one checker found. Witnesses are the ops or records that show the anomaly. */
export interface CheckResult {
  checker: string;
  valid: Validity;
  /** One line for humans. */
  summary: string;
  witnesses: unknown[];
}

/** A pure function from a history to a verdict. */
export type Checker = (history: readonly Op[]) => CheckResult;

/** Op `f` names the checkers read. */
export const SEND = 'send';
export const POLL = 'poll';

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
  for (const o of history) if (o.f === POLL && o.type === 'ok' && o.process === process) out.push(...((o.value as { records: RecordRef[] }).records));
  return out;
}

/** True when the history has a completed read by `process`. */
export function hasRead(history: readonly Op[], process: Op['process']): boolean {
  return history.some((o) => o.f === POLL && o.type === 'ok' && o.process === process);
}

/** Identity of a record's content, for matching sends with reads. */
export function contentKey(r: { key: string | null; value: string | null }): string {
  return JSON.stringify([r.key, r.value]);
}

/** Composes verdicts: invalid beats unknown beats valid. */
export function combine(results: readonly CheckResult[]): Validity {
  if (results.some((r) => r.valid === false)) return false;
  if (results.some((r) => r.valid === 'unknown')) return 'unknown';
  return true;
}
