/**
 * The durability study's verdict, over the history: a study, so always valid — its numbers are
 * the result. The table (acks level × fault → sent, acked, lost, duplicated, unavailable seconds)
 * is built from the producers' sends and the final reads of the lanes the scenario recorded
 * (`durability-lane` ops, ok value {@link DurabilityLane}); the plan names the levels, the
 * faults and those left out. Losses are counted (the summary lists them), never hidden.
 */
import type { Op } from '../../harness/history/history.ts';
import { durabilityRows, type DurabilityLane, type DurabilityTable } from './durability-table.ts';
import type { ScenarioPlan } from './scenario-plan.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/** Op `f` of one producer lane of the study, recorded when its phase starts. */
export const DURABILITY_LANE = 'durability-lane';

/** What the durability scenario records in its plan. */
export interface DurabilityPlan extends ScenarioPlan {
  replicationFactor: number;
  minInsyncReplicas: number;
  levels: string[];
  /** Faults in row order (`none` first). */
  faults: string[];
  skipped: { fault: string; reason: string }[];
}

/** The study's table, from the history. */
export function durabilityTable(history: readonly Op[], plan: DurabilityPlan): DurabilityTable {
  const lanes = history.filter((o) => o.f === DURABILITY_LANE && o.type === 'ok').map((o) => o.value as DurabilityLane);
  return {
    schema: 'kconform.durability/v1',
    replicationFactor: plan.replicationFactor,
    minInsyncReplicas: plan.minInsyncReplicas,
    levels: plan.levels,
    faults: plan.faults,
    rows: durabilityRows(history, lanes),
    skipped: plan.skipped,
  };
}

/** The durability verdict: the table's rows as witnesses, the records lost as the count. */
export function checkDurability(history: readonly Op[], plan: DurabilityPlan): CheckResult {
  const table = durabilityTable(history, plan);
  const lost = table.rows.filter((r) => r.lost > 0).map((r) => `${r.level}/${r.fault} lost ${r.lost} of ${r.acked}`);
  return {
    checker: 'durability',
    // A study: the numbers are the result, whatever they are.
    valid: true,
    summary: `${table.rows.length} rows (${table.levels.length} acks levels × ${table.faults.length} faults); ${lost.length ? lost.join(', ') : 'nothing acknowledged was lost'}${table.skipped.length ? `; not run: ${table.skipped.map((s) => s.fault).join(', ')}` : ''}`,
    witnesses: table.rows,
    count: table.rows.reduce((n, r) => n + r.lost, 0),
  };
}
