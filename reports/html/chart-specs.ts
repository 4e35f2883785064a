/**
 * What each chart of the HTML report draws, as plain data embedded in the page; the page's script
 * (report-client.js) turns each spec into a uPlot chart. Times are seconds since the run started.
 */
import { round } from '../history/downsample.ts';
import type { FaultWindow } from '../history/fault-windows.ts';
import type { ReportModel, ReportRun } from '../report-model.ts';
import { unavailableWindows } from '../load-windows.ts';

/** How a series is drawn. */
export type SeriesStyle = 'points' | 'line' | 'step' | 'bars-left' | 'bars-right';

export interface ChartSeries {
  label: string;
  /** x values (seconds, or row numbers for bar charts), ascending. */
  t: number[];
  v: number[];
  style: SeriesStyle;
  color: string;
  /** Drawn against the right-hand axis. */
  axis?: 'y2';
  /** Point diameter in CSS pixels (style `points`; default 4). */
  pointSize?: number;
}

/** One chart. `faults` are shaded behind the series. */
export interface ChartSpec {
  id: string;
  kind: 'latency' | 'throughput' | 'lag' | 'durability' | 'load-throughput' | 'load-latency' | 'load-distribution';
  title: string;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  logY?: boolean;
  /** Fixed x range, so a run's charts line up. */
  xRange?: [number, number];
  /** Labelled x ticks (the percentile axis of a distribution plot). */
  xTicks?: { at: number; label: string }[];
  /** Category names for bar charts (x = 0, 1, 2…). */
  xLabels?: string[];
  faults?: (Omit<FaultWindow, 'start' | 'end'> & { start: number; end: number })[];
  series: ChartSeries[];
}

const COLORS: Record<string, string> = {
  'produce ok': '#1f77b4',
  'consume ok': '#2ca02c',
  'produce fail': '#d62728',
  'consume fail': '#e377c2',
  'produce info': '#ff7f0e',
  'consume info': '#bcbd22',
};
const PALETTE = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f'];
const s = (ms: number) => round(ms / 1000, 4);

/** The latency, throughput and lag charts of one run (those it has data for). */
export function runChartSpecs(run: ReportRun): ChartSpec[] {
  const h = run.history;
  if (!h) return [];
  const xRange: [number, number] = [0, Math.max(s(h.durationMs), 0.001)];
  const faults = h.faults.map((w) => ({ ...w, start: s(w.start), end: s(w.end) }));
  const charts: ChartSpec[] = [];
  const latency = h.latency.filter((x) => x.t.length > 0);
  if (latency.length)
    charts.push({
      id: `${run.id}-latency`,
      kind: 'latency',
      title: 'latency per op (slowest per time bucket)',
      xLabel: 'seconds since start',
      yLabel: 'latency (ms)',
      logY: true,
      xRange,
      faults,
      series: latency.map((x) => ({
        label: `${x.label} (${x.ops})`,
        t: x.t.map(s),
        v: x.v.map((ms) => Math.max(ms, 0.001)),
        style: 'points',
        color: COLORS[x.label] ?? '#7f7f7f',
      })),
    });
  const tp = h.throughput;
  if (tp.series.some((x) => x.ops > 0))
    charts.push({
      id: `${run.id}-throughput`,
      kind: 'throughput',
      title: `throughput (ok ops per second, ${tp.bucketMs} ms buckets)`,
      xLabel: 'seconds since start',
      yLabel: 'ops/s',
      xRange,
      faults,
      series: tp.series.map((x) => ({
        label: x.label,
        t: tp.t.map(s),
        v: x.v,
        style: 'step',
        color: COLORS[`${x.label.split(' ')[0]} ok`] ?? '#7f7f7f',
      })),
    });
  if (h.lag.series.length)
    charts.push({
      id: `${run.id}-lag`,
      kind: 'lag',
      title: `consumer lag (acknowledged − consumed, records)${h.lag.omitted ? `; ${h.lag.omitted} more partitions not drawn` : ''}`,
      xLabel: 'seconds since start',
      yLabel: 'records',
      xRange,
      faults,
      series: h.lag.series.map((x, i) => ({
        label: `${x.label} (peak ${x.peak})`,
        t: x.t.map(s),
        v: x.v,
        style: 'step',
        color: PALETTE[i % PALETTE.length]!,
      })),
    });
  return charts;
}

/** The durability bar chart: lost and duplicated per row, unavailable seconds on the right axis. */
export function durabilityChartSpec(model: ReportModel): ChartSpec | undefined {
  const rows = model.durability;
  if (!rows.length) return undefined;
  const x = rows.map((_, i) => i);
  const withTarget = new Set(rows.map((r) => r.target)).size > 1;
  return {
    id: 'durability',
    kind: 'durability',
    title: 'durability: acknowledged writes lost and duplicated, time unavailable',
    xLabel: withTarget ? 'target · acks · fault' : 'acks · fault',
    yLabel: 'records',
    y2Label: 'unavailable (s)',
    xLabels: rows.map((r) => `${withTarget ? `${r.target} · ` : ''}${r.levelLabel} · ${r.fault}`),
    series: [
      { label: 'lost', t: x, v: rows.map((r) => r.lost), style: 'bars-left', color: '#d62728' },
      { label: 'duplicated', t: x, v: rows.map((r) => r.duplicated), style: 'bars-right', color: '#ff7f0e' },
      {
        label: 'unavailable (s)',
        t: x,
        v: rows.map((r) => r.unavailableSeconds),
        style: 'points',
        color: '#1f77b4',
        axis: 'y2',
        pointSize: 9,
      },
    ],
  };
}

/** The unavailability windows of a load result, as shaded windows in seconds. */
function loadFaults(l: ReportModel['load'][number]): NonNullable<ChartSpec['faults']> {
  return unavailableWindows(l.load.throughput, l.load.bucketMs ?? 1000).map((w) => ({
    start: s(w.start),
    end: s(w.end),
    fault: 'unavailable',
    label: `unavailable (${w.reason})`,
  }));
}

const bucketText = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);

/** Throughput per interval of each load result: acknowledged and consumed records per second (MB/s right). */
export function loadChartSpecs(model: ReportModel): ChartSpec[] {
  return model.load
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.load.throughput.length > 0)
    .map(({ l, i }) => {
      const pts = [...l.load.throughput].sort((a, b) => a.time - b.time);
      const t = pts.map((p) => s(p.time));
      const series: ChartSeries[] = [
        {
          label: 'produced (acked records/s)',
          t,
          v: pts.map((p) => p.recordsPerSecond),
          style: 'step',
          color: '#1f77b4',
        },
      ];
      if (pts.some((p) => p.consumedPerSecond !== undefined))
        series.push({
          label: 'consumed (records/s)',
          t,
          v: pts.map((p) => p.consumedPerSecond ?? 0),
          style: 'step',
          color: '#2ca02c',
        });
      if (pts.some((p) => (p.errorsPerSecond ?? 0) > 0))
        series.push({
          label: 'failed (records/s)',
          t,
          v: pts.map((p) => p.errorsPerSecond ?? 0),
          style: 'step',
          color: '#d62728',
        });
      if (pts.every((p) => p.bytesPerSecond !== undefined))
        series.push({
          label: 'MB/s acked',
          t,
          v: pts.map((p) => round(p.bytesPerSecond! / 1e6, 3)),
          style: 'line',
          color: '#9467bd',
          axis: 'y2',
        });
      return {
        id: `load-${i + 1}`,
        kind: 'load-throughput',
        title: `throughput on ${l.target} (${bucketText(l.load.bucketMs ?? 1000)} buckets)`,
        xLabel: 'seconds since start',
        yLabel: 'records/s',
        y2Label: series.some((x) => x.axis) ? 'MB/s' : undefined,
        xRange: [0, Math.max(...t, 0.001)],
        faults: loadFaults(l),
        series,
      } satisfies ChartSpec;
    });
}

/** Produce-ack latency over time of each load run that recorded it: p50 and p99 of every interval. */
export function loadLatencyChartSpecs(model: ReportModel): ChartSpec[] {
  return model.load
    .map((l, i) => ({
      l,
      i,
      // an interval without acks has no latency: left out, not drawn as 0
      pts: [...l.load.throughput]
        .filter((p) => p.p99Ms !== undefined && p.recordsPerSecond > 0)
        .sort((a, b) => a.time - b.time),
    }))
    .filter(({ pts }) => pts.length > 0)
    .map(({ l, i, pts }) => {
      const t = pts.map((p) => s(p.time));
      const series: ChartSeries[] = [];
      if (pts.some((p) => p.p50Ms !== undefined))
        series.push({
          label: 'p50 (ms)',
          t,
          v: pts.map((p) => Math.max(p.p50Ms ?? 0, 0.001)),
          style: 'line',
          color: '#1f77b4',
        });
      series.push({
        label: 'p99 (ms)',
        t,
        v: pts.map((p) => Math.max(p.p99Ms!, 0.001)),
        style: 'line',
        color: '#d62728',
      });
      const all = [...l.load.throughput].map((p) => s(p.time));
      return {
        id: `load-latency-${i + 1}`,
        kind: 'load-latency',
        title: `produce → ack latency over time on ${l.target} (p50 and p99 of each ${bucketText(l.load.bucketMs ?? 1000)})`,
        xLabel: 'seconds since start',
        yLabel: 'ms',
        logY: true,
        xRange: [0, Math.max(...all, 0.001)],
        faults: loadFaults(l),
        series,
      } satisfies ChartSpec;
    });
}

/** x of percentile `p` on an HdrHistogram plot: log10(1 / (1 − p)), so 90% is 1, 99% is 2, 99.9% is 3. */
export function percentileX(p: number, count: number): number {
  // 100% (the maximum) sits just beyond the finest percentile the samples resolve
  return p >= 100 ? round(Math.log10(Math.max(count, 10)) + 0.3, 4) : round(Math.log10(1 / (1 - p / 100)), 4);
}

/** `90%`, `99.9%`… for the ticks of an HdrHistogram plot. */
export function percentileTicks(maxX: number): { at: number; label: string }[] {
  const ticks = [{ at: 0, label: '0%' }];
  for (let k = 1; k <= Math.floor(maxX); k++)
    ticks.push({ at: k, label: `${(100 - 100 / 10 ** k).toFixed(Math.max(0, k - 2))}%` });
  return ticks;
}

/** The produce-ack latency by percentile of each load run, drawn as HdrHistogram plots it. */
export function loadDistributionChartSpecs(model: ReportModel): ChartSpec[] {
  return model.load
    .map((l, i) => ({ l, i, d: l.load.produceDistribution ?? [] }))
    .filter(({ d }) => d.length > 1)
    .map(({ l, i, d }) => {
      const count = l.load.produce?.count ?? 10;
      const t = d.map((p) => percentileX(p.percentile, count));
      return {
        id: `load-distribution-${i + 1}`,
        kind: 'load-distribution',
        title: `produce → ack latency by percentile on ${l.target} (${count.toLocaleString('en-US')} samples; right end: the maximum)`,
        xLabel: 'percentile',
        yLabel: 'ms',
        logY: true,
        xRange: [0, Math.max(...t)],
        xTicks: percentileTicks(Math.max(...t)),
        series: [
          { label: 'produce → ack (ms)', t, v: d.map((p) => Math.max(p.ms, 0.001)), style: 'line', color: '#1f77b4' },
        ],
      } satisfies ChartSpec;
    });
}

/** Every chart of the report, in page order. */
export function allChartSpecs(model: ReportModel): ChartSpec[] {
  const d = durabilityChartSpec(model);
  return [
    ...(d ? [d] : []),
    ...loadChartSpecs(model),
    ...loadLatencyChartSpecs(model),
    ...loadDistributionChartSpecs(model),
    ...model.runs.flatMap(runChartSpecs),
  ];
}
