/**
 * Renders report.html: ONE self-contained file (uPlot's script and styles inlined, the chart data
 * embedded as JSON), so it opens offline, from a CI artifact or a mail attachment. Tables are
 * rendered here as static HTML (readable without scripts); charts are drawn in the page by
 * report-client.js from the embedded specs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Op } from '../../harness/history/history.ts';
import { differenceKey, type Anomaly, type ReportModel, type ReportRun } from '../report-model.ts';
import { compareDifferences } from '../compare-differences.ts';
import type { PartitionLane } from '../history/log-lanes.ts';
import { seedRanges } from '../failover-summary.ts';
import type { ResultValidity } from '../results-schema.ts';
import { esc } from './html-escape.ts';
import { anomalyId, durabilityLane } from './durability-lanes.ts';
import { unavailableWindows } from '../load-windows.ts';
import { laneLegend, lanesHtml } from './lanes-html.ts';
import { timelineSvg, type TimelineMark } from './timeline-svg.ts';
import { opValueText, storedWitnessText } from './witness-values.ts';
import { cardSectionHtml } from '../card/card-html.ts';
import {
  allChartSpecs,
  durabilityChartSpec,
  loadChartSpecs,
  loadDistributionChartSpecs,
  loadLatencyChartSpecs,
  runChartSpecs,
  type ChartSpec,
} from './chart-specs.ts';

const require = createRequire(import.meta.url);
let assets: { uplotJs: string; uplotCss: string; clientJs: string; css: string } | undefined;

/** uPlot's browser build and styles, from node_modules; our script and styles, from beside this file. */
function loadAssets(): NonNullable<typeof assets> {
  if (assets) return assets;
  const dist = join(require.resolve('uplot/package.json'), '..', 'dist');
  assets = {
    uplotJs: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
    clientJs: readFileSync(join(import.meta.dirname, 'report-client.js'), 'utf8'),
    css: readFileSync(join(import.meta.dirname, 'report.css'), 'utf8'),
  };
  return assets;
}

export { esc };

/** JSON safe inside a <script> element: no `</script>`, no `<!--`. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script's text made safe to inline: `</script` cannot occur in it. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

const verdictClass = (v: ResultValidity) => (v === true ? 'pass' : v === false ? 'fail' : 'unknown');
const verdictText = (v: ResultValidity) => (v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN');
const badge = (v: ResultValidity, text = verdictText(v), href?: string) =>
  href
    ? `<a class="badge ${verdictClass(v)}" href="${esc(href)}">${esc(text)}</a>`
    : `<span class="badge ${verdictClass(v)}">${esc(text)}</span>`;
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const runName = (r: ReportRun) => `${r.scenario} on ${r.target}${r.seed !== undefined ? `, seed ${r.seed}` : ''}`;

function verdictTable(model: ReportModel): string {
  const scenarios = [...new Set(model.runs.map((r) => r.scenario))];
  const targets = [...new Set(model.runs.map((r) => r.target))];
  const head = `<tr><th>scenario</th>${targets.map((t) => `<th>${esc(t)}</th>`).join('')}</tr>`;
  const rows = scenarios.map((s) => {
    const cells = targets.map((t) => {
      const runs = model.runs.filter((r) => r.scenario === s && r.target === t);
      return `<td>${runs.map((r) => badge(r.valid, `${verdictText(r.valid)}${r.seed !== undefined ? ` seed ${r.seed}` : ''}`, `#${r.id}`)).join(' ') || '—'}</td>`;
    });
    return `<tr><th>${esc(s)}</th>${cells.join('')}</tr>`;
  });
  const count = (v: ResultValidity) => model.runs.filter((r) => r.valid === v).length;
  return `<table class="verdicts" id="verdict-table">${head}${rows.join('')}</table>
<p class="meta">${model.runs.length} scenario run(s): ${count(true)} passed, ${count(false)} failed, ${count('unknown')} undecided.</p>`;
}

function opRow(op: Op, invoke: boolean, lanes: Anomaly['lanes'] = []): string {
  // never cut mid-value: a witness value is what a person reads to see the anomaly
  const { text, note } = opValueText(op, lanes);
  return `<tr class="${invoke ? 'invoke' : 'completion'}"><td class="num">${op.index}</td><td class="num">${op.time}</td><td>${esc(op.process)}</td><td>${esc(op.type)}</td><td>${esc(op.f)}</td><td class="value">${note ? `<em>${esc(note)}</em><br>` : ''}${esc(text)}</td><td>${esc(op.error ?? '')}</td></tr>`;
}

function anomalyBlock(run: ReportRun, a: Anomaly): string {
  const cls = a.valid === false ? 'fail' : a.valid === 'unknown' ? 'unknown' : 'allowed';
  const label = a.valid === false ? 'FAIL' : a.valid === 'unknown' ? 'UNKNOWN' : 'ALLOWED';
  const rows = a.witnessOps.length + a.witnessOps.filter((w) => w.invoke).length;
  const ops = a.witnessOps.length
    ? `<details class="witness-ops"><summary>${a.witnessOps.length} witness op(s) as recorded (${rows} history rows)</summary><table class="ops"><tr><th>index</th><th>time (ms)</th><th>process</th><th>type</th><th>f</th><th>value</th><th>error</th></tr>${a.witnessOps.map((w) => (w.invoke ? opRow(w.invoke, true, a.lanes) : '') + opRow(w.op, false, a.lanes)).join('')}</table></details>`
    : '';
  const others = a.witnesses.filter((w) => !a.witnessOps.some((o) => o.op === w));
  const json = others.length
    ? `<details${a.witnessOps.length || a.lanes.length ? '' : ' open'}><summary>${others.length} witness(es) as stored</summary><pre>${esc(storedWitnessText(others, new Set(a.witnessOps.map((w) => w.op.index))))}</pre></details>`
    : '';
  const shown =
    a.count !== undefined && a.count > a.witnesses.length
      ? ` · ${a.witnesses.length} of ${a.count} witnesses stored and drawn`
      : '';
  return `<div class="anomaly ${cls}" id="${anomalyId(run, a)}" data-checker="${esc(a.checker)}" data-run="${run.id}"><p><span class="badge ${cls}">${label}</span> <strong>${esc(a.checker)}</strong>${a.count !== undefined ? ` (${a.count})` : ''} — ${esc(a.summary)} · <a href="#${run.id}">${esc(runName(run))}</a>${shown}</p>${lanesHtml(a.lanes, anomalyId(run, a))}${ops}${a.valid === false ? finalReadEvidence(run, a) : ''}${json}</div>`;
}

/** The other side of acknowledged-write witnesses: what the final read held at each offset, and what it skipped. */
function finalReadEvidence(run: ReportRun, a: Anomaly): string {
  const acked = new Set(
    a.witnessOps
      .filter((w) => w.op.f === 'send' && w.op.type === 'ok')
      .map((w) => {
        const v = w.op.value as { topic: string; partition: number; offset: number };
        return `${v.topic}/${v.partition}@${v.offset}`;
      }),
  );
  // one row per position (several checkers may name the same acknowledged offset)
  const rows = [
    ...new Map(
      (run.history?.finalRead ?? []).filter((e) => acked.has(e.position)).map((e) => [e.position, e]),
    ).values(),
  ];
  if (!rows.length) return '';
  const held = (e: (typeof rows)[number]) =>
    e.held
      ? esc(JSON.stringify(e.held.value) ?? '')
      : '<em>nothing: the final read returned no record at this offset</em>';
  const skipped = (e: (typeof rows)[number]) =>
    e.skippedCount
      ? `${e.skipped.join(', ')}${e.skippedCount > e.skipped.length ? ` … (${e.skippedCount} in all)` : ''}`
      : 'none';
  return `<details class="evidence"><summary>what the final read held at ${rows.length} acknowledged offset(s)</summary><table class="evidence"><tr><th>acknowledged at</th><th>the final read held there</th><th>offsets of the partition the final read skipped</th></tr>${rows.map((e) => `<tr><td>${esc(e.position)}</td><td class="value">${held(e)}</td><td>${esc(skipped(e))}</td></tr>`).join('')}</table></details>`;
}

/** Undecided checks without witnesses say the same thing (no final read…): one line per run and reason. */
function undecidedBlocks(run: ReportRun): string[] {
  const bySummary = new Map<string, string[]>();
  for (const a of run.anomalies.filter((x) => x.valid === 'unknown' && x.witnesses.length === 0)) {
    let list = bySummary.get(a.summary);
    if (!list) bySummary.set(a.summary, (list = []));
    list.push(a.checker);
  }
  return [...bySummary].map(
    ([summary, checkers]) =>
      `<div class="anomaly unknown" data-checker="${esc(checkers.join(' '))}"><p><span class="badge unknown">UNKNOWN</span> <strong>${esc(checkers.join(', '))}</strong> — ${esc(summary)} · <a href="#${run.id}">${esc(runName(run))}</a></p></div>`,
  );
}

function anomaliesSection(model: ReportModel): string {
  const blocks = model.runs.flatMap((r) => [
    ...r.anomalies
      .filter((a) => a.valid === false || (a.valid === 'unknown' && a.witnesses.length > 0))
      .map((a) => anomalyBlock(r, a)),
    ...undecidedBlocks(r),
  ]);
  const allowed = model.runs.flatMap((r) => r.anomalies.filter((a) => a.valid === true).map((a) => anomalyBlock(r, a)));
  const errors = model.runs
    .filter((r) => 'error' in r.results && r.results.error)
    .map(
      (r) => `<p>${badge('unknown', 'STOPPED')} ${esc(runName(r))}: ${esc((r.results as { error: string }).error)}</p>`,
    );
  const none = blocks.length === 0 && errors.length === 0 ? '<p>No anomalies: every check held in every run.</p>' : '';
  const allowedPart = allowed.length
    ? `<h3>Allowed by the run's configuration (reported, not hidden)</h3>${allowed.join('')}`
    : '';
  const legend = model.runs.some((r) => r.anomalies.some((a) => a.lanes.length)) ? laneLegend() : '';
  return `<section id="anomalies"><h2>Anomalies</h2>${none}${legend}${errors.join('')}${blocks.join('')}${allowedPart}</section>`;
}

function conformanceSection(model: ReportModel): string {
  if (!model.conformance.length) return '';
  const parts = model.conformance.map(({ target, matrix, runId }) => {
    const versions = [...new Set(matrix.rows.map((r) => r.version))].sort((a, b) => a - b);
    const apis = [...new Map(matrix.rows.map((r) => [r.apiKey, r.apiName])).entries()].sort((a, b) => a[0] - b[0]);
    const head = `<tr><th>API (key)</th>${versions.map((v) => `<th>v${v}</th>`).join('')}</tr>`;
    const rows = apis.map(([key, name]) => {
      const cells = versions.map((v) => {
        const row = matrix.rows.find((r) => r.apiKey === key && r.version === v);
        if (!row) return '<td class="cell"></td>';
        const known = row.verdict === 'differs' && row.knownOnly;
        const text = known
          ? 'known'
          : row.verdict === 'differs' && row.cases !== undefined
            ? `differs ${row.differing ?? '?'}/${row.cases}`
            : row.verdict === 'unsupported' && row.unsupportedBy
              ? `unsupported (${row.unsupportedBy})`
              : row.verdict;
        const title =
          row.diff !== undefined
            ? clip(typeof row.diff === 'string' ? row.diff : JSON.stringify(row.diff), 2000)
            : text;
        return `<td class="cell"><span class="badge ${known ? 'allowed' : row.verdict}" title="${esc(title)}">${esc(text)}</span></td>`;
      });
      return `<tr><th>${esc(name)} (${key})</th>${cells.join('')}</tr>`;
    });
    const diffs = matrix.rows.filter((r) => r.verdict === 'differs' && r.diff !== undefined);
    const diffList = diffs.length
      ? `<details><summary>${diffs.length} difference(s)</summary>${diffs.map((r) => `<h4>${esc(r.apiName)} v${r.version}</h4><pre>${esc(clip(typeof r.diff === 'string' ? r.diff : JSON.stringify(r.diff, null, 2), 20_000))}</pre>`).join('')}</details>`
      : '';
    const n = (v: string) => matrix.rows.filter((r) => r.verdict === v).length;
    return `<h3>${esc(target)} against ${esc(matrix.against)} <a class="meta" href="#${runId}">(run)</a></h3><p class="meta">${n('same')} same, ${n('differs')} differ, ${n('unsupported')} unsupported</p><table class="conformance">${head}${rows.join('')}</table>${diffList}`;
  });
  return `<section id="conformance"><h2>Conformance matrix</h2>${parts.join('')}</section>`;
}

function durabilitySection(model: ReportModel, chart: ChartSpec | undefined): string {
  if (!model.durability.length) return '';
  const opt = (n: number | undefined) => (n === undefined ? '—' : String(n));
  const head =
    '<tr><th>target</th><th>acks</th><th>fault</th><th>sent</th><th>acked</th><th>lost</th><th>duplicated</th><th>unconfirmed but written</th><th>unavailable (s)</th></tr>';
  const most = Math.max(1, ...model.durability.map((r) => r.lost));
  const rows = model.durability.map((r) => {
    const run = model.runs.find((x) => x.id === r.runId);
    const lane = run ? durabilityLane(run, r) : undefined;
    const bar = `<span class="bar" style="width:${Math.round((60 * r.lost) / most)}px"></span>`;
    const lost = lane ? `<a href="#${lane}" title="the lanes of this cell">${r.lost}</a>` : String(r.lost);
    const cell = `<a href="#${lane ?? r.runId}">${esc(r.levelLabel)}</a>`;
    return `<tr data-lost="${r.lost}"><td><a href="#${r.runId}">${esc(r.target)}</a></td><td>${cell}</td><td>${esc(r.fault)}</td><td class="num">${opt(r.sent)}</td><td class="num">${r.acked}</td><td class="num lost">${bar}${lost}</td><td class="num">${r.duplicated}</td><td class="num">${opt(r.unconfirmedWritten)}</td><td class="num">${r.unavailableSeconds}</td></tr>`;
  });
  const skipped = model.durabilitySkipped.map(
    (s) => `<li>${esc(s.target)}: ${esc(s.fault)} not run: ${esc(s.reason)}</li>`,
  );
  return `<section id="durability"><h2>Durability</h2><table class="durability">${head}${rows.join('')}</table>${skipped.length ? `<ul class="meta">${skipped.join('')}</ul>` : ''}${chart ? `<div class="chart" id="chart-${chart.id}"></div>` : ''}</section>`;
}

/** Failover summaries worth a table: several runs, or a failed one (a single passing run says it all in its card). */
const failoverShown = (model: ReportModel) => model.failover.filter((f) => f.runs > 1 || f.failed > 0);

function failoverSection(model: ReportModel): string {
  const shown = failoverShown(model);
  if (!shown.length) return '';
  const rows = shown.map((f) => {
    const faults =
      Object.entries(f.faults)
        .map(([kind, n]) => `${esc(kind)} ${n}`)
        .join(', ') || 'none';
    const total = Object.values(f.faults).reduce((a, b) => a + b, 0);
    const verdicts = [
      f.passed && `${f.passed} PASS`,
      f.failed && `${f.failed} FAIL`,
      f.undecided && `${f.undecided} UNKNOWN`,
    ]
      .filter(Boolean)
      .join(', ');
    const runs = f.failing
      .map((r) => `<a href="#${r.runId}">seed ${esc(r.seed ?? '?')}</a> (${esc(r.checks.join(', '))})`)
      .join('; ');
    const acked = `${f.acked.toLocaleString('en-US')} of ${f.sent.toLocaleString('en-US')}${f.withoutHistory ? ` (${f.withoutHistory} run(s) without a history not counted)` : ''}`;
    return `<tr><td>${esc(f.target)}</td><td class="num">${f.runs}</td><td>${esc(seedRanges(f.seeds))}</td><td>${badge(f.failed ? false : f.undecided ? 'unknown' : true, verdicts)}</td><td>${total}: ${faults}${f.skippedFaults ? `; ${f.skippedFaults} skipped` : ''}</td><td class="num">${acked}</td><td class="num">${f.lost}</td><td class="num">${f.duplicated}</td><td class="num">${f.inconsistentOffsets}</td><td class="num">${f.notRecovered}</td><td>${runs || '—'}</td></tr>`;
  });
  const head =
    '<tr><th>target</th><th>runs</th><th>seeds</th><th>verdicts</th><th>faults applied</th><th>acknowledged of sent</th><th>lost acked</th><th>duplicated</th><th>inconsistent offsets</th><th>not whole after heal</th><th>runs that did not pass</th></tr>';
  return `<section id="failover"><h2>Failover schedule</h2><p class="meta">Every failover run of each target added up: the same seeds play the same fault schedules on every target.</p><table class="failover">${head}${rows.join('')}</table></section>`;
}

function loadSection(model: ReportModel, charts: ChartSpec[]): string {
  if (!model.load.length) return '';
  const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(x < 10 ? 3 : 1));
  const parts = model.load.map(({ target, load }, i) => {
    const settings = Object.entries(load.settings ?? {})
      .map(([k, v]) => `${esc(k)}=${esc(v)}`)
      .join(', ');
    const rows = (['produce', 'endToEnd'] as const)
      .filter((k) => load[k])
      .map((k) => {
        const p = load[k]!;
        return `<tr><th>${k === 'produce' ? 'produce → ack' : 'produce → consume'}</th><td class="num">${p.count}</td><td class="num">${fmt(p.p50)}</td><td class="num">${fmt(p.p90)}</td><td class="num">${fmt(p.p99)}</td><td class="num">${fmt(p.p999)}</td><td class="num">${fmt(p.max)}</td></tr>`;
      });
    const table = rows.length
      ? `<table class="load"><tr><th>latency (ms)</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>${rows.join('')}</table>`
      : '';
    const shown = charts.filter((c) =>
      [`load-${i + 1}`, `load-latency-${i + 1}`, `load-distribution-${i + 1}`].includes(c.id),
    );
    const windows = unavailableWindows(load.throughput, load.bucketMs ?? 1000);
    const unavailable = `<p class="meta unavailability" data-windows="${windows.length}">${
      windows.length
        ? `unavailable (shaded): ${windows.map((w) => `${(w.start / 1000).toFixed(1)}–${(w.end / 1000).toFixed(1)} s (${esc(w.reason)})`).join('; ')}`
        : 'no unavailability: every interval that sent records had some acknowledged, and no send failed'
    }</p>`;
    return `<h3 id="load-${i + 1}">${esc(target)}</h3><p class="meta">${settings}</p>${table}${unavailable}${shown.map((c) => `<div class="chart" id="chart-${c.id}" data-kind="${c.kind}"></div>`).join('')}`;
  });
  return `<section id="load"><h2>Load</h2>${parts.join('')}</section>`;
}

/** The run of a compare side, by its run directory. */
function runOfDir(model: ReportModel, dir: string | undefined): ReportRun | undefined {
  return dir === undefined ? undefined : model.runs.find((r) => resolve(r.dir) === resolve(dir));
}

/**
 * Where the sides' lanes first disagree: per side, what each row holds at the first offset whose
 * rows differ (`replay: read, op 812` against `replay: skipped`).
 */
function firstDifferingOp(sides: { target: string; lanes: PartitionLane[] }[]): string | undefined {
  const view = (lanes: PartitionLane[], offset: number) =>
    lanes.flatMap((l) => {
      const i = l.offsets.indexOf(offset);
      if (i < 0) return [];
      return l.rows
        .map((r) => ({ label: r.label, cell: r.cells[i]! }))
        .filter((x) => x.cell.states.length || x.cell.records.length)
        .map((x) => ({
          sig: `${x.label}: ${x.cell.states.join(' ')}`,
          text: `${x.label}: ${x.cell.states.join(' ') || 'nothing'}${x.cell.records[0] ? ` (op ${x.cell.records[0].index}, ${(x.cell.records[0].time / 1000).toFixed(3)} s)` : ''}`,
        }));
    });
  const offsets = [...new Set(sides.flatMap((s) => s.lanes.flatMap((l) => l.offsets)))].sort((a, b) => a - b);
  for (const o of offsets) {
    const views = sides.map((s) => view(s.lanes, o));
    const sigs = views.map((v) => v.map((x) => x.sig).join('|'));
    if (new Set(sigs).size < 2) continue;
    // only the rows that differ between the sides
    const common = sigs.map((x) => new Set(x.split('|'))).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
    return `@${o}: ${sides
      .map(
        (s, i) =>
          `${s.target}: ${
            views[i]!.filter((x) => !common.has(x.sig))
              .map((x) => x.text)
              .join(', ') || 'nothing'
          }`,
      )
      .join(' · ')}`;
  }
  return undefined;
}

function compareSection(model: ReportModel): string {
  if (!model.compares.length) return '';
  let n = 0;
  const parts = model.compares.map((c) => {
    const { differences, same } = compareDifferences(c);
    const sideBySide: string[] = [];
    const rows = differences.map((d) => {
      const sides = d.sides.map((x) => ({ ...x, run: runOfDir(model, x.runDir) }));
      const lanes = sides.map((x) => ({ target: x.target, lanes: x.run?.compareLanes?.get(differenceKey(d)) ?? [] }));
      let link = '—';
      if (lanes.some((x) => x.lanes.length)) {
        const id = `compare-lanes-${++n}`;
        link = `<a href="#${id}">lanes side by side</a>`;
        sideBySide.push(
          `<div class="side-by-side" id="${id}" data-aspect="${esc(d.aspect)}" data-positions-from="${d.positionsFrom}"><p class="meta">${esc(d.scenario)} seed ${d.seed} · ${esc(d.aspect)}: ${esc(d.positions.map((p) => `${p.topic}[${p.partition}] offsets ${p.offsets[0]}…${p.offsets.at(-1)}`).join('; '))}</p><div class="sides">${lanes
            .map(
              (x, i) =>
                `<div class="side" data-target="${esc(x.target)}"><h4>${esc(x.target)}${sides[i]!.run ? ` <a class="meta" href="#${sides[i]!.run!.id}">(run)</a>` : ''}</h4>${x.lanes.length ? lanesHtml(x.lanes, `${id}-${i}`) : '<p class="meta">nothing at these offsets</p>'}</div>`,
            )
            .join('')}</div></div>`,
        );
      }
      const first = firstDifferingOp(lanes);
      const sideCells = sides
        .map(
          (x) =>
            `<td>${x.run ? badge(x.run.valid, undefined, `#${x.run.id}`) : ''} ${x.text.length ? esc(x.text.join('; ')) : ''}</td>`,
        )
        .join('');
      return `<tr class="difference" data-aspect="${esc(d.aspect)}" data-scenario="${esc(d.scenario)}"><td>${esc(d.scenario)} <span class="meta">(seed ${d.seed})</span></td><td><strong>${esc(d.aspect)}</strong>${d.cause ? ` <span class="meta">(${esc(d.cause)})</span>` : ''}</td>${sideCells}<td>${esc(d.shared.join('; '))}${first ? `<br><span class="first-op">${esc(first)}</span>` : ''}</td><td>${link}</td></tr>`;
    });
    const table = rows.length
      ? `<table class="compare differences"><tr><th>scenario</th><th>aspect</th>${c.targets.map((t) => `<th>${esc(t)}</th>`).join('')}<th>difference (first differing op)</th><th>lanes</th></tr>${rows.join('')}</table>`
      : '<p>No differences: every aspect was the same on every target.</p>';
    // what was the same, with its normalisation notes, one line per scenario: out of the way
    const sameLines = same
      .filter((x) => x.aspects.length)
      .map(
        (x) =>
          `<details class="same-aspects"><summary>${esc(x.scenario)} (seed ${x.seed}): ${x.aspects.length} aspect(s) the same — ${esc(x.aspects.map((a) => a.aspect).join(', '))}</summary><ul>${x.aspects.map((a) => `<li><strong>${esc(a.aspect)}</strong>: ${esc(a.summary)}</li>`).join('')}</ul></details>`,
      )
      .join('');
    return `<p class="meta">${esc(c.path)}: ${c.targets.map(esc).join(' vs ')} · ${differences.length} difference(s)</p>${table}${sameLines}${sideBySide.join('')}`;
  });
  return `<section id="compare"><h2>Behaviour compared between targets</h2>${parts.join('')}</section>`;
}

function faultLegend(run: ReportRun): string {
  const faults = run.history?.faults ?? [];
  if (!faults.length) return '';
  const items = faults.map(
    (w) =>
      `${esc(w.label)} ${(w.start / 1000).toFixed(2)}–${(w.end / 1000).toFixed(2)} s${w.unhealed ? ' (never healed)' : ''}`,
  );
  return `<p class="faults">shaded fault windows: ${items.join('; ')}</p>`;
}

/** What a load run's card says: what was sent and kept, not a scenario run's ops and records. */
function loadFacts(load: NonNullable<ReportRun['results']['load']>, seconds: number | undefined): string[] {
  const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : undefined);
  const x = load as typeof load & {
    sent?: number;
    acked?: number;
    mode?: string;
    averageThroughput?: { recordsPerSecond: number; megabytesPerSecond: number };
  };
  const st = load.settings ?? {};
  return [
    x.mode ? `${x.mode === 'http' ? 'HTTP through the gateway' : 'Kafka clients'}` : '',
    x.acked !== undefined && x.sent !== undefined ? `${n(x.acked)} of ${n(x.sent)} records acknowledged` : '',
    x.averageThroughput ? `${n(Math.round(x.averageThroughput.recordsPerSecond))} records/s` : '',
    seconds !== undefined ? `${seconds.toFixed(1)} s producing` : '',
    st.acks !== undefined ? `acks ${st.acks}` : '',
  ].filter(Boolean);
}

/** How shrinking went, said plainly: from which workload to which, or that nothing smaller failed the same way. */
function shrinkLine(r: ReportRun['results'], config: Record<string, unknown>): string {
  if (!('scenario' in r)) return '';
  const from = typeof config.records === 'number' ? `--records ${config.records} (${r.ops} ops)` : `${r.ops} ops`;
  const budget = r.shrink?.budgetExhausted ? `, the ${r.shrink.budgetSeconds} s budget spent` : '';
  const tries = r.shrink ? ` in ${r.shrink.attempts} run(s), ${r.shrink.seconds.toFixed(0)} s${budget}` : '';
  if (r.shrunk)
    return `<p>shrunk from ${esc(from)} to --records ${r.shrunk.records} (${r.shrunk.ops} ops)${esc(tries)}, failing ${esc(r.shrunk.failing.join(', ') || '—')}: <code>./kconform replay ${esc(r.shrunk.runDir)}</code></p>`;
  if (r.shrink)
    return `<p>not shrunk: ${r.shrink.reproduced ? 'no smaller case failed the same way' : 'a rerun of the same case did not fail the same way (timing-dependent)'}${esc(tries)}; this run is the counterexample</p>`;
  return '';
}

/** The two ways to run a failing case again: replay its directory, or the run command line with its seed. */
function rerunLines(run: ReportRun, config: Record<string, unknown>): string {
  const r = run.results;
  if (!('scenario' in r) || r.load) return '';
  const list = (v: unknown) => (Array.isArray(v) && v.length ? v.join(',') : undefined);
  const args = [
    `--target ${r.target}`,
    typeof config.brokers === 'number' && config.brokers > 1 ? `--brokers ${config.brokers}` : '',
    `--scenarios ${r.scenario}`,
    `--seed ${r.seed}`,
    typeof config.records === 'number' ? `--records ${config.records}` : '',
    list(config.faults) ? `--faults ${list(config.faults)}` : '',
    list(config.bugs) ? `--bug ${list(config.bugs)}` : '',
  ].filter(Boolean);
  return `<p class="rerun">run it again: <code>./kconform replay ${esc(r.runDir)}</code><br>or with the same seed: <code>./kconform run ${esc(args.join(' '))}</code></p>`;
}

function runCard(run: ReportRun, charts: ChartSpec[], loadIndex?: number): string {
  const r = run.results;
  const config = run.config ?? {};
  if (r.load) {
    const checks = `<table class="checks">${r.checks.map((c) => `<tr><td>${badge(c.valid, c.allowed ? 'ALLOWED' : undefined)}</td><td>${esc(c.checker)}</td><td>${esc(c.summary)}</td></tr>`).join('')}</table>`;
    const link =
      loadIndex !== undefined
        ? `<p class="meta">latency table and plots: <a href="#load-${loadIndex + 1}">Load</a></p>`
        : '';
    return `<article class="run" id="${run.id}" data-scenario="${esc(run.scenario)}" data-target="${esc(run.target)}" data-verdict="${verdictClass(run.valid)}"><h4>${badge(run.valid)} ${esc(run.target)}</h4><p class="meta">${esc(loadFacts(r.load, 'seconds' in r ? r.seconds : undefined).join(' · '))}<br><code>${esc(run.dir)}</code></p>${checks}${link}</article>`;
  }
  const facts = [
    `${r.ops} ops`,
    'seconds' in r ? `${r.seconds.toFixed(1)} s` : '',
    Array.isArray(config.faults) && config.faults.length ? `faults ${config.faults.join(',')}` : 'no faults',
    typeof config.records === 'number' ? `records ${config.records}` : '',
    typeof config.brokers === 'number' ? `brokers ${config.brokers}` : '',
    Array.isArray(config.bugs) && config.bugs.length ? `bugs ${config.bugs.join(',')}` : '',
  ].filter(Boolean);
  const shrunk = shrinkLine(r, config) + (run.valid !== true ? rerunLines(run, config) : '');
  const checks = `<details><summary>${r.checks.length} checks</summary><table class="checks">${r.checks.map((c) => `<tr><td>${badge(c.valid, c.allowed ? 'ALLOWED' : undefined)}</td><td>${esc(c.checker)}</td><td>${esc(c.summary)}</td></tr>`).join('')}</table></details>`;
  const plots = run.history
    ? charts.map((c) => `<div class="chart" id="chart-${c.id}" data-kind="${c.kind}"></div>`).join('')
    : `<p class="meta">no plots: ${esc(run.historyProblem ?? 'no history')}</p>`;
  return `<article class="run" id="${run.id}" data-scenario="${esc(run.scenario)}" data-target="${esc(run.target)}" data-verdict="${verdictClass(run.valid)}"><h4>${badge(run.valid)} ${esc(run.target)}${run.seed !== undefined ? ` · seed ${run.seed}` : ''}</h4><p class="meta">${esc(facts.join(' · '))}<br><code>${esc(run.dir)}</code></p>${shrunk}${checks}${faultLegend(run)}${runTimeline(run)}${plots}</article>`;
}

/** ` at topic/partition@offset` for an acknowledged send, else nothing (a poll's records are in the raw rows). */
function positionOf(o: Op): string {
  const v = o.value as { topic?: unknown; partition?: unknown; offset?: unknown } | null;
  return o.f === 'send' && typeof v?.topic === 'string' && typeof v.offset === 'number'
    ? ` at ${v.topic}/${String(v.partition)}@${v.offset}`
    : '';
}

/** The run's timeline with every witness op of its anomalies marked (completion and invocation). */
function runTimeline(run: ReportRun): string {
  const h = run.history;
  if (!h) return '';
  // one mark per op, naming every anomaly it witnesses
  const byIndex = new Map<number, TimelineMark>();
  for (const a of run.anomalies)
    for (const w of a.witnessOps)
      for (const o of [w.invoke, w.op]) {
        if (!o) continue;
        const had = byIndex.get(o.index);
        if (had) {
          if (!had.checker.split(' ').includes(a.checker)) had.checker += ` ${a.checker}`;
          continue;
        }
        byIndex.set(o.index, {
          index: o.index,
          time: o.time,
          process: o.process,
          checker: a.checker,
          text: `op ${o.index} ${o.type} ${o.f} at ${(o.time / 1000).toFixed(3)} s by ${o.process}${positionOf(o)}`,
        });
      }
  const marks = [...byIndex.values()];
  return timelineSvg(`${run.id}-timeline`, h.timeline, h.faults, h.durationMs, marks);
}

function runsSection(model: ReportModel): string {
  const scenarios = [...new Set(model.runs.map((r) => r.scenario))];
  const loadIndex = new Map(model.load.map((l, i) => [l.runId, i]));
  const parts = scenarios.map(
    (s) =>
      `<h3>${esc(s)}</h3><div class="run-grid">${model.runs
        .filter((r) => r.scenario === s)
        .map((r) => runCard(r, runChartSpecs(r), loadIndex.get(r.id)))
        .join('')}</div>`,
  );
  return `<section id="runs"><h2>Runs</h2><p class="meta">Latency: each produce (send) and consume (poll) op from invocation to completion, at its invocation time, by outcome; the slowest op of each time bucket is kept when there are many. Throughput: ok completions per second. Consumer lag: acknowledged minus consumed offsets per partition read by consumers. Shaded: faults in effect.</p>${parts.join('')}</section>`;
}

/** The whole report.html for `model`. */
export function renderReportHtml(model: ReportModel): string {
  const a = loadAssets();
  const charts = allChartSpecs(model);
  const nav = [
    ...(model.card ? [['card', 'Report card']] : []),
    ['verdicts', 'Verdicts'],
    ['anomalies', 'Anomalies'],
    ...(model.conformance.length ? [['conformance', 'Conformance']] : []),
    ...(failoverShown(model).length ? [['failover', 'Failover schedule']] : []),
    ...(model.durability.length ? [['durability', 'Durability']] : []),
    ...(model.load.length ? [['load', 'Load']] : []),
    ...(model.compares.length ? [['compare', 'Compare']] : []),
    ['runs', 'Runs'],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(model.title)}</title>
<style>${a.uplotCss}</style>
<style>${a.css}</style>
</head>
<body>
<header><h1>${esc(model.title)}</h1><p class="meta">built ${esc(model.generatedAt)} by kconform from ${model.inputs.map((d) => `<code>${esc(d)}</code>`).join(', ')} (results.json, config.json, history.jsonl)</p>
<nav>${nav.map(([id, name]) => `<a href="#${id}">${name}</a>`).join('')}</nav></header>
${model.card ? cardSectionHtml(model.card, esc) : ''}
<section id="verdicts"><h2>Verdicts</h2>${verdictTable(model)}</section>
${anomaliesSection(model)}
${conformanceSection(model)}
${failoverSection(model)}
${durabilitySection(model, durabilityChartSpec(model))}
${loadSection(model, [...loadChartSpecs(model), ...loadLatencyChartSpecs(model), ...loadDistributionChartSpecs(model)])}
${compareSection(model)}
${runsSection(model)}
<script id="kconform-data" type="application/json">${scriptJson({ schema: 'kconform.report/v1', charts })}</script>
<script>${inlineScript(a.uplotJs)}</script>
<script>${inlineScript(a.clientJs)}</script>
</body>
</html>
`;
}
