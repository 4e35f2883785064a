import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { ClientTracker } from '../../harness/drivers/client-tracker.ts';
import { HistoryRecorder } from '../../harness/history/history.ts';
import { registerCleanup } from '../../harness/cleanup/cleanup-registry.ts';
import { kindOf, type TargetSpec } from '../../harness/targets/target-spec.ts';
import { startTarget, TargetUnavailableError, type StartedTarget } from '../../harness/targets/target.ts';
import { combine, type CheckResult } from '../../harness/history/check-result.ts';
import { checkHistory, resolveCheckConfig } from '../../scenarios/checkers/index.ts';
import type { Scenario, ScenarioContext } from '../../scenarios/index.ts';
import type { ScenarioResults } from '../../scenarios/scenario.ts';
import type { DurabilityTable } from '../../scenarios/checkers/durability-table.ts';
import {
  drawSchedule,
  FAULT_NEEDS,
  faultOf,
  type FaultFamily,
  type NodeRole,
  type ScheduledFault,
} from '../../harness/nemesis/fault-schedule.ts';
import { findActiveController, findPartitionLeader } from '../../harness/nemesis/node-roles.ts';
import { Nemesis } from '../../harness/nemesis/nemesis.ts';
import { nodeControlToJson, type NodeCommands } from '../../harness/nemesis/node-commands.ts';
import { makeDirs } from '../../harness/output/make-dirs.ts';
// The stored form is what reports read back (reports/results-schema.ts); the compiler holds the two together.
import { RESULTS_SCHEMA, type RunResults } from '../../reports/results-schema.ts';
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';

/** The outcome of one scenario run, as results.json stores it. */
export interface ScenarioRun {
  scenario: string;
  target: string;
  seed: number;
  runDir: string;
  valid: boolean | 'unknown';
  checks: CheckResult[];
  error?: string;
  seconds: number;
  /** Operations in the history (the size of the counterexample when the run failed). */
  ops: number;
  /**
   * The fault schedule the runner played (drawn from the seed, or given), and how many of its
   * steps had started when the scenario ended; absent when no schedule ran (no faults, or the
   * scenario applies its own).
   */
  schedule?: ScheduledFault[];
  faultsStarted?: number;
  /** Set when a failure was shrunk: the smallest workload and fault schedule that still fail the same way. */
  shrunk?: {
    records: number;
    ops: number;
    attempts: number;
    path: string | undefined;
    runDir: string;
    failing: string[];
    schedule?: ScheduledFault[];
  };
  /** Set when shrinking ran: how long, whether the budget ran out, whether it found a smaller case. */
  shrink?: {
    attempts: number;
    seconds: number;
    budgetSeconds: number;
    budgetExhausted: boolean;
    unfinished?: number;
    smaller: boolean;
    reproduced: boolean;
  };
  /** The durability study's table (acks level x fault -> acked, lost, duplicated, unavailable seconds), from the `durability` scenario. */
  durability?: DurabilityTable;
}

/** What to run where. */
export interface RunScenarioOptions {
  spec: TargetSpec;
  /** The target as the user wrote it (for reports). */
  targetName: string;
  scenario: Scenario;
  seed: number;
  records: number;
  runDir: string;
  bugs?: ReadonlySet<BugName>;
  /** Nodes of the target cluster. */
  brokers?: number;
  /** Fault families to schedule during the run (empty: none). */
  faults?: readonly FaultFamily[];
  /**
   * The fault schedule to play instead of the one drawn from the seed (a shrunk case, or its
   * replay); stored in config.json. Steps of families the target cannot do are left out.
   */
  schedule?: readonly ScheduledFault[];
  /**
   * The id stamped into values, group ids and, on a target not started fresh, topic names
   * (default: the run directory's name, with a random part on a broker that outlives runs). Must be unique per run on a broker that outlives runs:
   * `compare` gives each target the same directory name in every invocation, so a second
   * compare against one external broker would otherwise append to the first one's topics.
   */
  runId?: string;
  progress: (line: string) => void;
  /** external@ only: the owner's per-node process fault commands. */
  nodeControl?: NodeCommands;
  /**
   * Stops the run when it aborts: the scenario is no longer awaited, its clients are
   * disconnected, faults healed and the target stopped (as on Ctrl-C), and runScenario rejects
   * with {@link RunAbortedError}; nothing is checked.
   */
  signal?: AbortSignal;
}

/** Thrown by {@link runScenario} when its signal stopped the run; the target was stopped. */
export class RunAbortedError extends Error {
  constructor(reason: unknown) {
    super(`run stopped: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
    this.name = 'RunAbortedError';
  }
}

/** How long a stopped scenario gets to run its own finally blocks once its clients are gone. */
const ABORT_GRACE_MS = 2000;

/**
 * `work`, or a rejection with {@link RunAbortedError} as soon as `signal` aborts. A stopped
 * `work` is left to settle on its own; its late rejection is swallowed, not left unhandled.
 */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(new RunAbortedError(signal.reason));
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new RunAbortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/**
 * Runs a fault schedule against the target until stopped; every fault and heal goes into the
 * history through the nemesis. Returns `quiesce`, which stops it and heals everything. With
 * `ownFaults` the schedule is empty: the scenario applies faults through the returned nemesis.
 */
function startFaultLoop(
  target: StartedTarget,
  history: HistoryRecorder,
  seed: number,
  families: readonly FaultFamily[],
  progress: (line: string) => void,
  ownFaults = false,
  given?: readonly ScheduledFault[],
): {
  quiesce: () => Promise<void>;
  active: boolean;
  inEffect: () => string[];
  usable: FaultFamily[];
  nemesis?: Nemesis;
  schedule?: ScheduledFault[];
  started: () => number;
} {
  const usable = families.filter((f) => FAULT_NEEDS[f].every((n) => target.faults.supported.has(n)));
  for (const f of families.filter((f) => !usable.includes(f)))
    progress(`fault '${f}' is not available on this target; left out of the schedule`);
  if (usable.length === 0)
    return { quiesce: async () => {}, active: false, inEffect: () => [], usable, started: () => 0 };
  const nemesis = new Nemesis(target.faults, history);
  const schedule = ownFaults
    ? []
    : given
      ? given.filter((step) => usable.includes(step.family))
      : drawSchedule(
          seed,
          usable,
          target.nodes.map((n) => n.id),
        );
  let started = 0;
  let stopped = false;
  let wake = () => {};
  const pauseFor = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  progress(
    ownFaults
      ? `nemesis: the scenario applies faults from ${usable.join(', ')} itself`
      : `nemesis: ${schedule.length} faults from ${usable.join(', ')} on nodes ${target.nodes.map((n) => n.id).join(', ')}`,
  );
  const loop = (async () => {
    for (const step of schedule) {
      await pauseFor(step.waitMs);
      if (stopped) break;
      const node = (await resolveRole(target, step.role, history).catch(() => undefined)) ?? step.fallbackNode;
      const others = target.nodes.map((n) => n.id).filter((id) => id !== node);
      const { fault, heal } = faultOf(step.family, node, step.split, others);
      progress(`nemesis: ${fault.fault} node ${node}${step.role === 'random' ? '' : ` (the ${step.role})`}`);
      started++;
      await nemesis.apply(fault);
      await pauseFor(step.holdMs);
      await nemesis.apply(heal);
    }
  })();
  let quiescing: Promise<void> | undefined;
  const quiesce = () =>
    (quiescing ??= (async () => {
      stopped = true;
      wake();
      await loop;
      progress('nemesis: healing everything before the final read');
      await nemesis.healAll();
    })());
  return {
    quiesce,
    active: true,
    inEffect: () => nemesis.active(),
    usable,
    nemesis,
    schedule: ownFaults ? undefined : schedule,
    started: () => started,
  };
}

/** The node playing `role` now: the leader of the partition last written to, or the active controller. */
async function resolveRole(
  target: StartedTarget,
  role: NodeRole,
  history: HistoryRecorder,
): Promise<number | undefined> {
  if (role === 'controller') return findActiveController(target.nodes);
  if (role === 'leader') {
    const lastSend = history.ops.findLast((o) => o.f === 'send' && o.type === 'invoke');
    const value = lastSend?.value as { topic?: string; partition?: number } | undefined;
    return value?.topic ? findPartitionLeader(target.nodes, value.topic, value.partition ?? 0) : undefined;
  }
  return undefined;
}

/** Every few seconds of a long run: ops so far, ops/s, faults in effect. */
function startProgressTicker(
  name: string,
  history: HistoryRecorder,
  inEffect: () => string[],
  progress: (line: string) => void,
): NodeJS.Timeout {
  const everyMs = 3000;
  let last = 0;
  const timer = setInterval(() => {
    const ops = history.ops.length;
    const faults = inEffect();
    progress(
      `[${name}] ${ops} ops, ${(((ops - last) * 1000) / everyMs).toFixed(0)} ops/s, faults in effect: ${faults.length ? faults.join(', ') : 'none'}`,
    );
    last = ops;
  }, everyMs);
  timer.unref();
  return timer;
}

/** Spacing of workload steps while faults run: long enough that a run of a few thousand records spans the schedule. */
const PACE_UNDER_FAULTS_MS = 25;

/**
 * Runs one scenario on a freshly started target, records its history in `runDir`, checks it, and
 * writes results.json. Throws {@link TargetUnavailableError} when the target cannot be started.
 */
export async function runScenario(o: RunScenarioOptions): Promise<ScenarioRun> {
  const { spec, targetName, scenario, seed, records, runDir, progress, signal } = o;
  if (signal?.aborted) throw new RunAbortedError(signal.reason);
  const bugs = o.bugs ?? new Set<BugName>();
  makeDirs(runDir);
  const started = Date.now();
  // What the checkers may allow follows from how the scenario produces and whether faults ran.
  const check = resolveCheckConfig({
    replicationFactor: Math.min(3, o.brokers ?? 1),
    ...scenario.checkConfig,
    faults: (o.faults?.length ?? 0) > 0,
  });
  // The failover timings the scenario asks of the target (both targets alike), recorded with the run.
  const timings = (o.brokers ?? 1) > 1 ? scenario.timings : undefined;
  const config = {
    scenario: scenario.name,
    target: targetName,
    brokers: o.brokers ?? 1,
    seed,
    records,
    faults: o.faults ?? [],
    bugs: [...bugs],
    check,
    ...(timings ? { timings } : {}),
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(o.nodeControl ? { nodeControl: nodeControlToJson(o.nodeControl) } : {}),
    kconform: '0.1.0',
  };
  writeFileSync(join(runDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const history = new HistoryRecorder(join(runDir, 'history.jsonl'));
  let target: StartedTarget | undefined;
  let error: string | undefined;
  const extras: ScenarioResults = {};
  let unregister = () => {};
  let clientLog: WriteStream | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let played: { schedule: ScheduledFault[]; started: () => number } | undefined;
  const clients = new ClientTracker();
  try {
    try {
      target = await startTarget(spec, runDir, {
        bugs,
        brokers: o.brokers,
        faultable: (o.faults?.length ?? 0) > 0,
        network: o.faults?.includes('partition') && kindOf(spec).capabilities.networkLab,
        timings,
        nodeControl: o.nodeControl,
      });
    } catch (err) {
      if (err instanceof TargetUnavailableError) throw err;
      throw new TargetUnavailableError(`cannot start target ${targetName}: ${(err as Error).message}`);
    }
    const started = target;
    unregister = registerCleanup(`stop target ${targetName}`, () => started.stop());
    // Starting a target is not abortable (a reference broker starts in milliseconds); the run is.
    if (signal?.aborted) throw new RunAbortedError(signal.reason);
    progress(`target ${targetName} ready at ${target.bootstrap}`);
    const fresh = target.fresh;
    // A broker that outlives runs (external@) keeps every earlier run's topics and groups: a run
    // directory's name repeats across invocations (`seed-0`, a shrink try's `try-1`), so the id
    // there gets a random part, or a second run would append to the first one's topics.
    const runId = o.runId ?? (fresh ? basename(runDir) : `${basename(runDir)}-${randomBytes(3).toString('hex')}`);
    clientLog = createWriteStream(join(runDir, 'client.log'));
    const faults = startFaultLoop(target, history, seed, o.faults ?? [], progress, scenario.ownFaults, o.schedule);
    if (faults.schedule) played = { schedule: faults.schedule, started: faults.started };
    const quiesce = faults.quiesce;
    ticker = startProgressTicker(scenario.name, history, faults.inEffect, progress);
    const ctx: ScenarioContext = {
      quiesce,
      pace: faults.active ? () => new Promise((resolve) => setTimeout(resolve, PACE_UNDER_FAULTS_MS)) : async () => {},
      target,
      // client errors (retries while a node is down) go to the run directory, not the terminal
      kafka: clients.wrap(kafkajsClient(target.bootstrap.split(','), `kconform-${scenario.name}`, {}, clientLog)),
      track: (kafka) => clients.wrap(kafka),
      signal,
      history,
      seed,
      records,
      runId,
      progress,
      topicName: (base) => (fresh ? base : `${base}-${runId}`),
      faults: faults.usable,
      nemesis: faults.nemesis,
      results: extras,
    };
    const running = scenario.run(ctx);
    try {
      await unlessAborted(running, signal);
    } catch (err) {
      if (err instanceof RunAbortedError) {
        // The scenario is not awaited any more: without its clients it fails soon and runs its
        // own finally blocks (proxies, consumers) — given a moment, before the target goes.
        await clients.disconnectAll();
        await Promise.race([
          running.catch(() => {}),
          new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS).unref()),
        ]);
        throw err;
      }
      error = (err as Error).message;
      progress(`scenario ${scenario.name} stopped early: ${error}`);
    } finally {
      // every run ends healed, whatever the scenario did
      await quiesce();
    }
  } finally {
    clearInterval(ticker);
    unregister();
    await target?.stop();
    await history.close();
    clientLog?.end();
  }
  // Every verdict comes from the history (the scenario's own checks too, through its plan op).
  const checks = checkHistory(history.ops, check);
  const valid = error !== undefined && combine(checks) === true ? 'unknown' : combine(checks);
  const schedule = played ? { schedule: played.schedule, faultsStarted: played.started() } : {};
  const result: ScenarioRun = {
    scenario: scenario.name,
    target: targetName,
    seed,
    runDir,
    valid,
    checks,
    error,
    seconds: (Date.now() - started) / 1000,
    ops: history.ops.length,
    ...schedule,
    ...extras,
  };
  writeFileSync(
    join(runDir, 'results.json'),
    JSON.stringify({ schema: RESULTS_SCHEMA, ...result } satisfies RunResults, null, 2) + '\n',
  );
  return result;
}
