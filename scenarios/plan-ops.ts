import type { HistoryRecorder } from '../harness/history/history.ts';
import { END_OFFSETS, NOT_RUN, PLAN, SCENARIO_PROCESS, type ScenarioPlan } from './checkers/scenario-plan.ts';

/** Records the scenario's plan, the op its own checkers find it by (see checkers/scenario-plan.ts). */
export function recordPlan(history: HistoryRecorder, plan: ScenarioPlan): void {
  history.invoke(SCENARIO_PROCESS, PLAN, plan).ok(plan);
}

/**
 * Records end offsets a reader took, as one `end-offsets` op of `process`; `take` asks the
 * target. A failure ends the op `info` and is thrown on.
 */
export async function recordEndOffsets(
  history: HistoryRecorder,
  process: string,
  topic: string,
  take: () => Promise<Map<number, number>>,
): Promise<Map<number, number>> {
  const op = history.invoke(process, END_OFFSETS, { topic });
  try {
    const ends = await take();
    op.ok({ topic, ends: Object.fromEntries(ends) });
    return ends;
  } catch (err) {
    op.info((err as Error).message);
    throw err;
  }
}

/** Records why the scenario could not set up what its checks need (its checkers then say unknown). */
export function recordNotRun(history: HistoryRecorder, reason: string): void {
  history.invoke(SCENARIO_PROCESS, NOT_RUN, {}).ok({ reason });
}
