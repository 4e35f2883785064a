/**
 * The history is the only truth: for every scenario, on the correct reference broker and with
 * every known bug (`--bug`, reference-broker/bugs/known-bugs.ts) switched on, `kconform check
 * RUN/history.jsonl --config RUN/config.json` gives exactly the per-check verdicts the run wrote
 * to results.json — the same checks in the same order, each with the same validity, anomaly
 * count and number of witnesses. A verdict a scenario computed from live objects instead of
 * recorded ops would be missing from (or differ in) the check's output.
 *
 * Sizes are the smallest that still exercise each bug: the correct broker runs every single-node
 * scenario with --records 20 on one node (about 20 s for all of them) and the three cluster
 * scenarios on three; each single-node bug runs the scenario the bug table names for it. The
 * replication bugs' runs (failover on three nodes under the fault that exposes each) are checked
 * the same way where they run anyway, in replication-bugs.test.ts. Runs go two at a time (CI has
 * two cores).
 */
import { mkdtempSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWN_BUGS } from '../../reference-broker/bugs/known-bugs.ts';
import { CLUSTER_SCENARIOS, SCENARIOS } from '../../scenarios/index.ts';
import { kconform } from '../helpers/kconform-cli.ts';
import { checkRunDir } from '../helpers/check-verdicts.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-reproduce-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Checks each scenario makes of its own workload: they must be in both the run's and the check's verdicts. */
const OWN_CHECKS: Record<string, string[]> = {
  seed: ['seed-message'],
  'offset-ordering': ['ack-offsets', 'consumer-coverage'],
  replay: ['replay-positions', 'log-start', 'auto-offset-reset'],
  'ack-levels': ['ack-answers', 'acks0-no-response', 'min-insync-replicas'],
  idempotence: ['idempotence-exercised'],
  'consumer-groups': ['group-redelivery', 'group-resume'],
  'group-generations': ['group-generations'],
  'long-poll': ['long-poll'],
  failover: ['failover-faults', 'recovery', 'assigned-reader'],
  durability: ['durability'],
  'under-min-isr': ['under-min-isr'],
  'txn-atomicity': ['txn-workload'],
  'txn-fencing': ['txn-workload'],
  'txn-late-endtxn': ['txn-workload'],
  'txn-exactly-once': ['txn-workload', 'txn-exactly-once'],
};

interface Case {
  name: string;
  /** `kconform run` arguments besides the target, output and shrinking. */
  args: string[];
  scenarios: string[];
}

const singleNode = SCENARIOS.map((s) => s.name);
const CASES: Case[] = [
  { name: 'correct', args: ['--scenarios', 'all', '--records', '20', '--seed', '11'], scenarios: singleNode },
  ...KNOWN_BUGS.filter((b) => singleNode.includes(b.scenario)).map((b) => ({
    name: b.name,
    args: ['--scenarios', b.scenario, '--records', '20', '--seed', '11', '--bug', b.name],
    scenarios: [b.scenario],
  })),
  {
    name: 'correct-cluster',
    args: [
      '--brokers',
      '3',
      '--scenarios',
      CLUSTER_SCENARIOS.map((s) => s.name).join(','),
      '--records',
      '20',
      '--seed',
      '11',
    ],
    scenarios: CLUSTER_SCENARIOS.map((s) => s.name),
  },
];

/** At most two runs at a time: CI has two cores, and the scenarios time their own reads. */
let running = 0;
const waiting: (() => void)[] = [];
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

describe('kconform check reproduces every verdict of a run', () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const out = join(scratch, c.name);
      const run = await inSlot(() =>
        kconform(['run', '--target', 'reference', '--no-shrink', '--out', out, ...c.args], { timeoutMs: 400_000 }),
      );
      // 0: every check held; 1: an anomaly (a bug's run); anything else is a broken run.
      expect([0, 1], `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toContain(run.code);
      const dirs =
        c.scenarios.length === 1
          ? [[c.scenarios[0]!, out] as const]
          : c.scenarios.map((s) => [s, join(out, `${s}-0`)] as const);
      expect(readdirSync(out).length).toBeGreaterThan(0);
      for (const [scenario, dir] of dirs) {
        expect(existsSync(join(dir, 'results.json')), `${scenario}: no results.json in ${dir}`).toBe(true);
        const { fromRun, fromCheck } = await checkRunDir(dir);
        expect(fromCheck, `${scenario} (${c.name}): kconform check differs from the run`).toEqual(fromRun);
        const names = fromRun.map((v) => v[0]);
        for (const own of OWN_CHECKS[scenario] ?? [])
          expect(names, `${scenario} (${c.name}) lacks its ${own} verdict`).toContain(own);
      }
      // Queued runs wait for a slot inside their test: the timeout covers the wait.
    },
    900_000,
  );
});
