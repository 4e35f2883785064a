/**
 * What each chart of the HTML report draws, as plain data embedded in the page; the page's script
 * (report-client.js) turns each spec into a uPlot chart. Times are seconds since the run started.
 */
import { round } from '../history/downsample.ts';
import type { FaultWindow } from '../history/fault-windows.ts';
import type { ReportModel, ReportRun } from '../report-model.ts';

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
  kind: 'latency' | 'throughput' | 'lag' | 'durability' | 'load-throughput' | 'load-latency';
  title: string;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  logY?: boolean;
  /** Fixed x range, so a run's charts line up. */
  xRange?: [number, number];
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

/** One throughput chart per load result. */
export function loadChartSpecs(model: ReportModel): ChartSpec[] {
  return model.load
    .filter((l) => l.load.throughput.length > 0)
    .map((l, i) => {
      const pts = [...l.load.throughput].sort((a, b) => a.time - b.time);
      const series: ChartSeries[] = [
        {
          label: 'records/s',
          t: pts.map((p) => s(p.time)),
          v: pts.map((p) => p.recordsPerSecond),
          style: 'line',
          color: '#1f77b4',
        },
      ];
      if (pts.every((p) => p.bytesPerSecond !== undefined))
        series.push({
          label: 'MB/s',
          t: pts.map((p) => s(p.time)),
          v: pts.map((p) => round(p.bytesPerSecond! / 1e6, 3)),
          style: 'line',
          color: '#2ca02c',
          axis: 'y2',
        });
      return {
        id: `load-${i + 1}`,
        kind: 'load-throughput',
        title: `load throughput on ${l.target}`,
        xLabel: 'seconds since start',
        yLabel: 'records/s',
        y2Label: series.length > 1 ? 'MB/s' : undefined,
        series,
      } satisfies ChartSpec;
    });
}

/** Produce-ack latency over time of each load run that recorded it: the p99 of every second. */
export function loadLatencyChartSpecs(model: ReportModel): ChartSpec[] {
  return model.load
    .map((l, i) => ({
      l,
      i,
      pts: [...l.load.throughput].filter((p) => p.p99Ms !== undefined).sort((a, b) => a.time - b.time),
    }))
    .filter(({ pts }) => pts.length > 0)
    .map(
      ({ l, i, pts }) =>
        ({
          id: `load-latency-${i + 1}`,
          kind: 'load-latency',
          title: `produce → ack latency over time on ${l.target} (p99 of each second)`,
          xLabel: 'seconds since start',
          yLabel: 'ms',
          series: [
            {
              label: 'p99 (ms)',
              t: pts.map((p) => s(p.time)),
              v: pts.map((p) => p.p99Ms!),
              style: 'line',
              color: '#d62728',
            },
          ],
        }) satisfies ChartSpec,
    );
}

/** Every chart of the report, in page order. */
export function allChartSpecs(model: ReportModel): ChartSpec[] {
  const d = durabilityChartSpec(model);
  return [
    ...(d ? [d] : []),
    ...loadChartSpecs(model),
    ...loadLatencyChartSpecs(model),
    ...model.runs.flatMap(runChartSpecs),
  ];
}
