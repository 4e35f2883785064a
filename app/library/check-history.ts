/**
 * `checkHistory(history)`: the checkers over a stored history, as `kconform check` runs them
 * (the same reading, validation and configuration lookup), returning the verdicts.
 */
import type { Op } from '../../harness/history/history.ts';
import { HistoryValidator } from '../../harness/history/history-validator.ts';
import { combine, type CheckResult, type Validity } from '../../harness/history/check-result.ts';
import {
  checkHistory as runCheckers,
  parseCheckConfig,
  validateOp,
  type CheckConfig,
} from '../../scenarios/checkers/index.ts';
import { loadCheckConfig, readHistory } from '../cli/commands/check.ts';
import { KconformUsageError, refuseUnknownOptions } from './library-error.ts';

export type { CheckConfig, CheckResult, Op, Validity };

/** Options of {@link checkHistory}. */
export interface CheckHistoryOptions {
  /**
   * How the history was made (acks, idempotence, faults: what the checkers may allow), as an
   * object or the path of a JSON file (a run's config.json works). Default: for a file, the
   * config.json beside it, else the defaults (acks=all, idempotent, no faults).
   */
  config?: Partial<CheckConfig> | string;
}

/** The verdicts over one history. */
export interface HistoryVerdict {
  /** `false` when a checker found an anomaly, `'unknown'` when the history cannot decide one, else `true`. */
  readonly valid: Validity;
  /** One per checker: its verdict, a summary and witnesses of what it found. */
  readonly checks: CheckResult[];
  /** Ops checked. */
  readonly ops: number;
}

function validated(ops: readonly unknown[]): Op[] {
  const validator = new HistoryValidator();
  ops.forEach((op, i) => {
    const problem = validateOp(op) ?? validator.add(op as Op, i + 1);
    if (problem) throw new KconformUsageError(`history op ${i}: ${problem}`);
  });
  const whole = validator.finish();
  if (whole) throw new KconformUsageError(`history: ${whole}`);
  return ops as Op[];
}

/**
 * Runs every checker over `history`: a `history.jsonl` path (what `kconform run` writes) or the
 * ops themselves. The history is validated first (every completion has its invoke, indexes unique).
 *
 * @throws KconformUsageError on an unreadable or malformed history or config
 */
export async function checkHistory(
  history: string | readonly Op[],
  options: CheckHistoryOptions = {},
): Promise<HistoryVerdict> {
  refuseUnknownOptions('checkHistory', options, ['config']);
  let ops: Op[];
  let config: CheckConfig;
  try {
    if (typeof history === 'string') {
      ops = await readHistory(history);
      config =
        typeof options.config === 'object'
          ? parseCheckConfig(options.config)
          : loadCheckConfig(history, options.config).config;
    } else if (Array.isArray(history)) {
      ops = validated(history);
      config =
        typeof options.config === 'string'
          ? loadCheckConfig('', options.config).config
          : parseCheckConfig(options.config ?? {});
    } else {
      throw new KconformUsageError('checkHistory: history must be a history.jsonl path or an array of ops');
    }
  } catch (err) {
    if (err instanceof KconformUsageError) throw err;
    throw new KconformUsageError((err as Error).message);
  }
  const checks = runCheckers(ops, config);
  return { valid: combine(checks), checks, ops: ops.length };
}
