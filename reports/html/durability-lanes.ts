/** Anchors of the report's anomaly blocks and lanes, and which lane shows a durability cell. */
import type { Anomaly, ReportModel, ReportRun } from '../report-model.ts';

/** The anchor of an anomaly block (its lanes are `${id}-lane-K`). */
export const anomalyId = (run: Pick<ReportRun, 'id'>, a: Pick<Anomaly, 'checker'>) =>
  `${run.id}-${a.checker.replace(/[^\w-]/g, '_')}`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The id of the lane showing a durability cell (acks level × fault): the lane of one of the run's
 * anomalies whose partition is the fault's topic (`…durability-PHASE-FAULT…`) and whose
 * acknowledged records were written by that level's producer (`durability-PHASE-LEVEL`, as
 * scenarios/durability.ts names it); undefined when no anomaly drew one.
 */
export function durabilityLane(
  run: Pick<ReportRun, 'id' | 'anomalies'>,
  row: Pick<ReportModel['durability'][number], 'level' | 'levelLabel' | 'fault'>,
): string | undefined {
  const producer = new RegExp(`^durability-\\d+-${escapeRegExp(row.level ?? row.levelLabel)}$`);
  const topic = new RegExp(`durability-\\d+-${escapeRegExp(row.fault)}(-|/|$)`);
  for (const a of run.anomalies)
    for (const [k, lane] of a.lanes.entries()) {
      if (!topic.test(lane.partition)) continue;
      const acked = lane.rows.find((x) => x.id === 'acked');
      if (acked?.cells.some((c) => c.records.some((x) => producer.test(String(x.process)))))
        return `${anomalyId(run, a)}-lane-${k}`;
    }
  return undefined;
}
