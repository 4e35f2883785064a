import { describe, expect, it } from 'vitest';
import { applyAllowlist, AllowlistError, matchesRow, parseAllowlist } from './allowlist.ts';
import { cardSectionHtml } from './card-html.ts';
import { renderCardMarkdown, summaryLine } from './card-markdown.ts';
import { buildCard, CardSchemaError, failingRows, score, validateCard, type CardRow } from './card-model.ts';

const row = (
  id: string,
  status: CardRow['status'],
  area: CardRow['area'] = 'produce-fetch-offsets',
  extra: Partial<CardRow> = {},
): CardRow => ({
  id,
  area,
  part: 'scenario',
  name: id,
  status,
  evidence: [`runs/${id}`],
  ...(status === 'not-run' ? { reason: 'java missing' } : {}),
  ...extra,
});

const rows: CardRow[] = [
  row('scenario/seed', 'pass'),
  row('scenario/replay', 'fail'),
  row('conform/Produce', 'differs', 'produce-fetch-offsets', { part: 'conform' }),
  row('conform/DescribeAcls', 'not-supported', 'admin', { part: 'conform' }),
  row('clients/java/gzip', 'not-run', 'clients', { part: 'clients' }),
  row('scenario/consumer-groups', 'pass', 'groups'),
];
const base = {
  target: 'reference',
  against: 'kafka@4.4.0',
  startedAt: '2026-12-07T17:00:00.000Z',
  seconds: 12,
  options: { records: 50 },
};

describe('card scoring', () => {
  it('scores pass and accepted over every row but not-run', () => {
    const s = score(rows);
    expect(s).toMatchObject({ counted: 5, passed: 2, percent: 40 });
    expect(s.counts['not-run']).toBe(1);
    expect(score([]).percent).toBeNull();
  });
  it('scores each area with rows, leaves out areas without any, and fails only on fail/differs', () => {
    const card = buildCard({ ...base, rows });
    expect(card.areas.map((a) => [a.area, a.percent])).toEqual([
      ['produce-fetch-offsets', 33.3],
      ['groups', 100],
      ['admin', 0],
      ['clients', null],
    ]);
    expect(failingRows(card).map((r) => r.id)).toEqual(['scenario/replay', 'conform/Produce']);
  });
});

describe('card.json validation', () => {
  it('accepts a built card (after a JSON round trip)', () => {
    const card = buildCard({ ...base, rows });
    expect(validateCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });
  it('refuses a wrong schema, an unknown status, a duplicate id, a not-run row without reason and a doctored score', () => {
    const good = () => JSON.parse(JSON.stringify(buildCard({ ...base, rows })));
    const bad = (edit: (c: any) => void) => {
      const c = good();
      edit(c);
      return () => validateCard(c);
    };
    expect(bad((c) => (c.schema = 'kconform.card/v0'))).toThrow(/schema/);
    expect(bad((c) => (c.rows[0].status = 'great'))).toThrow(/rows\[0\]\.status/);
    expect(bad((c) => (c.rows[1].id = c.rows[0].id))).toThrow(/duplicate id/);
    expect(bad((c) => delete c.rows[4].reason)).toThrow(/needs a reason/);
    expect(bad((c) => (c.overall.passed = 5))).toThrow(CardSchemaError);
  });
});

describe('allowlist', () => {
  it('reads YAML and JSON, as a list or under allow:', () => {
    const yaml = 'allow:\n  - row: conform/Produce\n    reason: we round timestamps\n';
    expect(parseAllowlist(yaml)).toEqual([{ row: 'conform/Produce', reason: 'we round timestamps' }]);
    expect(parseAllowlist('[{"row":"scenario/*","reason":"r"}]')).toEqual([{ row: 'scenario/*', reason: 'r' }]);
  });
  it('refuses entries without a reason, unknown keys, and what is not a list', () => {
    expect(() => parseAllowlist('allow:\n  - row: conform/Produce\n')).toThrow(/reason.*required/);
    expect(() => parseAllowlist('- row: x\n  reasn: typo\n')).toThrow(/unknown key\(s\) reasn/);
    expect(() => parseAllowlist('allow: 3')).toThrow(AllowlistError);
    expect(() => parseAllowlist('{ bad')).toThrow(/not YAML or JSON/);
  });
  it('matches ids exactly or with * patterns', () => {
    expect(matchesRow('conform/*Acls', 'conform/DescribeAcls')).toBe(true);
    expect(matchesRow('conform/Produce', 'conform/ProduceX')).toBe(false);
    expect(matchesRow('clients/*.x', 'clients/a-x')).toBe(false);
  });
  it('accepts failing, differing and unsupported rows with the reason; they then count as passes; unused entries are stale', () => {
    const { rows: out, stale } = applyAllowlist(rows, [
      { row: 'conform/*', reason: 'accepted upstream' },
      { row: 'scenario/seed', reason: 'was flaky once' },
      { row: 'scenario/nope', reason: 'gone' },
    ]);
    expect(out.find((r) => r.id === 'conform/Produce')).toMatchObject({
      status: 'accepted',
      was: 'differs',
      reason: 'accepted upstream',
    });
    expect(out.find((r) => r.id === 'conform/DescribeAcls')).toMatchObject({
      status: 'accepted',
      was: 'not-supported',
    });
    expect(out.find((r) => r.id === 'scenario/replay')!.status).toBe('fail');
    expect(stale.map((s) => [s.row, s.why])).toEqual([
      ['scenario/seed', expect.stringContaining('passes')],
      ['scenario/nope', 'it names no row of this card'],
    ]);
    const card = buildCard({ ...base, rows: out });
    expect(card.overall).toMatchObject({ passed: 4, counted: 5, percent: 80 });
    expect(failingRows(card).map((r) => r.id)).toEqual(['scenario/replay']);
  });
});

describe('card.md and the HTML section', () => {
  const card = buildCard({
    ...base,
    rows: [...rows, row('admin/kafka-configs | x', 'accepted', 'admin', { reason: 'ok by us', was: 'differs' })],
    allowlist: {
      file: 'allow.yaml',
      entries: 2,
      stale: [{ row: 'scenario/nope', reason: 'gone', why: 'it names no row of this card' }],
    },
    notRun: [{ part: 'clients', reason: 'no python3-venv' }],
  });
  const md = renderCardMarkdown(card);
  it('opens with the badge-like summary line', () => {
    expect(summaryLine(card)).toBe(
      '**kconform certify** `reference` vs `kafka@4.4.0`: **50% (3/6)** · 1 fail · 1 differ from Kafka · 1 not supported · 1 accepted · 1 not run',
    );
    expect(md.split('\n')[0]).toBe(summaryLine(card));
  });
  it('has a score line per area and overall, every row once, pipes escaped, and the stale entries', () => {
    expect(md).toContain('| Produce, fetch, offsets | 33.3% (1/3) | 1 | 0 | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| **overall** | **50% (3/6)** |');
    for (const r of card.rows) expect(md).toContain(`| ${r.name.replace('|', '\\|')} |`);
    expect(md).toContain('☑️ accepted: ok by us');
    expect(md).toContain('⏸ not run: java missing');
    expect(md).toContain('- stale: `scenario/nope` (gone): it names no row of this card');
    expect(md).toContain('- clients: no python3-venv');
  });
  it('renders the HTML section with every row and escapes', () => {
    const html = cardSectionHtml(card, (s) => String(s).replace(/</g, '&lt;'));
    expect(html).toContain('<section id="card">');
    expect(html.match(/<span class="badge /g)).toHaveLength(card.rows.length);
  });
});
