/**
 * Shrinking a fault schedule end to end, on the reference broker run as a process (real kill -9,
 * SIGSTOP and clean restarts): a run whose failure needs a kill is shrunk to a schedule holding
 * that kill alone, and the shrunk case, stored with its schedule, fails the same way when played
 * again — by the runner, and by `kconform replay` for a stored schedule of a registered scenario.
 *
 * None of the reference broker's single-node known bugs needs a fault to show, so the failing
 * scenario is made here: it fails exactly when a kill took effect during the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kconform as runKconform } from '../helpers/kconform-cli.ts';
import type { Op } from '../../harness/history/history.ts';
import type { ScheduledFault } from '../../harness/nemesis/fault-schedule.ts';
import { runScenario, type ScenarioRun } from '../../app/runner/run-scenario.ts';
import { failingCheckers, shrinkFailure } from '../../app/runner/shrink.ts';
import { readStoredSchedule } from '../../app/runner/stored-schedule.ts';
import { parseTargetSpec } from '../../harness/targets/target-spec.ts';
import { FINAL_READ, REPLAY_READ } from '../../harness/history/ops.ts';
import type { Scenario } from '../../scenarios/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-shrink-schedule-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** How long the made-up workload runs at least, whatever `records`. */
const WORKLOAD_MS = 4_000;
/** How long it waits at most for its due faults to start (a kill and restart is slow on a busy machine). */
const SCHEDULE_LIMIT_MS = 120_000;

const killed = (ops: readonly Op[]) =>
  ops.filter((o) => o.process === 'nemesis' && o.type === 'ok' && (o.value as { fault?: string }).fault === 'kill')
    .length;
const faultsIn = (ops: readonly Op[]) =>
  ops.filter((o) => o.process === 'nemesis' && o.type === 'invoke').map((o) => (o.value as { fault: string }).fault);
/** Faults started so far: every nemesis step but the heals (resume after a pause, restart after a kill, heal-all). */
const started = (ops: readonly Op[]) =>
  faultsIn(ops).filter((f) => !['resume', 'restart', 'heal-all'].includes(f)).length;

/**
 * How many steps of `schedule` are due to start within WORKLOAD_MS on an idle machine (each step
 * waits from the previous one's heal). The shrinker also moves faults later (doubling a wait), and
 * a fault moved past the workload must not start: waiting for every step instead made each such
 * try twice as long as the one before.
 */
const dueSteps = (schedule: readonly ScheduledFault[] | undefined): number => {
  let at = 0;
  let due = 0;
  for (const step of schedule ?? []) {
    at += step.waitMs;
    if (at >= WORKLOAD_MS) break;
    due++;
    at += step.holdMs;
  }
  return due;
};

/**
 * Ticks for WORKLOAD_MS and until the `faults` due by then have started (a fixed time alone
 * ended runs early on a loaded machine, with the last fault never started); fails exactly when a
 * kill took effect. A scenario decides nothing itself, so it says so in its history: one
 * acknowledged write, which its final read returns and its replay only when no kill took effect
 * (else the replay checker fails; no configuration allows a replay that differs, while a lost
 * write is allowed under faults on one node).
 */
const killSensitive = (faults: number): Scenario => ({
  name: 'kill-sensitive',
  description: 'test only: fails when a kill took effect during the run',
  async run(ctx) {
    const until = Date.now() + WORKLOAD_MS;
    const limit = Date.now() + SCHEDULE_LIMIT_MS;
    for (
      let i = 0;
      Date.now() < until || (started(ctx.history.ops) < faults && Date.now() < limit && !ctx.signal?.aborted);
      i++
    ) {
      const tick = ctx.history.invoke('worker', 'tick', { i });
      await ctx.pace();
      tick.ok({ i });
    }
    await ctx.quiesce();
    const write = { topic: 'kill-free', partition: 0, offset: 0, key: null, value: 'kill-free' };
    ctx.history.invoke('worker', 'send', { topic: write.topic, partition: 0, key: null, value: write.value }).ok(write);
    ctx.history.invoke(FINAL_READ, 'poll', { topic: write.topic, partition: 0 }).ok({ records: [write] });
    ctx.history
      .invoke(REPLAY_READ, 'poll', { topic: write.topic, partition: 0 })
      .ok({ records: killed(ctx.history.ops) === 0 ? [write] : [] });
  },
});

const step = (family: ScheduledFault['family'], waitMs: number, holdMs: number): ScheduledFault => ({
  family,
  role: 'random',
  fallbackNode: 1,
  split: false,
  waitMs,
  holdMs,
});

function play(runDir: string, records: number, schedule: ScheduledFault[] | undefined): Promise<ScenarioRun> {
  return runScenario({
    spec: parseTargetSpec('reference'),
    targetName: 'reference',
    scenario: killSensitive(dueSteps(schedule)),
    seed: 7,
    records,
    runDir,
    faults: ['kill', 'pause', 'restart'],
    schedule,
    progress: () => {},
  });
}

const history = (runDir: string): Op[] =>
  readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Op);

describe('shrinking a fault schedule', () => {
  it('keeps exactly the kill the failure needs, drops the other faults, and the stored case fails the same way again', async () => {
    // A pause, the kill, another pause and a clean restart, all within the workload.
    const schedule = [
      step('pause', 150, 250),
      step('kill', 150, 250),
      step('pause', 150, 250),
      step('restart', 150, 0),
    ];
    const original = await play(join(scratch, 'original'), 10, schedule);
    expect(original.valid).toBe(false);
    expect([...failingCheckers(original)]).toEqual(['replay']);
    expect(original.faultsStarted).toBe(4);
    expect(faultsIn(history(original.runDir))).toEqual([
      'pause',
      'resume',
      'kill',
      'restart',
      'pause',
      'resume',
      'clean-restart',
      'heal-all',
      'heal-all',
    ]);

    const shrunk = await shrinkFailure(original, 10, (n, dir, s) => play(dir, n, s), { maxAttempts: 30 });
    expect(shrunk.schedule).toHaveLength(1);
    expect(shrunk.schedule![0]!.family).toBe('kill');
    expect(shrunk.schedule![0]!.holdMs).toBe(0);
    expect(shrunk.records).toBe(0);

    // Saved as `kconform run` saves it: config.json names the schedule, and playing it again fails the same way.
    const minimal = await play(join(scratch, 'original', 'shrunk'), shrunk.records, shrunk.schedule);
    expect(JSON.parse(readFileSync(join(minimal.runDir, 'config.json'), 'utf8')).schedule).toEqual(shrunk.schedule);
    expect([...failingCheckers(minimal)]).toEqual(['replay']);
    const again = await play(join(scratch, 'replay'), shrunk.records, readStoredSchedule(minimal.runDir));
    expect([...failingCheckers(again)]).toEqual(['replay']);
    expect(faultsIn(history(again.runDir))).toEqual(['kill', 'restart', 'heal-all']);
  }, 300_000);
});

/** `kconform ARGS` in the scratch directory. */
const kconform = (args: string[], timeoutMs = 120_000) => runKconform(args, { cwd: scratch, timeoutMs });

describe('kconform replay of a stored schedule', () => {
  it('plays the schedule config.json names instead of drawing one from the seed', async () => {
    const dir = join(scratch, 'stored');
    mkdirSync(dir, { recursive: true });
    const stored = [step('pause', 100, 200)];
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        scenario: 'seed',
        target: 'reference',
        brokers: 1,
        seed: 3,
        records: 20,
        faults: ['pause', 'kill'],
        bugs: [],
        schedule: stored,
      }),
    );
    const out = join(scratch, 'stored-replay');
    const r = await kconform(['replay', dir, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('stored fault schedule: pause (random, node 1) after 100 ms, held 200 ms');
    expect(faultsIn(history(out))).toEqual(['pause', 'resume', 'heal-all']);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).schedule).toEqual(stored);
  }, 180_000);

  it('exits 2 naming the step when the stored schedule is malformed', async () => {
    const dir = join(scratch, 'bad-schedule');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        scenario: 'seed',
        target: 'reference',
        seed: 3,
        records: 20,
        faults: ['pause'],
        schedule: [{ ...step('pause', 100, 200), holdMs: -5 }],
      }),
    );
    const r = await kconform(['replay', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'schedule[0]'.holdMs");
  });
});
