/**
 * Log lanes as HTML (static, no script): one grid per partition, a column per offset and a row
 * per view of the log (acknowledged, final read, each consumer). Each cell carries its offset and
 * states as attributes (`data-offset`, classes), its records on hover (`title`, never cut), and
 * the raw rows sit in a collapsed <details> under the grid.
 */
import type { CellState, LaneCell, LaneRecord, PartitionLane } from '../history/log-lanes.ts';
import { esc } from './html-escape.ts';

/** What each state means, in the order the legend lists them. */
export const STATE_LEGEND: readonly [CellState | 'witness', string][] = [
  ['acked', 'acknowledged to a producer'],
  ['held', 'held by the final read'],
  ['read', 'read by this consumer'],
  ['lost', 'acknowledged, and the final read holds it nowhere'],
  ['missing', 'acknowledged here, the final read has nothing here'],
  ['conflict', 'two different records at this offset'],
  ['duplicate', 'the final read holds this record at another offset too'],
  ['skipped', 'the consumer jumped over this offset'],
  ['backwards', 'the consumer read this offset after a later one'],
  ['aborted', 'acknowledged in a transaction that aborted'],
  ['hole', 'nothing acknowledged or held (a commit marker, or never written)'],
  ['witness', 'an offset the anomaly names'],
];

const WORDS: Record<string, string> = Object.fromEntries(STATE_LEGEND);

/** The legend, once per page. */
export function laneLegend(): string {
  const items = STATE_LEGEND.map(
    ([state, text]) =>
      `<span class="legend-item"><span class="cell-swatch ${state === 'witness' ? 'off witness' : `cell ${state}`}"></span>${esc(state)}: ${esc(text)}</span>`,
  );
  return `<div class="lane-legend" id="lane-legend"><strong>Log lanes</strong> — one column per offset, one row per view of the log; hover a cell for its records: ${items.join('')}</div>`;
}

/** A short label for a record in a cell: its `seq` when the value is JSON with one, else a letter per distinct content in the lane. */
function labeler(): (r: LaneRecord) => string {
  const codes = new Map<string, string>();
  const letter = (n: number): string =>
    n < 26 ? String.fromCharCode(65 + n) : letter(Math.floor(n / 26) - 1) + letter(n % 26);
  return (r) => {
    try {
      const v = JSON.parse(r.value ?? '') as { seq?: unknown };
      if (typeof v?.seq === 'number') return String(v.seq);
    } catch {
      // not JSON: a letter code
    }
    const k = JSON.stringify([r.key, r.value]);
    let c = codes.get(k);
    if (!c) codes.set(k, (c = letter(codes.size)));
    return c;
  };
}

const recordText = (r: LaneRecord) =>
  `${r.key !== null ? `key ${r.key}, ` : ''}value ${r.value ?? 'null'} (op ${r.index}, ${r.time} ms, process ${r.process}${r.txn ? `, txn ${r.txn}` : ''})`;

function cellHtml(
  rowId: string,
  rowLabel: string,
  offset: number,
  cell: LaneCell,
  label: (r: LaneRecord) => string,
): string {
  const states = cell.states.length ? cell.states : ['none'];
  const words = cell.states.map((s) => WORDS[s] ?? s).join('; ');
  const labels = [...new Set(cell.records.map(label))];
  const text = cell.records.length ? labels.join('≠') : '';
  const title = `${rowLabel} @${offset}: ${words || 'nothing'}${cell.records.map((r) => `\n• ${recordText(r)}`).join('')}`;
  return `<td class="cell ${states.join(' ')}" data-row="${esc(rowId)}" data-offset="${offset}" title="${esc(title)}">${esc(text)}</td>`;
}

/** One partition's lane: the grid and its raw rows. */
export function laneHtml(lane: PartitionLane, id?: string): string {
  const label = labeler();
  const cols: (number | 'gap')[] = [];
  lane.offsets.forEach((o, i) => {
    if (i > 0 && o !== lane.offsets[i - 1]! + 1) cols.push('gap');
    cols.push(o);
  });
  const at = new Map(lane.offsets.map((o, i) => [o, i]));
  const gapTitle = (k: number) => {
    const before = cols[k - 1] as number;
    const after = cols[k + 1] as number;
    return `offsets ${before + 1}–${after - 1} not drawn (${after - before - 1})`;
  };
  const head = cols
    .map((c, k) => {
      if (c === 'gap') return `<th class="gap" title="${esc(gapTitle(k))}">…</th>`;
      const s = lane.summary[at.get(c)!]!;
      const title = `offset ${c}${s.witness ? ' (named by the anomaly)' : ''}: ${s.states.map((x) => WORDS[x] ?? x).join('; ') || 'nothing'}`;
      return `<th class="off${s.witness ? ' witness' : ''}" data-offset="${c}" data-states="${esc(s.states.join(' '))}" title="${esc(title)}">${c}</th>`;
    })
    .join('');
  const rows = lane.rows
    .map(
      (r) =>
        `<tr data-row="${esc(r.id)}"><th class="row-label">${esc(r.label)}</th>${cols
          .map((c) => (c === 'gap' ? '<td class="gap"></td>' : cellHtml(r.id, r.label, c, r.cells[at.get(c)!]!, label)))
          .join('')}</tr>`,
    )
    .join('');
  const notes = [
    lane.finalRead ? '' : 'the history has no final read: nothing can be called lost or missing',
    lane.omittedWitnessOffsets ? `${lane.omittedWitnessOffsets} more witness offset(s) not drawn` : '',
    lane.omittedConsumers ? `${lane.omittedConsumers} more consumer(s) not drawn` : '',
  ].filter(Boolean);
  const witnesses = lane.summary.filter((s) => s.witness).length;
  const ranges = rangesText(lane.offsets);
  return `<div class="lane"${id ? ` id="${esc(id)}"` : ''} data-partition="${esc(lane.partition)}"><p class="lane-title"><strong>${esc(lane.partition)}</strong> · offsets ${esc(ranges)} · ${witnesses} named by the anomaly${notes.length ? ` · ${esc(notes.join('; '))}` : ''}</p><div class="lane-scroll"><table class="lane-grid"><tr><th class="row-label">offset</th>${head}</tr>${rows}</table></div>${rawRows(lane)}</div>`;
}

function rangesText(offsets: readonly number[]): string {
  const out: string[] = [];
  let start = offsets[0];
  for (let i = 1; i <= offsets.length; i++) {
    if (i < offsets.length && offsets[i] === offsets[i - 1]! + 1) continue;
    out.push(start === offsets[i - 1] ? `${start}` : `${start}–${offsets[i - 1]}`);
    start = offsets[i];
  }
  return out.join(', ');
}

/** Every non-empty cell as a table row, records in full. */
function rawRows(lane: PartitionLane): string {
  const rows: string[] = [];
  lane.offsets.forEach((o, i) => {
    for (const r of lane.rows) {
      const c = r.cells[i]!;
      if (!c.records.length && !c.states.some((s) => s !== 'hole')) continue;
      const recs = c.records.length
        ? c.records.map((x) => `<div>${esc(JSON.stringify(x))}</div>`).join('')
        : '<em>no record</em>';
      rows.push(
        `<tr><td class="num">${o}</td><td>${esc(r.label)}</td><td>${esc(c.states.join(', '))}</td><td class="value">${recs}</td></tr>`,
      );
    }
  });
  return `<details class="raw-rows"><summary>raw rows of ${esc(lane.partition)} (${rows.length})</summary><table class="ops"><tr><th>offset</th><th>row</th><th>states</th><th>records (key, value, op index, time ms, process)</th></tr>${rows.join('')}</table></details>`;
}

/** All lanes of an anomaly; with `idPrefix`, lane k gets the id `${idPrefix}-lane-${k}` (links point there). */
export function lanesHtml(lanes: readonly PartitionLane[], idPrefix?: string): string {
  return lanes.length
    ? `<div class="lanes">${lanes.map((l, k) => laneHtml(l, idPrefix ? `${idPrefix}-lane-${k}` : undefined)).join('')}</div>`
    : '';
}
