/**
 * group-generations under kills, on the reference broker run as a process (real kill -9 and
 * restart): its raw members ride through the outages as Kafka's consumer does — connect through
 * any bootstrap node, find the coordinator again after a lost connection, rejoin — so the run
 * ends with a final read and a verdict instead of stopping early ("could not connect",
 * "connection closed by the broker") with every history check UNKNOWN.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import type { ScheduledFault } from '../../harness/nemesis/fault-schedule.ts';
import { runScenario } from '../../harness/runner/run-scenario.ts';
import { parseTargetSpec } from '../../harness/targets/target-spec.ts';
import { FINAL_READ } from '../../scenarios/checkers/index.ts';
import { SCENARIOS } from '../../scenarios/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-generations-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const kill = (waitMs: number, holdMs: number): ScheduledFault => ({ family: 'kill', role: 'random', fallbackNode: 1, split: false, waitMs, holdMs });

describe('group-generations under kills', () => {
  it('keeps its members through repeated kills of the only node and ends with a final read and a verdict', async () => {
    const runDir = join(scratch, 'run');
    // Kills through setup, the first joins and the membership changes (the node is down ~half the time).
    const schedule = Array.from({ length: 8 }, () => kill(600, 900));
    const r = await runScenario({
      spec: parseTargetSpec('reference'),
      targetName: 'reference',
      scenario: SCENARIOS.find((s) => s.name === 'group-generations')!,
      seed: 3,
      records: 10,
      runDir,
      faults: ['kill'],
      schedule,
      progress: () => {},
    });
    const ops = readFileSync(join(runDir, 'history.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Op);
    expect(r.error).toBeUndefined();
    expect(ops.filter((o) => o.process === 'nemesis' && o.type === 'ok' && (o.value as { fault?: string }).fault === 'kill').length).toBeGreaterThan(2);
    expect(ops.some((o) => o.process === FINAL_READ && o.type === 'ok')).toBe(true);
    expect(r.checks.filter((c) => c.valid !== true).map((c) => ({ checker: c.checker, summary: c.summary, witnesses: c.witnesses.slice(0, 3) }))).toEqual([]);
  }, 240_000);
});
