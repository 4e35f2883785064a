/**
 * Every known bug whose anomaly concerns offsets shows them in its run's report: one small
 * `kconform run --bug NAME` per single-node bug on the scenario the bug table names (two at a
 * time), its report.html opened in headless Chromium, and for each checker the table says catches
 * the bug, the anomaly's lanes mark every offset its witnesses name (read from the DOM: the
 * offset header of the partition's lane carries `witness`). The replication bugs need a 3-node
 * cluster under failover: they run with KCONFORM_LONG=1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../app/runner/run-scenario.ts';
import { KNOWN_BUGS, type KnownBug } from '../../reference-broker/bugs/known-bugs.ts';
import { witnessPositions } from '../../reports/history/witness-positions.ts';
import { failoverScenario } from '../../scenarios/failover.ts';
import { kconform } from '../helpers/kconform-cli.ts';
import { chromiumMissing, launchChromium, openReport } from '../helpers/report-page.ts';
import { EXPOSED_BY, seedStartingWithFault } from '../scenarios/failover-runs.ts';

/** The checkers whose witnesses name log positions (docs/reports.md, Log lanes). */
const OFFSET_CHECKERS = new Set([
  'lost-write',
  'duplicate',
  'inconsistent-offsets',
  'poll-skip',
  'nonmonotonic-poll',
  'nonmonotonic-send',
  'reorder',
  'replay',
  'aborted-read',
  'txn-g1a',
  'txn-precommitted-read',
  'txn-torn',
  'txn-lost-write',
  'txn-fencing',
  'txn-exactly-once',
  'group-resume',
  'group-redelivery',
]);
const offsetBugs = KNOWN_BUGS.filter((b) => b.caughtBy.some((c) => OFFSET_CHECKERS.has(c)));
const singleNode = offsetBugs.filter((b) => b.scenario !== failoverScenario.name);
const replication = offsetBugs.filter((b) => b.scenario === failoverScenario.name);

const scratch = mkdtempSync(join(tmpdir(), 'kconform-bug-lanes-'));
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Check {
  checker: string;
  valid: unknown;
  witnesses: unknown[];
}
const failing = (runDir: string): Check[] =>
  (JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')).checks as Check[]).filter((c) => c.valid === false);

/**
 * Checks `bug`'s run report: each offset checker the bug table names that failed has lanes with
 * every witness offset marked, and at least one did fail.
 */
async function expectWitnessesInLanes(bug: KnownBug, runDir: string, onlyOtherSymptoms = false) {
  const failed = failing(runDir).filter((c) => bug.caughtBy.includes(c.checker));
  const checks = failed.filter((c) => OFFSET_CHECKERS.has(c.checker));
  // a kept divergent tail may show only as a replica that never caught up (recovery): no offsets
  if (onlyOtherSymptoms && checks.length === 0 && failed.length > 0) return;
  expect(
    checks.map((c) => c.checker),
    `${bug.name}: no offset checker of ${bug.caughtBy.join(', ')} failed`,
  ).not.toEqual([]);
  const { page, errors } = await openReport(browser!, join(runDir, 'report.html'));
  try {
    for (const c of checks) {
      const anomaly = page.locator(`.anomaly[data-checker="${c.checker}"]`);
      expect(await anomaly.count(), `${bug.name} ${c.checker}`).toBe(1);
      const positions = witnessPositions(c.witnesses);
      expect(positions.length, `${bug.name} ${c.checker}: its witnesses name no offset`).toBeGreaterThan(0);
      // per partition: the witness offsets drawn, and those a lane too wide left out (it counts them)
      const marked = await anomaly.locator('.lane').evaluateAll((lanes) =>
        lanes.map((l) => ({
          partition: l.getAttribute('data-partition')!,
          offsets: [...l.querySelectorAll('th.witness')].map((th) => Number(th.getAttribute('data-offset'))),
          omitted: Number(
            /(\d+) more witness offset/.exec(l.querySelector('.lane-title')?.textContent ?? '')?.[1] ?? 0,
          ),
        })),
      );
      const byPartition = new Map<string, number[]>();
      for (const p of positions) {
        const k = `${p.topic}/${p.partition}`;
        (byPartition.get(k) ?? byPartition.set(k, []).get(k)!).push(p.offset);
      }
      for (const [partition, offsets] of byPartition) {
        const lane = marked.find((l) => l.partition === partition);
        expect(lane, `${bug.name} ${c.checker}: no lane for ${partition}`).toBeDefined();
        const named = [...new Set(offsets)];
        const drawn = named.filter((o) => lane!.offsets.includes(o));
        expect(drawn.length + lane!.omitted, `${bug.name} ${c.checker} ${partition}: ${named.join(',')}`).toBe(
          named.length,
        );
      }
    }
    expect(errors).toEqual([]);
  } finally {
    await page.context().close();
  }
}

/** Runs `todo` two at a time (the machine has two cores). */
async function twoAtATime<T>(items: readonly T[], todo: (x: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    [0, 1].map(async () => {
      for (let x = queue.shift(); x !== undefined; x = queue.shift()) await todo(x);
    }),
  );
}

const runs = new Map<string, string>();
beforeAll(async () => {
  if (chromiumMissing) return;
  browser = await launchChromium();
  await twoAtATime(singleNode, async (bug) => {
    const out = join(scratch, bug.name);
    const args = ['run', '--bug', bug.name, '--scenarios', bug.scenario, '--records', '40', '--seed', '1'];
    const r = await kconform([...args, '--no-shrink', '--out', out], { cwd: scratch, timeoutMs: 120_000 });
    expect(r.code, `${bug.name}: ${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`).toBe(1);
    runs.set(bug.name, out);
  });
}, 300_000);

describe('the lanes of every known bug', () => {
  it('covers every bug whose checkers name offsets, and only those', () => {
    expect(singleNode.map((b) => b.name).sort()).toEqual(
      [
        'commit-partial',
        'drop-acked-write',
        'drop-marker',
        'duplicate-retried-batch',
        'expose-aborted',
        'lose-committed-offset',
        'lso-ahead',
        'no-fence',
        'reorder-batches',
        'skip-offset',
        'stale-read',
        'txn-offsets-early',
      ].sort(),
    );
    // a consumer-protocol assignment handed to two members names assignments, not log positions
    expect(KNOWN_BUGS.filter((b) => !offsetBugs.includes(b)).map((b) => b.name)).toEqual(['overlapping-assignment']);
  });

  it.for(singleNode.map((b) => [b.name, b] as const))(
    '%s: the witness offsets are marked in lanes',
    { timeout: 60_000 },
    async ([, bug], ctx) => {
      if (chromiumMissing) ctx.skip(chromiumMissing);
      await expectWitnessesInLanes(bug, runs.get(bug.name)!);
    },
  );

  it.runIf(process.env.KCONFORM_LONG === '1').for(replication.map((b) => [b.name, b] as const))(
    '%s (3-node cluster, failover): the witness offsets are marked in lanes',
    { timeout: 300_000 },
    async ([, bug], ctx) => {
      if (chromiumMissing) ctx.skip(chromiumMissing);
      const kind = EXPOSED_BY[bug.name as keyof typeof EXPOSED_BY]!;
      const r = await runScenario({
        spec: { kind: 'reference' },
        targetName: 'reference',
        scenario: failoverScenario,
        seed: seedStartingWithFault(kind),
        records: 250,
        runDir: join(scratch, bug.name),
        bugs: new Set([bug.name]),
        brokers: 3,
        faults: ['replication'],
        progress: () => {},
      });
      expect(r.valid).toBe(false);
      const rebuilt = await kconform(['report', r.runDir], { cwd: scratch, timeoutMs: 120_000 });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      // skip-truncation shows as lost writes, inconsistent offsets or, by timing, recovery only
      await expectWitnessesInLanes(bug, r.runDir, true);
    },
  );
});
