/**
 * card.md: the card as markdown for a PR comment or a README. A badge-like summary line, a score
 * table per area, then every row by area (status, what was found, evidence), the allowlist's
 * stale entries and the parts that did not run.
 */
import { AREA_TITLES, AREAS, type Card, type CardRow, type RowStatus, type Score } from './card-model.ts';

/** How a status reads in the tables. */
export const STATUS_LABEL: Readonly<Record<RowStatus, string>> = {
  pass: '✅ pass',
  accepted: '☑️ accepted',
  fail: '❌ fail',
  differs: '≠ differs from Kafka',
  'not-supported': '🚫 not supported',
  'not-run': '⏸ not run',
};

/** "87.5% (35/40)", or "—" when nothing counted. */
export function scoreText(s: Score): string {
  return s.percent === null ? '—' : `${s.percent}% (${s.passed}/${s.counted})`;
}

/** The one summary line, badge-like: `kconform certify: reference 87.5% (35/40) · 3 differ · 2 not run`. */
export function summaryLine(card: Card): string {
  const c = card.overall.counts;
  const extra = [
    c.fail ? `${c.fail} fail` : '',
    c.differs ? `${c.differs} differ from Kafka` : '',
    c['not-supported'] ? `${c['not-supported']} not supported` : '',
    c.accepted ? `${c.accepted} accepted` : '',
    c['not-run'] ? `${c['not-run']} not run` : '',
  ].filter(Boolean);
  return `**kconform certify** \`${card.target}\`${card.against ? ` vs \`${card.against}\`` : ''}: **${scoreText(card.overall)}**${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
}

/** Cell text: pipes and newlines would break the table. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function rowLine(r: CardRow): string {
  const status =
    r.status === 'accepted'
      ? `${STATUS_LABEL.accepted}: ${r.reason}`
      : r.status === 'not-run'
        ? `${STATUS_LABEL['not-run']}: ${r.reason}`
        : STATUS_LABEL[r.status];
  const evidence = r.evidence.map((e) => `\`${e}\``).join(' ');
  return `| ${cell(r.name)} | ${cell(status)} | ${cell(r.detail ?? '')} | ${cell(evidence)} |`;
}

/** The summary line and the score table: what the terminal shows at the end of a run. */
export function renderCardSummary(card: Card): string {
  const lines: string[] = [
    summaryLine(card),
    '',
    `Run ${card.startedAt.slice(0, 10)} in ${Math.round(card.seconds)} s; options: ${Object.entries(card.options)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') || 'none' : v}`)
      .join(', ')}. Score: rows that pass (accepted ones included) of rows that ran.`,
    '',
    '| area | score | pass | accepted | fail | differs | not supported | not run |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const a of card.areas) {
    const n = a.counts;
    lines.push(
      `| ${AREA_TITLES[a.area]} | ${scoreText(a)} | ${n.pass} | ${n.accepted} | ${n.fail} | ${n.differs} | ${n['not-supported']} | ${n['not-run']} |`,
    );
  }
  const o = card.overall.counts;
  lines.push(
    `| **overall** | **${scoreText(card.overall)}** | ${o.pass} | ${o.accepted} | ${o.fail} | ${o.differs} | ${o['not-supported']} | ${o['not-run']} |`,
  );
  return `${lines.join('\n')}\n`;
}

/** The whole card.md. */
export function renderCardMarkdown(card: Card): string {
  const lines: string[] = [renderCardSummary(card).trimEnd()];
  for (const area of AREAS) {
    const rows = card.rows.filter((r) => r.area === area);
    if (!rows.length) continue;
    lines.push('', `### ${AREA_TITLES[area]}`, '', '| row | status | detail | evidence |', '|---|---|---|---|');
    for (const r of rows) lines.push(rowLine(r));
  }
  if (card.notRun?.length) {
    lines.push('', '### Parts not run', '');
    for (const p of card.notRun) lines.push(`- ${p.part}: ${p.reason}`);
  }
  if (card.allowlist) {
    lines.push('', `### Allowlist (${card.allowlist.file}, ${card.allowlist.entries} entries)`, '');
    if (!card.allowlist.stale.length) lines.push('Every entry accepted a row.');
    for (const s of card.allowlist.stale) lines.push(`- stale: \`${s.row}\` (${s.reason}): ${s.why}`);
  }
  return `${lines.join('\n')}\n`;
}
