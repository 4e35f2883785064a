/**
 * The card as a section of report.html: the summary line, the score per area, and every row with
 * its status badge and evidence.
 */
import { AREA_TITLES, AREAS, type Card, type RowStatus } from './card-model.ts';
import { scoreText, STATUS_LABEL } from './card-markdown.ts';

/** Badge classes of report.css per status. */
const BADGE: Readonly<Record<RowStatus, string>> = {
  pass: 'pass',
  accepted: 'allowed',
  fail: 'fail',
  differs: 'differs',
  'not-supported': 'unsupported',
  'not-run': 'unknown',
};

/** The `<section id="card">` of report.html; `esc` is the report's HTML escaper. */
export function cardSectionHtml(card: Card, esc: (s: unknown) => string): string {
  const head =
    '<tr><th>area</th><th>score</th><th>pass</th><th>accepted</th><th>fail</th><th>differs</th><th>not supported</th><th>not run</th></tr>';
  const scoreRows = [
    ...card.areas.map((a) => ({ title: AREA_TITLES[a.area], s: a })),
    { title: 'overall', s: card.overall },
  ].map(
    ({ title, s }) =>
      `<tr><th>${esc(title)}</th><td>${esc(scoreText(s))}</td>${(['pass', 'accepted', 'fail', 'differs', 'not-supported', 'not-run'] as const).map((k) => `<td>${s.counts[k]}</td>`).join('')}</tr>`,
  );
  const areas = AREAS.filter((a) => card.rows.some((r) => r.area === a)).map((area) => {
    const rows = card.rows
      .filter((r) => r.area === area)
      .map((r) => {
        const why = r.reason ? `: ${r.reason}` : '';
        return `<tr><td>${esc(r.name)}</td><td><span class="badge ${BADGE[r.status]}">${esc(STATUS_LABEL[r.status])}</span>${esc(why)}</td><td>${esc(r.detail ?? '')}</td><td>${r.evidence.map((e) => `<code>${esc(e)}</code>`).join(' ')}</td></tr>`;
      });
    return `<h3>${esc(AREA_TITLES[area])}</h3><table class="card"><tr><th>row</th><th>status</th><th>detail</th><th>evidence</th></tr>${rows.join('')}</table>`;
  });
  const stale = card.allowlist?.stale.length
    ? `<p class="meta">Stale allowlist entries (${esc(card.allowlist.file)}):</p><ul>${card.allowlist.stale.map((s) => `<li><code>${esc(s.row)}</code> (${esc(s.reason)}): ${esc(s.why)}</li>`).join('')}</ul>`
    : '';
  const notRun = card.notRun?.length
    ? `<ul class="meta">${card.notRun.map((p) => `<li>${esc(p.part)} not run: ${esc(p.reason)}</li>`).join('')}</ul>`
    : '';
  return `<section id="card"><h2>Report card: ${esc(card.target)}${card.against ? ` vs ${esc(card.against)}` : ''} — ${esc(scoreText(card.overall))}</h2><p class="meta">started ${esc(card.startedAt)}, ${Math.round(card.seconds)} s. Score: rows that pass (accepted ones included) of rows that ran.</p><table class="card">${head}${scoreRows.join('')}</table>${notRun}${stale}${areas.join('')}</section>`;
}
