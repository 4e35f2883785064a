/**
 * "The history is the only truth", checked on a finished run directory: `kconform check
 * RUN/history.jsonl --config RUN/config.json` must give the verdicts the run wrote to
 * results.json. Shared by the suites that make runs worth checking (every scenario and bug in
 * check-reproduces-verdicts, the replication bugs on a cluster in replication-bugs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kconform } from './kconform-cli.ts';

/** What the comparison looks at, per check: name, validity, anomaly count and witnesses kept. */
export type Verdict = [checker: string, valid: unknown, count: unknown, witnesses: number];

/** The per-check verdicts of a results.json (a run's) or a check.json (`kconform check --out`). */
export const verdicts = (file: string): Verdict[] =>
  (
    JSON.parse(readFileSync(file, 'utf8')) as {
      checks: { checker: string; valid: unknown; count?: number; witnesses: unknown[] }[];
    }
  ).checks.map((c) => [c.checker, c.valid, c.count ?? null, c.witnesses.length]);

/**
 * Runs `kconform check` on the run in `dir` (writing `dir/check.json`) and answers the verdicts
 * it found next to the run's own; a check that exits other than 0 or 1 is a broken check, thrown.
 */
export async function checkRunDir(dir: string): Promise<{ fromRun: Verdict[]; fromCheck: Verdict[] }> {
  const checked = join(dir, 'check.json');
  const r = await kconform([
    'check',
    join(dir, 'history.jsonl'),
    '--config',
    join(dir, 'config.json'),
    '--out',
    checked,
  ]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`kconform check ${dir} exited ${r.code}: ${r.stdout}\n${r.stderr}`);
  return { fromRun: verdicts(join(dir, 'results.json')), fromCheck: verdicts(checked) };
}
