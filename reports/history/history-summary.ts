/**
 * One pass over a stored history.jsonl gathering everything a report plots: per-op latency,
 * throughput, consumer lag and fault windows, plus the invocations of witness completions. The
 * file is read line by line, so a history of 10^6 ops is never one string, and what is kept is
 * downsampled columns, not ops.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Op } from '../../harness/history/history.ts';
import { ConsumerLagCollector, type LagSeries } from './consumer-lag.ts';
import { FaultWindowTracker, type FaultWindow } from './fault-windows.ts';
import { LatencyCollector, type LatencySeries } from './latency.ts';
import { SEND } from '../../harness/history/ops.ts';
import { OpPairing } from './op-pairing.ts';
import { ThroughputCollector, type ThroughputSeries } from './throughput.ts';
import { FinalReadCollector, type FinalReadAt, type Position } from './final-read-evidence.ts';
import { LaneCollector, type PartitionLane } from './log-lanes.ts';
import { TimelineCollector, type Timeline } from './timeline.ts';
import type { WitnessPosition } from './witness-positions.ts';

/** What a report needs from one history. Times in milliseconds since the run started. */
export interface HistorySummary {
  ops: number;
  /** Time of the last op. */
  durationMs: number;
  faults: FaultWindow[];
  latency: LatencySeries[];
  throughput: ThroughputSeries;
  lag: { series: LagSeries[]; omitted: number };
  /** For witness completions (by op index): their invocation. */
  invocations: Record<number, Op>;
  /** Send ops (one record each) by outcome: invoked, acknowledged (ok), failed, indeterminate (info). */
  sends: SendCounts;
  /** What the final read held at the positions asked for (witnesses' acknowledged offsets), and what it skipped. */
  finalRead: FinalReadAt[];
  /** Ops per process over time. */
  timeline: Timeline;
  /** The log lanes of each positions list asked for (one list per anomaly), in the order asked. */
  lanes: PartitionLane[][];
}

/** Send ops of a history by outcome. */
export interface SendCounts {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
}

/** Limits that keep a report small whatever the history's size. */
export interface SummaryLimits {
  /** Points per latency or lag series (the largest of each time bucket is kept). */
  maxPoints: number;
  /** Buckets of the throughput plot. */
  maxBuckets: number;
  /** Lag series (partitions) drawn; the rest are counted. */
  maxLagSeries: number;
}

export const DEFAULT_LIMITS: SummaryLimits = { maxPoints: 1500, maxBuckets: 300, maxLagSeries: 8 };

/** A history line that is not an op; names the file and line. */
export class HistoryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryFormatError';
  }
}

function countSend(sends: SendCounts, type: string): void {
  if (type === 'invoke') sends.invoked++;
  else if (type === 'ok' || type === 'fail' || type === 'info') sends[type]++;
}

/** Summarizes ops given in history order (`witnessIndices`: completions whose invocation to keep). */
export async function summarizeOps(
  ops: Iterable<Op> | AsyncIterable<Op>,
  witnessIndices: ReadonlySet<number> = new Set(),
  limits: SummaryLimits = DEFAULT_LIMITS,
  positions: readonly Position[] = [],
  laneRequests: readonly (readonly WitnessPosition[])[] = [],
): Promise<HistorySummary> {
  const finalRead = new FinalReadCollector(positions);
  const lanes = new LaneCollector(laneRequests.flat());
  const timeline = new TimelineCollector();
  const pairing = new OpPairing();
  const latency = new LatencyCollector();
  const throughput = new ThroughputCollector();
  const lag = new ConsumerLagCollector();
  const faults = new FaultWindowTracker();
  const invocations: Record<number, Op> = {};
  const sends: SendCounts = { invoked: 0, ok: 0, fail: 0, info: 0 };
  let count = 0;
  let last = 0;
  for await (const op of ops) {
    count++;
    if (op.f === SEND) countSend(sends, op.type);
    if (op.time > last) last = op.time;
    const invoke = pairing.add(op);
    lanes.add(op, invoke);
    if (op.type !== 'invoke') {
      timeline.add(invoke, op);
      latency.add(invoke, op);
      if (invoke && witnessIndices.has(op.index)) invocations[op.index] = invoke;
    }
    throughput.add(op);
    lag.add(op);
    faults.add(op);
    finalRead.add(op);
  }
  const range = { from: 0, to: last };
  return {
    ops: count,
    durationMs: last,
    faults: faults.windows(),
    latency: latency.series(limits.maxPoints, range),
    throughput: throughput.series(last, limits.maxBuckets),
    lag: lag.series(limits.maxPoints, limits.maxLagSeries, range),
    invocations,
    sends,
    finalRead: finalRead.result(),
    timeline: timeline.timeline(),
    lanes: laneRequests.map((p) => lanes.lanes(p)),
  };
}

/** The ops of a history.jsonl, one line at a time; a line that is not an op is a {@link HistoryFormatError}. */
export async function* readHistoryOps(path: string): AsyncGenerator<Op> {
  if (!existsSync(path)) throw new HistoryFormatError(`${path}: no such file`);
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let op: unknown;
    try {
      op = JSON.parse(line);
    } catch (err) {
      throw new HistoryFormatError(`${path}:${n}: not JSON (${(err as Error).message})`);
    }
    const o = op as Partial<Op> | null;
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof o.time !== 'number' ||
      typeof o.f !== 'string' ||
      typeof o.type !== 'string' ||
      (typeof o.process !== 'string' && typeof o.process !== 'number')
    )
      throw new HistoryFormatError(`${path}:${n}: not a history op (needs time, process, type and f)`);
    yield op as Op;
  }
}

/** Reads and summarizes a stored history.jsonl. */
export function readHistorySummary(
  path: string,
  witnessIndices?: ReadonlySet<number>,
  limits?: SummaryLimits,
  positions?: readonly Position[],
  laneRequests?: readonly (readonly WitnessPosition[])[],
): Promise<HistorySummary> {
  return summarizeOps(readHistoryOps(path), witnessIndices, limits, positions, laneRequests);
}
