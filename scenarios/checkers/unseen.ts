import type { Op } from '../../harness/history/history.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { indexHistory, OK, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, type CheckResult, type SeriesPoint } from '../../harness/history/check-result.ts';

/** Points in the unseen series: enough for a plot, few enough for results.json. */
const SERIES_POINTS = 100;

/**
 * Unseen (Jepsen's "unseen"): acknowledged writes that no consumer had read yet. A write counts
 * from its ok completion until the completion of the first ok poll, by any process other than the
 * final read and the replay, that returned it (matched by key and value); one a consumer returned
 * before its ack arrived never counts. Only ok, durable sends count (not info sends, not sends of
 * aborted or unsettled transactions).
 *
 * The result carries the count still unseen at the end of the history and a series of the count
 * over time (SERIES_POINTS points, each the count at the end of its slice of the run). Unseen
 * writes are not an anomaly in themselves — consumers may lag, or read only some partitions — so
 * the verdict is valid, unless `consumersSeeAll` is set: then any write still unseen at the end
 * is an anomaly (the consumers were meant to drain every partition before the final read).
 */
export function checkUnseen(
  history: readonly Op[],
  config: Partial<CheckConfig> = {},
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  const { sends, polls, records } = ix;
  const c = resolveCheckConfig(config);
  const firstSeen = new Array<number>(ix.contents).fill(NaN);
  let consumerPolls = 0;
  for (let p = 0; p < polls.count; p++) {
    const actor = polls.actor[p]!;
    if (actor === ix.final.actor || actor === ix.final.replayActor) continue;
    consumerPolls++;
    const time = polls.time[p]!;
    const end = polls.start[p]! + polls.size[p]!;
    for (let row = polls.start[p]!; row < end; row++) {
      const id = records.content[row]!;
      if (Number.isNaN(firstSeen[id]!)) firstSeen[id] = time;
    }
  }
  // +1 when a write is acknowledged, -1 when a consumer first returns it; summed over time slices.
  const series = new Slices(
    history.length ? history[0]!.time : 0,
    history.length ? history[history.length - 1]!.time : 0,
  );
  const unseen: Op[] = [];
  let acked = 0;
  let stillUnseen = 0;
  for (let s = 0; s < sends.count; s++) {
    if (sends.outcome[s] !== OK || !sends.durable[s]) continue;
    acked++;
    const ackTime = sends.time[s]!;
    const seen = firstSeen[sends.content[s]!]!;
    if (seen <= ackTime) continue;
    series.add(ackTime, 1);
    if (!Number.isNaN(seen)) series.add(seen, -1);
    else {
      stillUnseen++;
      if (unseen.length < MAX_WITNESSES) unseen.push(history[sends.done[s]!]!);
    }
  }
  const points = series.points();
  const peak = points.reduce((m, p) => Math.max(m, p.value), 0);
  const who = consumerPolls === 0 ? 'no consumer polled (final read and replay aside)' : `peak ${peak}`;
  const summary = `${stillUnseen} of ${acked} acknowledged write(s) never seen by a consumer (final read excluded); ${who}`;
  const invalid = c.consumersSeeAll && stillUnseen > 0;
  return {
    checker: 'unseen',
    valid: !invalid,
    summary: invalid ? `${summary} — consumers were to see everything` : summary,
    witnesses: unseen,
    count: stillUnseen,
    series: points,
  };
}

/** Deltas summed per slice of [from, to]; read back as the running sum at the end of each slice. */
class Slices {
  private readonly sums = new Float64Array(SERIES_POINTS);
  private readonly from: number;
  private readonly span: number;

  constructor(from: number, to: number) {
    this.from = from;
    this.span = Math.max(to - from, 1e-9);
  }

  add(time: number, delta: number): void {
    const b = Math.min(SERIES_POINTS - 1, Math.max(0, Math.floor(((time - this.from) / this.span) * SERIES_POINTS)));
    this.sums[b]! += delta;
  }

  points(): SeriesPoint[] {
    const out: SeriesPoint[] = [];
    let running = 0;
    for (let b = 0; b < SERIES_POINTS; b++) {
      running += this.sums[b]!;
      out.push({ time: Math.round((this.from + ((b + 1) * this.span) / SERIES_POINTS) * 1000) / 1000, value: running });
    }
    return out;
  }
}
