/**
 * The run's timeline as inline SVG, drawn here (no script needed): one row per process with its
 * ops in flight coloured by outcome, the fault windows shaded across all rows, and the anomalies'
 * witness ops marked where they happened — "lost during the kill at 0.4 s" is seen, not inferred.
 */
import type { FaultWindow } from '../history/fault-windows.ts';
import { FAIL_BIT, INFO_BIT, type Timeline } from '../history/timeline.ts';
import { esc } from './html-escape.ts';

/** A witness op to mark: where (process, time) and why (`checker`: the anomalies it witnesses, space-separated). */
export interface TimelineMark {
  index: number;
  time: number;
  process: string | number;
  checker: string;
  text: string;
}

const WIDTH = 1000;
const LEFT = 96;
const ROW = 16;
const TOP = 6;
const AXIS = 26;
const FAULT_FILL: Record<string, string> = {
  kill: 'rgba(214,39,40,0.16)',
  pause: 'rgba(255,127,14,0.18)',
  partition: 'rgba(148,103,189,0.18)',
  'cut-client': 'rgba(148,103,189,0.18)',
  'clean-restart': 'rgba(140,86,75,0.18)',
};

/** A round tick step giving about `n` ticks over `span` seconds. */
function tickStep(span: number, n = 8): number {
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

const fmt = (x: number) => Number(x.toFixed(3)).toString();

/** The timeline SVG of a run; empty when there is nothing to draw. */
export function timelineSvg(
  id: string,
  timeline: Timeline,
  faults: readonly FaultWindow[],
  durationMs: number,
  marks: readonly TimelineMark[],
): string {
  if (!timeline.rows.length) return '';
  const end = Math.max(durationMs, ...faults.map((f) => f.end), ...marks.map((m) => m.time), 1);
  const x = (ms: number) => LEFT + ((WIDTH - LEFT - 8) * ms) / end;
  const rowOf = new Map(timeline.rows.map((r, i) => [String(r.process), i]));
  const height = TOP + timeline.rows.length * ROW + AXIS;
  const plotBottom = TOP + timeline.rows.length * ROW;
  const parts: string[] = [];
  for (const f of faults)
    parts.push(
      `<rect class="fault" data-fault="${esc(f.fault)}" x="${fmt(x(f.start))}" y="${TOP}" width="${fmt(Math.max(x(f.end) - x(f.start), 2))}" height="${plotBottom - TOP}" fill="${FAULT_FILL[f.fault] ?? 'rgba(127,127,127,0.18)'}"><title>${esc(`${f.label}: ${(f.start / 1000).toFixed(2)}–${(f.end / 1000).toFixed(2)} s${f.unhealed ? ' (never healed)' : ''}`)}</title></rect>`,
    );
  timeline.rows.forEach((r, i) => {
    const y = TOP + i * ROW;
    const name = typeof r.process === 'number' ? `process ${r.process}` : r.process;
    parts.push(
      `<text class="row-name" x="${LEFT - 6}" y="${y + ROW - 4}" text-anchor="end">${esc(name)}</text><line x1="${LEFT}" x2="${WIDTH - 8}" y1="${y + ROW - 0.5}" y2="${y + ROW - 0.5}" class="row-rule"/>`,
    );
    for (const [from, to, bits] of r.spans) {
      const cls = bits & FAIL_BIT ? 'fail' : bits & INFO_BIT ? 'info' : 'ok';
      parts.push(
        `<rect class="op ${cls}" x="${fmt(x(from))}" y="${y + 3}" width="${fmt(Math.max(x(to) - x(from), 0.6))}" height="${ROW - 6}"/>`,
      );
    }
  });
  for (const m of marks) {
    const row = rowOf.get(String(m.process));
    if (row === undefined) continue;
    const y = TOP + row * ROW;
    const cx = fmt(x(m.time));
    parts.push(
      `<g class="witness-op" data-index="${m.index}" data-checker="${esc(m.checker)}"><line x1="${cx}" x2="${cx}" y1="${y}" y2="${y + ROW}"/><circle cx="${cx}" cy="${y + ROW / 2}" r="3.5"/><title>${esc(`${m.checker.split(' ').join(', ')}: ${m.text}`)}</title></g>`,
    );
  }
  const step = tickStep(end / 1000);
  for (let t = 0; t * 1000 <= end; t += step) {
    const tx = fmt(x(t * 1000));
    parts.push(
      `<line class="tick" x1="${tx}" x2="${tx}" y1="${plotBottom}" y2="${plotBottom + 4}"/><text class="tick-label" x="${tx}" y="${plotBottom + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  parts.push(`<text class="tick-label" x="${LEFT - 6}" y="${plotBottom + 16}" text-anchor="end">s</text>`);
  const omitted = timeline.omitted ? ` · ${timeline.omitted} more process(es) not drawn` : '';
  return `<figure class="timeline" id="${esc(id)}"><figcaption>timeline: ops in flight per process (<span class="key ok"></span>ok <span class="key fail"></span>fail <span class="key info"></span>unknown outcome), faults shaded, <span class="key witness"></span>witness ops of the anomalies (${marks.length}); resolution ${timeline.slotMs} ms${omitted}</figcaption><svg viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="timeline">${parts.join('')}</svg></figure>`;
}
