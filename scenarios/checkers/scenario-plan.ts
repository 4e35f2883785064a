/**
 * The op a scenario opens its history with: which scenario made the history and the few
 * parameters its own checks need (a seed draw, a message, which producers are idempotent). The
 * scenario-specific checkers run on a history that names their scenario here, so
 * `kconform check history.jsonl` gives every verdict the run gave, from the history alone.
 *
 * Shape: `{process: 'scenario', f: 'plan', type: 'invoke' | 'ok', value: {scenario, ...}}`.
 */
import type { Op } from '../../harness/history/history.ts';

/** Op `f` of a scenario's plan. */
export const PLAN = 'plan';
/** The process that records the plan and the scenario's own bookkeeping ops (end offsets). */
export const SCENARIO_PROCESS = 'scenario';

/** A plan's value: the scenario's name and whatever parameters its checkers read. */
export interface ScenarioPlan {
  scenario: string;
  [parameter: string]: unknown;
}

/** The history's plan (its first ok `plan` op), or undefined for a history without one. */
export function planOf(history: readonly Op[]): ScenarioPlan | undefined {
  const op = history.find((o) => o.f === PLAN && o.type === 'ok');
  const v = op?.value as Partial<ScenarioPlan> | undefined;
  return v && typeof v.scenario === 'string' ? (v as ScenarioPlan) : undefined;
}

/**
 * Op `f` of end offsets a reader took (ListOffsets latest, per partition): invoke `{topic}`, ok
 * `{topic, ends: {partition: offset}}`. The final read records one before it reads, so the replay
 * rule knows when the final read took its ends without relying on its first poll.
 */
export const END_OFFSETS = 'end-offsets';

/** The `ends` of the first ok end-offsets op of `process` (for `topic` when given), as a map. */
export function endOffsetsOf(
  history: readonly Op[],
  process: Op['process'],
  topic?: string,
): Map<number, number> | undefined {
  const op = history.find(
    (o) =>
      o.f === END_OFFSETS &&
      o.type === 'ok' &&
      o.process === process &&
      (topic === undefined || (o.value as { topic?: string }).topic === topic),
  );
  if (!op) return undefined;
  const ends = (op.value as { ends: Record<string, number> }).ends;
  return new Map(Object.entries(ends).map(([p, end]) => [Number(p), end]));
}

/**
 * Op `f` of a scenario that could not set up what its checks need (a target that cannot pause a
 * node, an ISR that never shrank): ok value `{reason}`. Its checkers then say `unknown`, with the reason.
 */
export const NOT_RUN = 'not-run';

/** The reason the history's scenario gave for not running its checks, if it gave one. */
export function notRunReason(history: readonly Op[]): string | undefined {
  const op = history.find((o) => o.f === NOT_RUN && o.type === 'ok');
  const reason = (op?.value as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' ? reason : undefined;
}
