import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KNOWN_BUGS } from '../../reference-broker/bugs/known-bugs.ts';
import { ALL_SCENARIOS } from '../../scenarios/index.ts';
import { SCENARIOS_DOC, renderGeneratedSections } from './doc-tables.ts';

describe('generated doc tables', () => {
  it('docs/scenarios.md holds the tables the code renders (run `npm run docs:tables` after changing a scenario or bug)', () => {
    const onDisk = readFileSync(SCENARIOS_DOC, 'utf8');
    expect(onDisk).toContain('<!-- generated: scenarios');
    expect(onDisk).toContain('<!-- generated: bugs');
    expect(renderGeneratedSections(onDisk)).toBe(onDisk);
  });

  it('lists every scenario and every bug by name', () => {
    const text = renderGeneratedSections(
      '<!-- generated: scenarios -->\n<!-- end generated: scenarios -->\n<!-- generated: bugs -->\n<!-- end generated: bugs -->',
    );
    for (const s of ALL_SCENARIOS) expect(text).toContain(`| \`${s.name}\` |`);
    for (const b of KNOWN_BUGS) expect(text).toContain(`| \`${b.name}\` |`);
  });

  it('replaces a stale table and refuses an unknown section', () => {
    const stale = 'x\n<!-- generated: bugs -->\n| old | table |\n<!-- end generated: bugs -->\ny';
    const fresh = renderGeneratedSections(stale);
    expect(fresh).not.toContain('| old | table |');
    expect(fresh.startsWith('x\n') && fresh.endsWith('\ny')).toBe(true);
    expect(() => renderGeneratedSections('<!-- generated: nope -->\n<!-- end generated: nope -->')).toThrow(
      /unknown generated section 'nope'/,
    );
  });
});
