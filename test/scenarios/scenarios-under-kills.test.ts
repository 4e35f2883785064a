/**
 * Scenarios under kills, on the reference broker run as a process (real kill -9 and restart):
 * their clients ride through the outages as Kafka's do, so each run ends with a final read and a
 * verdict instead of stopping early with every history check UNKNOWN.
 * - group-generations: raw members connect through any bootstrap node, find the coordinator
 *   again after a lost connection, rejoin ("could not connect", "connection closed by the broker").
 * - consumer-groups: sends without an answer are not fatal, commits and offset lookups retry
 *   ("Connection error: connect ECONNREFUSED").
 * - offset-ordering: a group member kafkajs gives up on is started again, and the group gets
 *   time to settle while the node restarts ("the group did not settle").
 * About a minute per scenario: with KCONFORM_LONG=1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import type { ScheduledFault } from '../../harness/nemesis/fault-schedule.ts';
import { runScenario, type ScenarioRun } from '../../app/runner/run-scenario.ts';
import { parseTargetSpec } from '../../harness/targets/target-spec.ts';
import { FINAL_READ } from '../../harness/history/ops.ts';
import { SCENARIOS } from '../../scenarios/index.ts';

// Made when the suite runs: a file whose tests are all skipped runs no hooks, so a directory made
// at load time was left behind by every default run.
let scratch = '';

const kill = (waitMs: number, holdMs: number): ScheduledFault => ({
  family: 'kill',
  role: 'random',
  fallbackNode: 1,
  split: false,
  waitMs,
  holdMs,
});

/** Runs `name` on the reference broker while the only node is killed `kills` times; returns the run and its history. */
async function underKills(name: string, kills: number, waitMs = 600): Promise<{ r: ScenarioRun; ops: Op[] }> {
  const runDir = join(scratch, name);
  const r = await runScenario({
    spec: parseTargetSpec('reference'),
    targetName: 'reference',
    scenario: SCENARIOS.find((s) => s.name === name)!,
    seed: 3,
    records: 200,
    runDir,
    faults: ['kill'],
    // Kills through setup, the workload and its group changes (the node is down ~half the time).
    schedule: Array.from({ length: kills }, () => kill(waitMs, 900)),
    progress: () => {},
  });
  const ops = readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Op);
  return { r, ops };
}

/** The run ended normally, several kills took effect, the final read is there, and every check passed. */
function expectVerdictThroughKills({ r, ops }: { r: ScenarioRun; ops: Op[] }, minKills = 3): void {
  expect(r.error).toBeUndefined();
  expect(
    ops.filter((o) => o.process === 'nemesis' && o.type === 'ok' && (o.value as { fault?: string }).fault === 'kill')
      .length,
  ).toBeGreaterThanOrEqual(minKills);
  expect(ops.some((o) => o.process === FINAL_READ && o.type === 'ok')).toBe(true);
  expect(
    r.checks
      .filter((c) => c.valid !== true)
      .map((c) => ({ checker: c.checker, summary: c.summary, witnesses: c.witnesses.slice(0, 3) })),
  ).toEqual([]);
}

describe.runIf(process.env.KCONFORM_LONG === '1')('scenarios under kills of the only node', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kconform-generations-faults-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('group-generations keeps its members and ends with a final read and a verdict', async () => {
    expectVerdictThroughKills(await underKills('group-generations', 8, 200), 2);
  }, 240_000);

  it('consumer-groups produces, commits and resumes through the kills and ends with a final read and a verdict', async () => {
    // a short scenario: kills come quickly so that they meet its sends, commits and joins
    expectVerdictThroughKills(await underKills('consumer-groups', 8, 200), 2);
  }, 240_000);

  it('offset-ordering keeps both group members through the kills and ends with a final read and a verdict', async () => {
    expectVerdictThroughKills(await underKills('offset-ordering', 8, 300), 2);
  }, 240_000);
});
