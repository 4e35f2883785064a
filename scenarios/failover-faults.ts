/**
 * The faults of the failover-safety scenarios (issue 6), shared by `failover` and `durability`:
 * each aims at a role in the cluster (the leader of a partition, the active controller), holds
 * long enough to force a failover, heals, and waits until the partition is fully replicated
 * again. A fault the target cannot do is skipped and reported, never faked.
 */
import fc from 'fast-check';
import type { ITopicConfig, Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import type { FaultName, TargetNode } from '../harness/nemesis/fault-control.ts';
import type { FaultFamily } from '../harness/nemesis/fault-schedule.ts';
import { NEMESIS, type FaultOp, type Nemesis } from '../harness/nemesis/nemesis.ts';
import { describePartition, findActiveController } from '../harness/nemesis/node-roles.ts';
import type { StartedTarget } from '../harness/targets/target.ts';

/** The fault kinds of issue 6's failover scenarios. */
export const FAILOVER_FAULTS = ['kill-leader', 'kill-controller', 'pause-leader', 'isolate-leader', 'cut-client', 'rolling-restart'] as const;
export type FailoverFault = (typeof FAILOVER_FAULTS)[number];

/**
 * Kafka's broker.session.timeout.ms default: a broker that has not heartbeated for this long is
 * fenced and loses its leaderships. Faults meant to force a failover hold longer than this.
 */
export const SESSION_TIMEOUT_MS = 9_000;

/** Per kind: the `--faults` families that enable it, what the target must support, how long it holds. */
const KINDS: Record<FailoverFault, { families: readonly FaultFamily[]; needs: readonly FaultName[]; holdMs: [number, number]; what: string }> = {
  'kill-leader': { families: ['kill'], needs: ['kill', 'restart'], holdMs: [1_000, 4_000], what: 'kill -9 the partition leader, restart it on its data' },
  'kill-controller': { families: ['kill'], needs: ['kill', 'restart'], holdMs: [1_000, 4_000], what: 'kill -9 the active controller, restart it on its data' },
  // Longer than the session timeout, so the controller fences the paused leader and elects another.
  'pause-leader': { families: ['pause'], needs: ['pause'], holdMs: [SESSION_TIMEOUT_MS + 1_000, SESSION_TIMEOUT_MS + 3_000], what: 'SIGSTOP the partition leader past the session timeout, then SIGCONT' },
  // Past the session timeout too: the minority leader is fenced and the majority elects a new one.
  'isolate-leader': { families: ['partition'], needs: ['partition'], holdMs: [SESSION_TIMEOUT_MS + 1_000, SESSION_TIMEOUT_MS + 3_000], what: 'cut the partition leader off the other nodes (a minority leader)' },
  'cut-client': { families: ['partition'], needs: ['partition'], holdMs: [3_000, 6_000], what: 'cut the clients off the partition leader (the cluster still sees it)' },
  'rolling-restart': { families: ['restart', 'rolling-restart'], needs: ['clean-restart'], holdMs: [0, 0], what: 'clean restart of every node in turn, each back in sync before the next' },
};

/** One line on what a kind does. */
export const describeFault = (kind: FailoverFault): string => KINDS[kind].what;

/** The kinds the `--faults` families enable, in {@link FAILOVER_FAULTS} order. */
export function faultKindsFor(families: readonly FaultFamily[]): FailoverFault[] {
  return FAILOVER_FAULTS.filter((k) => KINDS[k].families.some((f) => families.includes(f)));
}

/** Why the target cannot do `kind`, or null when it can. */
export function unavailableReason(target: StartedTarget, kind: FailoverFault): string | null {
  const missing = KINDS[kind].needs.filter((n) => !target.faults.supported.has(n));
  if (missing.length === 0) return null;
  return `the target cannot ${missing.join(', ')}${missing.includes('partition') ? ' (network faults need --faults partition on a process or container target)' : ''}`;
}

/** One step of a failover schedule. */
export interface FailoverStep {
  kind: FailoverFault;
  /** The partition whose leader a leader fault strikes. */
  partition: number;
  /** Workload before the fault, after the previous one healed. */
  waitMs: number;
  holdMs: number;
}

/** How long a fault of `kind` holds, at `draw` ∈ [0, 1] of its range. */
export function holdMsAt(kind: FailoverFault, draw: number): number {
  const [lo, hi] = KINDS[kind].holdMs;
  return Math.round(lo + draw * (hi - lo));
}

/** A repeatable schedule of `steps` faults drawn with fast-check from `kinds`. */
export function drawFailoverSchedule(seed: number, kinds: readonly FailoverFault[], partitions: number, steps: number): FailoverStep[] {
  if (kinds.length === 0 || steps <= 0) return [];
  // Unbiased: fast-check would otherwise favour the ends of each range (every hold its shortest or longest).
  const drawn = fc.record({
    kind: fc.constantFrom(...kinds),
    partition: fc.integer({ min: 0, max: Math.max(0, partitions - 1) }),
    waitMs: fc.integer({ min: 500, max: 2_000 }),
    hold: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  });
  const step = fc.noBias(drawn.map(({ kind, partition, waitMs, hold }): FailoverStep => ({ kind, partition, waitMs, holdMs: holdMsAt(kind, hold) })));
  return fc.sample(step, { seed, numRuns: steps });
}

/** What became of one scheduled fault. */
export interface AppliedFault {
  kind: FailoverFault;
  /** The node(s) it struck. */
  nodes: number[];
  /** Applied and healed. False: skipped or failed, with the reason. */
  applied: boolean;
  reason?: string;
  /** Milliseconds since the run started (history time) when it was applied and healed. */
  from?: number;
  to?: number;
}

/** What applying a fault needs. */
export interface FaultEnv {
  target: StartedTarget;
  nemesis: Nemesis | undefined;
  history: HistoryRecorder;
  /** The topic whose partition leaders leader faults strike, and whose replication heals are awaited. */
  topic: string;
  partitions: number;
  progress(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (h: HistoryRecorder) => (h.ops.length ? h.ops[h.ops.length - 1]!.time : 0);

/** The reason of the nemesis op that just failed (the nemesis records it), for the report. */
function lastNemesisError(history: HistoryRecorder): string {
  const op = history.ops.findLast((o) => o.process === NEMESIS && o.type === 'fail');
  return op?.error ?? 'the fault could not be applied';
}

/**
 * Waits until every partition of `topic` has a leader and all its replicas in sync (a healed
 * cluster), up to `timeoutMs`. Resolves whether it got there.
 */
export async function waitFullyReplicated(nodes: readonly TargetNode[], topic: string, partitions: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(Array.from({ length: partitions }, (_, p) => describePartition(nodes, topic, p, { timeoutMs: 2_000 })));
    if (views.every((v) => v !== undefined && v.isr.length >= v.replicas.length)) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

/** The node playing the kind's role now, or undefined when nobody does (no leader known). */
async function strikeNode(env: FaultEnv, step: FailoverStep): Promise<number | undefined> {
  if (step.kind === 'kill-controller') return findActiveController(env.target.nodes);
  return (await describePartition(env.target.nodes, env.topic, step.partition))?.leaderId;
}

/**
 * Applies one step: picks the node by role, applies the fault through the nemesis (recorded in
 * the history), holds it, heals it, and waits until the topic is fully replicated again. A kind
 * the target cannot do, or whose role has no holder, is skipped with the reason.
 */
export async function applyFailoverStep(env: FaultEnv, step: FailoverStep, stopped: () => boolean = () => false): Promise<AppliedFault> {
  const why = env.nemesis ? unavailableReason(env.target, step.kind) : 'the run has no faults (--faults)';
  if (why) return { kind: step.kind, nodes: [], applied: false, reason: why };
  const nemesis = env.nemesis!;
  const ids = env.target.nodes.map((n) => n.id);
  const from = now(env.history);
  if (step.kind === 'rolling-restart') {
    for (const node of ids) {
      if (stopped()) break;
      env.progress(`failover: rolling restart, node ${node}`);
      if (!(await nemesis.apply({ fault: 'clean-restart', node }))) return { kind: step.kind, nodes: ids, applied: false, reason: lastNemesisError(env.history), from };
      // The next node goes down only once this one is back in every in-sync set, as an operator would.
      if (!(await waitFullyReplicated(env.target.nodes, env.topic, env.partitions))) env.progress(`failover: node ${node} not back in sync within 60 s; restarting the next one anyway`);
    }
    return { kind: step.kind, nodes: ids, applied: true, from, to: now(env.history) };
  }
  const node = await strikeNode(env, step);
  if (node === undefined) return { kind: step.kind, nodes: [], applied: false, reason: `no node holds the role (${step.kind === 'kill-controller' ? 'no active controller' : `no leader of ${env.topic}/${step.partition}`}) right now` };
  const others = ids.filter((id) => id !== node);
  const [fault, heal]: [FaultOp, FaultOp] =
    step.kind === 'kill-leader' || step.kind === 'kill-controller'
      ? [{ fault: 'kill', node }, { fault: 'restart', node }]
      : step.kind === 'pause-leader'
        ? [{ fault: 'pause', node }, { fault: 'resume', node }]
        : step.kind === 'isolate-leader'
          ? [{ fault: 'partition', groups: [[node], others] }, { fault: 'heal-network' }]
          : [{ fault: 'cut-client', node }, { fault: 'heal-network' }];
  env.progress(`failover: ${step.kind} (node ${node}) for ${(step.holdMs / 1000).toFixed(1)} s`);
  if (!(await nemesis.apply(fault))) return { kind: step.kind, nodes: [node], applied: false, reason: lastNemesisError(env.history), from };
  const until = Date.now() + step.holdMs;
  while (Date.now() < until && !stopped()) await sleep(Math.min(200, until - Date.now()));
  const healed = await nemesis.apply(heal);
  const to = now(env.history);
  if (!healed) return { kind: step.kind, nodes: [node], applied: true, reason: `heal failed: ${lastNemesisError(env.history)}`, from, to };
  if (!(await waitFullyReplicated(env.target.nodes, env.topic, env.partitions))) env.progress(`failover: ${env.topic} not fully replicated within 60 s of the heal`);
  return { kind: step.kind, nodes: [node], applied: true, from, to };
}

/** One line per kind: how often it was applied, and why the others were skipped. */
export function summarizeFaults(applied: readonly AppliedFault[]): { summary: string; skipped: AppliedFault[] } {
  const done = new Map<string, number>();
  for (const a of applied) if (a.applied) done.set(a.kind, (done.get(a.kind) ?? 0) + 1);
  const skipped = applied.filter((a) => !a.applied);
  const parts = [...done].map(([k, n]) => `${k} ×${n}`);
  const reasons = [...new Set(skipped.map((a) => `${a.kind}: ${a.reason}`))];
  return { summary: `${parts.length ? `applied ${parts.join(', ')}` : 'no fault applied'}${reasons.length ? `; skipped ${reasons.join('; ')}` : ''}`, skipped };
}

/**
 * Creates replicated topics (kafkajs admin, waiting for leaders) and waits until every partition
 * is fully replicated, retrying through errors for up to a minute. (createTopicsReady in
 * topic-setup.ts asks one node for every partition, which only works where it leads them all.)
 */
export async function createReplicatedTopics(
  kafka: Kafka,
  nodes: readonly TargetNode[],
  topics: ITopicConfig[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics, waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
      for (const t of topics) {
        const partitions = t.replicaAssignment?.length ?? t.numPartitions ?? 1;
        if (!(await waitFullyReplicated(nodes, t.topic, partitions, Math.max(1_000, deadline - Date.now())))) throw new Error(`${t.topic} is not fully replicated`);
      }
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`creating ${topics.map((t) => t.topic).join(', ')}: ${(err as Error).message}`);
      await sleep(500);
    }
  }
}
