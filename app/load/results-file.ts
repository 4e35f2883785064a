/**
 * The results.json of a load run, in the shape `kconform.results/v1` gives every run (so that
 * `kconform report` renders it beside scenario runs): one check, "acknowledged records kept",
 * and the `load` slot with settings, latency percentiles and throughput over time. The full
 * measurement stays in load.json ({@link LoadResults}).
 */
import type { LatencySummary } from './histogram.ts';
import { acksName } from './load-options.ts';
import type { HttpLoadResults, LoadResults } from './load-results.ts';

/** The `load` slot of results.json. */
export interface LoadSlot {
  /** Flat settings for the report's table. */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** Produce to acknowledgement (HTTP mode: inside the gateway). */
  readonly produce: LatencySummary;
  /** Produce to consume; absent without consumers. */
  readonly endToEnd?: LatencySummary;
  /** Acknowledged records per second, one point per second (time: ms since the start, end of the second), with the produce-ack p99 of that second. */
  readonly throughput: readonly {
    readonly time: number;
    readonly recordsPerSecond: number;
    readonly bytesPerSecond: number;
    readonly p99Ms: number;
    readonly p50Ms?: number;
    readonly consumedPerSecond?: number;
    readonly sentPerSecond?: number;
    readonly errorsPerSecond?: number;
  }[];
  /** Width of the throughput buckets, ms (1000 when absent). */
  readonly bucketMs?: number;
  /** The produce-ack percentile distribution (HdrHistogram's ladder), ms. */
  readonly produceDistribution?: readonly { readonly percentile: number; readonly ms: number }[];
  readonly mode: 'kafka' | 'http';
  readonly timing: 'open-loop' | 'closed-loop';
  readonly sent: number;
  readonly acked: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly lost: number | null;
  readonly averageThroughput: { readonly recordsPerSecond: number; readonly megabytesPerSecond: number };
  readonly http?: HttpLoadResults;
}

/** results.json of `kconform load`. */
export interface LoadRunResultsFile {
  readonly schema: 'kconform.results/v1';
  /** Scenario runs name their scenario here; a load run says `load`. */
  readonly scenario: 'load';
  readonly target: string;
  /** Load runs draw nothing at random that a seed would repeat: 0. */
  readonly seed: 0;
  readonly runDir: string;
  readonly seconds: number;
  /** Load runs record no history: 0. */
  readonly ops: 0;
  readonly valid: boolean;
  readonly checks: readonly {
    checker: string;
    valid: boolean | 'unknown';
    summary: string;
    witnesses: string[];
    count?: number;
    allowed?: boolean;
  }[];
  readonly load: LoadSlot;
}

/** Builds results.json for a load run stored in `runDir`. */
export function loadResultsFile(r: LoadResults, runDir: string): LoadRunResultsFile {
  const s = r.settings;
  const settings: Record<string, string | number | boolean> = {
    mode: r.mode,
    timing: r.timing,
    producers: s.producers,
    consumers: s.consumers,
    acks: acksName(s.acks),
    rate: s.rate ?? 'flat out',
    durationSeconds: s.durationSeconds,
    recordSize: s.recordSize,
    partitions: s.partitions,
    compression: s.compression,
    batch: s.batch,
    interrupted: r.interrupted,
  };
  const lost = r.lost;
  const allowed = s.acks === 0 && (lost ?? 0) > 0;
  const check =
    lost === null
      ? {
          checker: 'acked-records-kept',
          valid: 'unknown' as const,
          summary: 'not checked: the run had no consumers',
          witnesses: [],
        }
      : {
          checker: 'acked-records-kept',
          valid: lost === 0 || allowed,
          summary:
            lost === 0
              ? `all ${r.acked} acknowledged records were read back`
              : `${lost} of ${r.acked} acknowledged records were never read back${allowed ? ' (acks=0 may lose)' : ''}`,
          witnesses: [...r.lostExamples],
          count: lost,
          ...(allowed ? { allowed } : {}),
        };
  return {
    schema: 'kconform.results/v1',
    scenario: 'load',
    target: r.target,
    seed: 0,
    runDir,
    seconds: r.producingSeconds,
    ops: 0,
    valid: check.valid === true,
    checks: [check],
    load: {
      settings,
      produce: r.produceLatencyMs,
      ...(r.endToEndLatencyMs ? { endToEnd: r.endToEndLatencyMs } : {}),
      // buckets chosen from the run's length when the run kept them (not one point for a 1 s run)
      throughput: r.plot
        ? r.plot.points.map((p) => ({
            time: p.time,
            recordsPerSecond: p.recordsPerSecond,
            bytesPerSecond: p.bytesPerSecond,
            p99Ms: p.p99Ms,
            p50Ms: p.p50Ms,
            consumedPerSecond: p.consumedPerSecond,
            sentPerSecond: p.sentPerSecond,
            errorsPerSecond: p.errorsPerSecond,
          }))
        : r.series.map((p) => ({
            time: (p.second + 1) * 1000,
            recordsPerSecond: p.acked,
            bytesPerSecond: p.ackedBytes,
            p99Ms: p.p99Ms,
          })),
      ...(r.plot ? { bucketMs: r.plot.bucketMs } : {}),
      ...(r.produceDistribution?.length ? { produceDistribution: r.produceDistribution } : {}),
      mode: r.mode,
      timing: r.timing,
      sent: r.sent,
      acked: r.acked,
      errors: r.errors,
      lost,
      averageThroughput: r.throughput,
      ...(r.http ? { http: r.http } : {}),
    },
  };
}
