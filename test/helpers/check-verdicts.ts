/**
 * "The history is the only truth", checked on a finished run directory: `kconform check
 * RUN/history.jsonl --config RUN/config.json` must give exactly the per-check verdicts the run
 * wrote to results.json — the same checks in the same order, each with the same validity,
 * anomaly count and number of witnesses. A verdict a scenario computed from live objects instead
 * of recorded ops would be missing from (or differ in) the check's output. The suites that make
 * runs anyway check them this way: every scenario and single-node bug (known-bugs), the
 * replication bugs (replication-bugs) and every cluster run (failover-runs' runOnCluster).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { kconform } from './kconform-cli.ts';

/** Checks each scenario makes of its own workload: they must be among both the run's and the check's verdicts. */
const OWN_CHECKS: Readonly<Record<string, string[]>> = {
  seed: ['seed-message'],
  'offset-ordering': ['ack-offsets', 'consumer-coverage'],
  replay: ['replay-positions', 'log-start', 'auto-offset-reset'],
  'ack-levels': ['ack-answers', 'acks0-no-response', 'min-insync-replicas'],
  idempotence: ['idempotence-exercised'],
  'consumer-groups': ['group-redelivery', 'group-resume'],
  'group-generations': ['group-generations'],
  'long-poll': ['long-poll'],
  'consumer-protocol': ['consumer-protocol-ownership', 'consumer-protocol-coverage', 'consumer-protocol-resume'],
  failover: ['failover-faults', 'recovery', 'assigned-reader'],
  durability: ['durability'],
  'under-min-isr': ['under-min-isr'],
  'txn-atomicity': ['txn-workload'],
  'txn-fencing': ['txn-workload'],
  'txn-late-endtxn': ['txn-workload'],
  'txn-exactly-once': ['txn-workload', 'txn-exactly-once'],
};

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

/** Asserts that `kconform check` finds the run's verdicts in `dir` again, its scenario's own checks among them. */
export async function expectVerdictsReproduced(dir: string): Promise<void> {
  const { fromRun, fromCheck } = await checkRunDir(dir);
  const { scenario } = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { scenario: string };
  expect(fromCheck, `${scenario} (${dir}): kconform check differs from the run`).toEqual(fromRun);
  const names = fromRun.map((v) => v[0]);
  for (const own of OWN_CHECKS[scenario] ?? [])
    expect(names, `${scenario} (${dir}) lacks its ${own} verdict`).toContain(own);
}
