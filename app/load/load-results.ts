/**
 * What a load run stores (`load.json`, and the `load` slot of `results.json`) and the summary
 * table it prints. Reports read this shape; change `schema` when it changes incompatibly.
 */
import type { LatencySummary } from './histogram.ts';
import type { PlotPoint } from './plot-series.ts';
import type { SecondSample } from './throughput-series.ts';
import { acksName, type LoadSettings } from './load-options.ts';

/** Rounds `x` to `digits` decimals, as the stored results do. */
export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Acknowledged records and bytes per second over the producing time (0 when it did not start). */
export function produceThroughput(
  acked: number,
  ackedBytes: number,
  producingSeconds: number,
): LoadResults['throughput'] {
  return {
    recordsPerSecond: producingSeconds > 0 ? round(acked / producingSeconds, 1) : 0,
    megabytesPerSecond: producingSeconds > 0 ? round(ackedBytes / producingSeconds / 1e6, 3) : 0,
  };
}

/** Results of `kconform load` (native Kafka clients). */
export interface LoadResults {
  readonly schema: 'kconform.load/v1';
  readonly mode: 'kafka' | 'http';
  readonly target: string;
  readonly bootstrap: string;
  readonly topic: string;
  readonly startedAt: string;
  readonly settings: LoadSettings;
  /**
   * open-loop: sends on a fixed timetable (--rate), latency measured from the intended send time;
   * closed-loop: flat out, each producer sends its next batch when the last one is acknowledged,
   * latency measured from the actual send (a stall then hides the latency it caused).
   */
  readonly timing: 'open-loop' | 'closed-loop';
  /** True when Ctrl-C (or an abort) ended the run early. */
  readonly interrupted: boolean;
  /** Seconds spent producing. */
  readonly producingSeconds: number;
  readonly sent: number;
  /** Records whose send succeeded (acks=0: written to the socket). */
  readonly acked: number;
  readonly errorCount: number;
  /** Failed records by kind (Kafka error name, or the client error's class). */
  readonly errors: Readonly<Record<string, number>>;
  readonly throughput: { readonly recordsPerSecond: number; readonly megabytesPerSecond: number };
  /** From the (intended) send time to the acknowledgement. */
  readonly produceLatencyMs: LatencySummary;
  /** From the (intended) send time to a consumer receiving the record; null without consumers. */
  readonly endToEndLatencyMs: LatencySummary | null;
  readonly consumed: number;
  readonly duplicates: number;
  /** Acknowledged records no consumer received by the end; null without consumers. */
  readonly lost: number | null;
  readonly lostExamples: readonly string[];
  /** Records consumed whose send had failed (the broker kept them although the client saw an error). */
  readonly consumedUnacked: number;
  readonly series: readonly SecondSample[];
  /** The same events in buckets of `plotBucketMs` chosen from the run's length, for the report's plots. */
  readonly plot?: { readonly bucketMs: number; readonly points: readonly PlotPoint[] };
  /** The produce-ack percentile distribution (HdrHistogram's percentile ladder), ms. */
  readonly produceDistribution?: readonly { readonly percentile: number; readonly ms: number }[];
  /** Set in HTTP mode (`--http`). */
  readonly http?: HttpLoadResults;
  /** The client that produced: `raw` (kconform's own, on protocol/), `kafkajs` or `platformatic`; absent: kafkajs. */
  readonly driver?: 'raw' | 'kafkajs' | 'platformatic';
}

/** Results of `kconform load --http`: autocannon through the gateway, then a read-back. */
export interface HttpLoadResults {
  readonly gatewayUrl: string;
  readonly connections: number;
  readonly requests: number;
  readonly responses2xx: number;
  readonly non2xx: number;
  /** Responses by HTTP status. */
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly socketErrors: number;
  readonly timeouts: number;
  /** autocannon's own latency percentiles (ms; closed loop per connection, 1 ms resolution). */
  readonly latencyMs: Omit<LatencySummary, 'count'>;
  readonly requestsPerSecond: number;
  /** HTTP bytes per second read by autocannon. */
  readonly responseBytesPerSecond: number;
  /** Acknowledged (2xx) records found when the topic was read back. */
  readonly readBack: number;
  /** Acknowledged (2xx) records missing from the read-back. */
  readonly lostAcked: number;
  readonly lostExamples: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The summary table printed at the end of a run. */
export function renderLoadSummary(r: LoadResults): string {
  const s = r.settings;
  const lines: string[] = [];
  const timing =
    r.mode === 'http'
      ? `autocannon, one request in flight per connection${s.rate ? `, paced at ${fmt(s.rate)} requests/s` : ', flat out'} (closed loop: coordinated omission not corrected)`
      : r.timing === 'open-loop'
        ? `open loop at ${fmt(s.rate ?? 0)} records/s (latency from the intended send time)`
        : 'flat out, closed loop (each producer waits for its last batch: latency from the actual send, coordinated omission not corrected)';
  lines.push(`load on ${r.target} (${r.bootstrap}), topic ${r.topic}${r.interrupted ? ' — INTERRUPTED' : ''}`);
  lines.push(
    `  ${r.mode === 'http' ? `HTTP via the gateway, ${s.producers} connections` : `${plural(s.producers, 'producer')}, ${plural(s.consumers, 'consumer')}`}, acks=${acksName(s.acks)}, ${fmt(s.recordSize)} B records, ${s.partitions} partitions, compression ${s.compression}, ${fmt(r.producingSeconds, 1)} s`,
  );
  lines.push(`  timing: ${timing}`);
  lines.push('');
  const row = (a: string, b: string) => `  ${a.padEnd(30)}${b}`;
  lines.push(row('sent', fmt(r.sent)));
  lines.push(row('acknowledged', fmt(r.acked)));
  lines.push(
    row(
      'errors',
      r.errorCount === 0
        ? '0'
        : `${fmt(r.errorCount)} (${Object.entries(r.errors)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join(', ')})`,
    ),
  );
  lines.push(
    row(
      'throughput',
      `${fmt(r.throughput.recordsPerSecond)} records/s, ${fmt(r.throughput.megabytesPerSecond, 2)} MB/s`,
    ),
  );
  lines.push('');
  lines.push(
    `  ${'latency (ms)'.padEnd(30)}${['p50', 'p99', 'p99.9', 'max', 'samples'].map((h) => h.padStart(10)).join('')}`,
  );
  const lat = (name: string, l: LatencySummary | null) => {
    if (!l) return;
    lines.push(
      `  ${name.padEnd(30)}${[l.p50, l.p99, l.p999, l.max].map((v) => fmt(v, 2).padStart(10)).join('')}${fmt(l.count).padStart(10)}`,
    );
  };
  lat(r.mode === 'http' ? 'gateway produce-ack' : 'produce-ack', r.produceLatencyMs);
  lat('end-to-end', r.endToEndLatencyMs);
  if (r.http) {
    const h = r.http.latencyMs;
    lines.push(
      `  ${'HTTP (autocannon)'.padEnd(30)}${[h.p50, h.p99, h.p999, h.max].map((v) => fmt(v, 2).padStart(10)).join('')}${fmt(r.http.requests).padStart(10)}`,
    );
  }
  lines.push('');
  if (r.http) {
    lines.push(
      row(
        'HTTP requests',
        `${fmt(r.http.requests)} (${fmt(r.http.requestsPerSecond)}/s), 2xx ${fmt(r.http.responses2xx)}, non-2xx ${fmt(r.http.non2xx)}${
          r.http.non2xx
            ? ` (${Object.entries(r.http.statusCodes)
                .filter(([c]) => !c.startsWith('2'))
                .map(([c, n]) => `${c}: ${fmt(n)}`)
                .join(', ')})`
            : ''
        }, socket errors ${fmt(r.http.socketErrors)}, timeouts ${fmt(r.http.timeouts)}`,
      ),
    );
    lines.push(
      row(
        'read back',
        `${fmt(r.http.readBack)} acknowledged records found, ${fmt(r.http.lostAcked)} missing${r.http.lostExamples.length ? ` (e.g. ${r.http.lostExamples.join(', ')})` : ''}`,
      ),
    );
  } else if (r.lost === null) {
    lines.push(row('loss', 'not checked (no consumers)'));
  } else {
    lines.push(
      row(
        'consumed',
        `${fmt(r.consumed)}${r.duplicates ? `, ${fmt(r.duplicates)} duplicates` : ''}${r.consumedUnacked ? `, ${fmt(r.consumedUnacked)} whose send had failed` : ''}`,
      ),
    );
    const allowed = s.acks === 0 ? ' (acks=0 may lose)' : '';
    lines.push(
      row(
        'lost (acked, not consumed)',
        `${fmt(r.lost)}${allowed}${r.lostExamples.length ? ` e.g. ${r.lostExamples.join(', ')}` : ''}`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
