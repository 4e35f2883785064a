/**
 * Whether a replay reproduced the run it replays: the same verdict with the same checks failing.
 * A replay is meant to reproduce a failure, so "which checks failed" is what must match, not the
 * witnesses (offsets and times may move).
 */
import type { CheckResult, Validity } from '../../harness/history/check-result.ts';
import type { StoredOutcome } from './run-config.ts';

/** PASS / FAIL / UNKNOWN, as the CLI prints verdicts. */
export const mark = (v: Validity) => (v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN');

/** The checkers that found an anomaly, sorted. */
export function failingChecks(checks: readonly Pick<CheckResult, 'checker' | 'valid'>[]): string[] {
  return checks
    .filter((c) => c.valid === false)
    .map((c) => c.checker)
    .sort();
}

/** How a replay's outcome relates to the original's. */
export interface OutcomeMatch {
  /** True: same verdict, same failing checks; false: they differ; undefined: no original to compare with. */
  matches: boolean | undefined;
  /** One line for humans. */
  summary: string;
  originalFailing?: string[];
  replayFailing: string[];
}

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

/**
 * Compares a replay with the stored original outcome (`undefined`: the original never wrote
 * results.json; a string: why it cannot be read).
 */
export function matchOutcome(
  original: StoredOutcome | string | undefined,
  replay: { valid: Validity; checks: readonly Pick<CheckResult, 'checker' | 'valid'>[] },
): OutcomeMatch {
  const replayFailing = failingChecks(replay.checks);
  if (original === undefined)
    return {
      matches: undefined,
      summary: 'the original run has no results.json (it did not finish): nothing to compare with',
      replayFailing,
    };
  if (typeof original === 'string')
    return { matches: undefined, summary: `cannot compare with the original: ${original}`, replayFailing };
  const originalFailing = failingChecks(original.checks);
  const same = original.valid === replay.valid && originalFailing.join() === replayFailing.join();
  const summary = same
    ? `outcome matches the original: ${mark(replay.valid)}${replayFailing.length ? ` with the same failing checks (${list(replayFailing)})` : ''}`
    : `outcome differs from the original: original ${mark(original.valid)} (failing: ${list(originalFailing)}), replay ${mark(replay.valid)} (failing: ${list(replayFailing)})`;
  return { matches: same, summary, originalFailing, replayFailing };
}
