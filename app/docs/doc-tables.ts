/**
 * The scenario and known-bug tables of docs/scenarios.md, rendered from the code's own tables
 * (`ALL_SCENARIOS`, `KNOWN_BUGS`) so the docs cannot drift from what `run --scenarios` and
 * `--bug` accept. `npm run docs:tables` rewrites the generated sections; `doc-tables.test.ts`
 * fails when the file on disk differs from what this renders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KNOWN_BUGS } from '../../reference-broker/bugs/known-bugs.ts';
import { ALL_SCENARIOS } from '../../scenarios/index.ts';

/** The document whose generated sections this module owns. */
export const SCENARIOS_DOC = fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url));

/** Escapes what would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One row per scenario `run --scenarios` knows, in the order `all` runs them. */
export function renderScenarioTable(): string {
  const rows = ALL_SCENARIOS.map((s) => `| \`${s.name}\` | ${s.minBrokers ?? 1} | ${cell(s.description)} |`);
  return ['| scenario | nodes needed | what it drives and checks |', '|---|---|---|', ...rows].join('\n');
}

/** One row per `--bug` the reference broker knows. */
export function renderBugTable(): string {
  const rows = KNOWN_BUGS.map(
    (b) =>
      `| \`${b.name}\` | ${cell(b.description)} | \`${b.scenario}\` | ${b.caughtBy.map((c) => `\`${c}\``).join(', ')} | ${b.every === 1 ? 'always' : `1 occasion in ${b.every}`} |`,
  );
  return [
    '| bug | what the broker does wrong | scenario | caught by | strikes |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const SECTIONS: Record<string, () => string> = { scenarios: renderScenarioTable, bugs: renderBugTable };

/**
 * Replaces every `<!-- generated: NAME -->` … `<!-- end generated: NAME -->` section of
 * `markdown` with a fresh rendering; throws on a section name it does not know or a missing end,
 * so a typo in the document cannot leave a stale table behind.
 */
export function renderGeneratedSections(markdown: string): string {
  return markdown.replace(
    /<!-- generated: ([\w-]+)[^>]*-->\n[\s\S]*?(<!-- end generated: ([\w-]+) -->)/g,
    (_all, name: string, end: string, endName: string) => {
      const render = SECTIONS[name];
      if (!render)
        throw new Error(`docs: unknown generated section '${name}' (known: ${Object.keys(SECTIONS).join(', ')})`);
      if (endName !== name) throw new Error(`docs: generated section '${name}' ends with '${endName}'`);
      return `<!-- generated: ${name} (npm run docs:tables; edit the code's table, not this one) -->\n${render()}\n${end}`;
    },
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const before = readFileSync(SCENARIOS_DOC, 'utf8');
  const after = renderGeneratedSections(before);
  writeFileSync(SCENARIOS_DOC, after);
  console.log(after === before ? 'docs/scenarios.md: up to date' : 'docs/scenarios.md: tables regenerated');
}
