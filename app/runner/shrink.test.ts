import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScheduledFault } from '../../harness/nemesis/fault-schedule.ts';
import type { ScenarioRun } from './run-scenario.ts';
import { describeSchedule, failsTheSameWay, scheduleCandidates, shrinkFailure } from './shrink.ts';

const run = (records: number, failsFrom: number): ScenarioRun => ({
  scenario: 's',
  target: 'reference',
  seed: 1,
  runDir: '',
  valid: records < failsFrom,
  checks: [{ checker: 'lost-write', valid: records < failsFrom, summary: '', witnesses: [] }],
  seconds: 0,
  ops: records * 4,
});

const step = (family: ScheduledFault['family'], waitMs: number, holdMs: number, fallbackNode = 1): ScheduledFault => ({
  family,
  role: 'random',
  fallbackNode,
  split: false,
  waitMs,
  holdMs,
});

/** When each step starts and ends, from the start of the run (waits count from the previous heal). */
function timeline(schedule: readonly ScheduledFault[]): { family: string; start: number; end: number }[] {
  let t = 0;
  return schedule.map((s) => {
    const start = t + s.waitMs;
    t = start + s.holdMs;
    return { family: s.family, start, end: t };
  });
}

describe('shrinkFailure', () => {
  it('walks a failing size down to the smallest that still fails the same way', async () => {
    const r = await shrinkFailure(run(300, 17), 300, async (n) => run(n, 17));
    expect(r.records).toBe(17);
    expect(r.schedule).toBeUndefined();
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.attempts).toBeLessThanOrEqual(41);
  });

  it('says so when the failing case itself does not fail the same way again (nothing shrunk)', async () => {
    const original: ScenarioRun = {
      ...run(300, 0),
      checks: [
        { checker: 'lost-write', valid: false, summary: '', witnesses: [] },
        { checker: 'nonmonotonic-send', valid: false, summary: '', witnesses: [] },
      ],
    };
    // Reruns lose writes but never send out of order: a timing-dependent part of the failure.
    const r = await shrinkFailure(original, 300, async (n) => run(n, 0));
    expect(r.reproduced).toBe(false);
    expect(r.rerunFailing).toEqual(['lost-write']);
    expect(r.records).toBe(300);
    expect(r.attempts).toBe(1);
  });

  it('reports a reproduced failure as reproduced', async () => {
    const r = await shrinkFailure(run(300, 17), 300, async (n) => run(n, 17));
    expect(r.reproduced).toBe(true);
    expect(r.rerunFailing).toEqual(['lost-write']);
  });

  it('does not count a different failure as the same one', async () => {
    const other = (n: number): ScenarioRun => ({
      ...run(n, 0),
      checks: [{ checker: n < 100 ? 'duplicate' : 'lost-write', valid: false, summary: '', witnesses: [] }],
    });
    const r = await shrinkFailure(other(300), 300, async (n) => other(n));
    expect(r.records).toBeGreaterThanOrEqual(100);
  });

  it('shrinks the fault schedule to the one fault the failure needs, kept where it was in time', async () => {
    const schedule = [
      step('pause', 500, 800),
      step('restart', 300, 0),
      step('kill', 700, 1500),
      step('pause', 200, 400),
      step('kill', 900, 2000),
    ];
    const killAt = timeline(schedule)[2]!.start;
    // Fails (lost-write) only when a kill starts between 2 s and 3 s into the run, with 50+ records.
    const fake = async (n: number, _dir: string, s: ScheduledFault[] | undefined): Promise<ScenarioRun> => {
      const fails = n >= 50 && timeline(s ?? []).some((t) => t.family === 'kill' && t.start >= 2000 && t.start < 3000);
      return { ...run(n, fails ? 0 : Infinity), schedule: s, faultsStarted: s?.length };
    };
    const original = await fake(300, '', schedule);
    const r = await shrinkFailure(original, 300, fake, { maxAttempts: 200 });
    expect(r.records).toBe(50);
    expect(r.schedule).toHaveLength(1);
    expect(r.schedule![0]!.family).toBe('kill');
    expect(r.schedule![0]!.holdMs).toBe(0);
    // Started later where that still fails, never outside the window the failure needs.
    expect(timeline(r.schedule!)[0]!.start).toBeGreaterThanOrEqual(killAt);
    expect(timeline(r.schedule!)[0]!.start).toBeLessThan(3000);
  });

  it('keeps the schedule when no simpler one fails the same way', async () => {
    const schedule = [step('kill', 100, 300)];
    const fake = async (n: number, _dir: string, s: ScheduledFault[] | undefined): Promise<ScenarioRun> => ({
      ...run(n, JSON.stringify(s) === JSON.stringify(schedule) ? 0 : Infinity),
      schedule: s,
    });
    const r = await shrinkFailure(await fake(10, '', schedule), 10, fake);
    expect(r.schedule).toEqual(schedule);
    expect(r.records).toBe(0);
  });
});

describe('shrinkFailure budget and progress', () => {
  it('starts no try once the time budget is spent and keeps the smallest failing case found so far', async () => {
    let clock = 0;
    const tries: number[] = [];
    // Every rerun takes 10 s of the (fake) clock; fails from 17 records as above.
    const rerun = async (n: number) => {
      clock += 10_000;
      tries.push(n);
      return run(n, 17);
    };
    const r = await shrinkFailure(run(300, 17), 300, rerun, { budgetMs: 35_000, now: () => clock });
    expect(r.budgetExhausted).toBe(true);
    expect(r.attempts).toBe(4); // starts at 0, 10, 20, 30 s; none at 40 s
    expect(tries).toHaveLength(4);
    expect(r.reproduced).toBe(true);
    const failing = tries.slice(1).filter((n) => n >= 17);
    expect(r.records).toBe(Math.min(300, ...failing));
    expect(r.seconds).toBe(40);
  });

  it('stops a try that is still running when the budget is spent, and counts it as unfinished', async () => {
    const seen: { attempt: number; finished: boolean; failedSameWay: boolean }[] = [];
    let aborted = 0;
    // The rerun of the failing case fails at once; every later try never ends unless aborted.
    const rerun = (
      n: number,
      _dir: string,
      _s: ScheduledFault[] | undefined,
      signal: AbortSignal,
    ): Promise<ScenarioRun> =>
      n === 300
        ? Promise.resolve(run(n, 17))
        : new Promise((_, reject) =>
            signal?.addEventListener('abort', () => {
              aborted++;
              reject(signal.reason as Error);
            }),
          );
    // The clock stands still, so the second try starts however slow this machine is; the abort
    // comes from the budget's own timer (300 ms of real time), while that try runs.
    const r = await shrinkFailure(run(300, 17), 300, rerun, {
      budgetMs: 300,
      progress: (p) => seen.push(p),
      now: () => 0,
    });
    expect(aborted).toBe(1);
    expect(r.attempts).toBe(2);
    expect(r.unfinished).toBe(1);
    expect(r.budgetExhausted).toBe(true);
    // Neither failing (the answer stays the original case) nor passing (nothing more tried after it).
    expect(r.reproduced).toBe(true);
    expect(r.records).toBe(300);
    expect(r.smaller).toBe(false);
    expect(seen.map((p) => [p.attempt, p.finished, p.failedSameWay])).toEqual([
      [1, true, true],
      [2, false, false],
    ]);
  }, 10_000);

  it('stops the rerun of the failing case itself when it outlasts the budget', async () => {
    const never = (
      _n: number,
      _dir: string,
      _s: ScheduledFault[] | undefined,
      signal: AbortSignal,
    ): Promise<ScenarioRun> =>
      new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
    const r = await shrinkFailure(run(300, 17), 300, never, { budgetMs: 200 });
    expect(r).toMatchObject({
      attempts: 1,
      unfinished: 1,
      budgetExhausted: true,
      reproduced: false,
      smaller: false,
      records: 300,
    });
  }, 10_000);

  it('without a budget, is not cut short', async () => {
    const r = await shrinkFailure(run(300, 17), 300, async (n) => run(n, 17), { budgetMs: 60_000 });
    expect(r.budgetExhausted).toBe(false);
    expect(r.records).toBe(17);
    expect(r.smaller).toBe(true);
  });

  it('reports every try: its size, whether it failed the same way, the smallest so far', async () => {
    const seen: { attempt: number; records: number; failedSameWay: boolean; smallestRecords: number }[] = [];
    const r = await shrinkFailure(run(300, 17), 300, async (n) => run(n, 17), { progress: (p) => seen.push(p) });
    expect(seen.map((p) => p.attempt)).toEqual(Array.from({ length: r.attempts }, (_, i) => i + 1));
    expect(seen[0]).toMatchObject({ attempt: 1, records: 300, failedSameWay: true, smallestRecords: 300 });
    for (const p of seen) expect(p.failedSameWay).toBe(p.records >= 17);
    expect(seen.at(-1)!.smallestRecords).toBe(17);
  });

  it('keeps the smallest failing try’s run directory where asked, so it need not run again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kconform-shrink-keep-'));
    try {
      const rerun = async (n: number, dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'history.jsonl'), `records ${n}\n`);
        return { ...run(n, 17), runDir: dir };
      };
      const keep = join(root, 'run', 'shrunk');
      mkdirSync(join(root, 'run'));
      const r = await shrinkFailure(run(300, 17), 300, rerun, { keepDir: keep });
      expect(r.kept?.runDir).toBe(keep);
      expect(readFileSync(join(keep, 'history.jsonl'), 'utf8')).toBe('records 17\n');
      expect(JSON.parse(readFileSync(join(keep, 'results.json'), 'utf8')).runDir).toBe(keep);
      // the other tries are gone
      expect(readdirSync(join(root, 'run'))).toEqual(['shrunk']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says when no smaller case failed the same way', async () => {
    const onlyAt = (n: number) => run(n, n === 300 ? 0 : Infinity);
    const r = await shrinkFailure(onlyAt(300), 300, async (n) => onlyAt(n));
    expect(r.reproduced).toBe(true);
    expect(r.records).toBe(300);
    expect(r.smaller).toBe(false);
  });
});

describe('failsTheSameWay', () => {
  const checks = (...failing: string[]): ScenarioRun => ({
    ...run(1, 0),
    checks: ['lost-write', 'duplicate', 'reorder'].map((c) => ({
      checker: c,
      valid: !failing.includes(c),
      summary: '',
      witnesses: [],
    })),
  });
  it('needs exactly the same failing checkers', () => {
    const wanted = new Set(['lost-write', 'duplicate']);
    expect(failsTheSameWay(wanted, checks('duplicate', 'lost-write'))).toBe(true);
    expect(failsTheSameWay(wanted, checks('lost-write'))).toBe(false);
    expect(failsTheSameWay(wanted, checks('lost-write', 'duplicate', 'reorder'))).toBe(false);
    expect(failsTheSameWay(wanted, checks())).toBe(false);
  });
});

describe('scheduleCandidates', () => {
  const schedule = [
    step('pause', 500, 800),
    step('kill', 300, 1200),
    step('restart', 700, 0),
    step('partition', 200, 400),
  ];

  it('offers the steps that had started first, then either half, then each step left out', () => {
    const c = scheduleCandidates(schedule, 2);
    expect(c[0]!.map((s) => s.family)).toEqual(['pause', 'kill']);
    expect(c[1]!.map((s) => s.family)).toEqual(['pause', 'kill']);
    expect(c[2]!.map((s) => s.family)).toEqual(['restart', 'partition']);
    expect(c.slice(3, 7).map((s) => s.map((x) => x.family))).toEqual([
      ['pause', 'kill', 'restart'],
      ['pause', 'kill', 'partition'],
      ['pause', 'restart', 'partition'],
      ['kill', 'restart', 'partition'],
    ]);
    // Without knowing what started, the first candidate is a half.
    expect(scheduleCandidates(schedule)[0]!.map((s) => s.family)).toEqual(['pause', 'kill']);
    expect(scheduleCandidates(schedule, 0)[0]).toEqual([]);
  });

  it('keeps every remaining fault where it was in time when steps are left out or held shorter', () => {
    const before = timeline(schedule);
    for (const c of scheduleCandidates(schedule)) {
      const after = timeline(c);
      if (c.length < schedule.length) {
        // Left out: each remaining step starts and ends as before.
        for (const t of after)
          expect(before.some((b) => b.family === t.family && b.start === t.start && b.end === t.end)).toBe(true);
        continue;
      }
      const changed = c.findIndex((s, k) => s.holdMs !== schedule[k]!.holdMs || s.waitMs !== schedule[k]!.waitMs);
      expect(changed).toBeGreaterThanOrEqual(0);
      if (c[changed]!.holdMs < schedule[changed]!.holdMs) {
        // Held shorter: same start, earlier end, and the steps after it unmoved.
        expect(after[changed]!.start).toBe(before[changed]!.start);
        expect(after[changed]!.end).toBeLessThan(before[changed]!.end);
        for (let k = changed + 1; k < c.length; k++) expect(after[k]).toEqual(before[k]);
      } else {
        // Started later, held as long; the next step stays put where the gap allows.
        expect(after[changed]!.start).toBeGreaterThan(before[changed]!.start);
        expect(c[changed]!.holdMs).toBe(schedule[changed]!.holdMs);
      }
    }
  });

  it('offers holds cut to nothing and halved, and later starts, each step on its own', () => {
    const c = scheduleCandidates([step('kill', 400, 1000)]);
    expect(c).toEqual([[], [step('kill', 400, 0)], [step('kill', 400, 500)], [step('kill', 800, 1000)]]);
    // A step held 0 and started as late as the bound allows has nothing simpler left.
    expect(scheduleCandidates([step('kill', 60_000, 0)])).toEqual([[]]);
    expect(scheduleCandidates([])).toEqual([]);
  });

  it('never changes the schedule it is given', () => {
    const frozen = JSON.stringify(schedule);
    scheduleCandidates(schedule, 1);
    expect(JSON.stringify(schedule)).toBe(frozen);
  });

  it('describes a schedule in one line', () => {
    expect(describeSchedule([step('kill', 300, 1200, 2)])).toBe('kill (random, node 2) after 300 ms, held 1200 ms');
    expect(describeSchedule([])).toBe('no faults');
  });
});
