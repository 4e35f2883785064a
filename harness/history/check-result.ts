/**
 * What a checker's judgement of a history looks like, as runs store it and compare and reports
 * read it back: the verdict, its witnesses and the rules that compose verdicts.
 */
import type { Op } from './history.ts';

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
export function verdict(
  checker: string,
  count: number,
  witnesses: readonly unknown[],
  clean: string,
  found: string,
  allowedBecause: string | null,
): CheckResult {
  const w = witnesses.slice(0, MAX_WITNESSES);
  if (count === 0) return { checker, valid: true, summary: clean, witnesses: [], count: 0 };
  if (allowedBecause)
    return {
      checker,
      valid: true,
      allowed: true,
      summary: `${found} — allowed: ${allowedBecause}`,
      witnesses: w,
      count,
    };
  return { checker, valid: false, summary: found, witnesses: w, count };
}
