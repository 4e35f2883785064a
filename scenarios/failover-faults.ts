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
import type { BrokerTimings } from '../harness/kafka-dist/cluster-properties.ts';
import type { StartedTarget } from '../harness/targets/target.ts';
import { FaultWriter } from './failover-fault-writer.ts';
import { LeaderRouter } from './leader-router.ts';
import { assertTopicsEverywhere } from './topic-setup.ts';

/**
 * The fault kinds of issue 6's failover scenarios. The last three (family `replication`) are
 * aimed at replication bugs, each with a client of its own writing to the struck partition
 * while it holds, so what they expose does not depend on the workload's timing.
 */
export const FAILOVER_FAULTS = [
  'kill-leader',
  'kill-controller',
  'pause-leader',
  'isolate-leader',
  'cut-client',
  'rolling-restart',
  'stall-followers',
  'lagging-follower',
  'divergent-rejoin',
] as const;
export type FailoverFault = (typeof FAILOVER_FAULTS)[number];

/** The kinds that strike one partition's replicas in a planned order (family `replication`). */
const REPLICATION_KINDS: readonly FailoverFault[] = ['stall-followers', 'lagging-follower', 'divergent-rejoin'];

/**
 * The timings the failover scenarios start both targets with (config.json records them): a
 * follower leaves the ISR after 2 s without catching up, well before the 6 s session timeout
 * fences it, so a fault can make a replica lag without making it ineligible; and failovers take
 * 6 s instead of Kafka's default 9.
 */
export const FAILOVER_TIMINGS: BrokerTimings = { replicaLagTimeMaxMs: 2_000, brokerSessionTimeoutMs: 6_000 };

/**
 * broker.session.timeout.ms of the failover runs: a broker that has not heartbeated for this
 * long is fenced and loses its leaderships. Faults meant to force a failover hold longer.
 */
export const SESSION_TIMEOUT_MS = FAILOVER_TIMINGS.brokerSessionTimeoutMs;
const LAG_MS = FAILOVER_TIMINGS.replicaLagTimeMaxMs;

/** Per kind: the `--faults` families that enable it, what the target must support, how long it holds. */
const KINDS: Record<
  FailoverFault,
  { families: readonly FaultFamily[]; needs: readonly FaultName[]; holdMs: [number, number]; what: string }
> = {
  'kill-leader': {
    families: ['kill'],
    needs: ['kill', 'restart'],
    holdMs: [1_000, 4_000],
    what: 'kill -9 the partition leader, restart it on its data',
  },
  'kill-controller': {
    families: ['kill'],
    needs: ['kill', 'restart'],
    holdMs: [1_000, 4_000],
    what: 'kill -9 the active controller, restart it on its data',
  },
  // Longer than the session timeout, so the controller fences the paused leader and elects another.
  'pause-leader': {
    families: ['pause'],
    needs: ['pause'],
    holdMs: [SESSION_TIMEOUT_MS + 1_000, SESSION_TIMEOUT_MS + 3_000],
    what: 'SIGSTOP the partition leader past the session timeout, then SIGCONT',
  },
  // Past the session timeout too: the minority leader is fenced and the majority elects a new one.
  'isolate-leader': {
    families: ['partition'],
    needs: ['partition'],
    holdMs: [SESSION_TIMEOUT_MS + 1_000, SESSION_TIMEOUT_MS + 3_000],
    what: 'cut the partition leader off the other nodes (a minority leader)',
  },
  'cut-client': {
    families: ['partition'],
    needs: ['partition'],
    holdMs: [3_000, 6_000],
    what: 'cut the clients off the partition leader (the cluster still sees it)',
  },
  'rolling-restart': {
    families: ['restart', 'rolling-restart'],
    needs: ['clean-restart'],
    holdMs: [0, 0],
    what: 'clean restart of every node in turn, each back in sync before the next',
  },
  // Replication faults. A correct broker acknowledges nothing the stalled leader alone has.
  'stall-followers': {
    families: ['replication'],
    needs: ['kill', 'restart', 'pause'],
    holdMs: [1_500, 3_000],
    what: 'SIGSTOP both followers of a partition while a client writes acks=all to its leader, kill -9 the leader, SIGCONT the followers (one of them is elected), restart the old leader',
  },
  // Paused past the lag time (it leaves the ISR) but woken before the leader dies: only an election from the ISR skips it.
  'lagging-follower': {
    families: ['replication'],
    needs: ['kill', 'restart', 'pause'],
    holdMs: [Math.round(2.5 * LAG_MS), Math.round(2.5 * LAG_MS) + 500],
    what: `SIGSTOP the first follower of a partition past replica.lag.time.max.ms (${LAG_MS} ms) while a client writes acks=all, then kill -9 the leader and SIGCONT the follower at once; restart the old leader once another leads`,
  },
  'divergent-rejoin': {
    families: ['replication'],
    needs: ['kill', 'restart', 'pause'],
    holdMs: [1_500, 3_000],
    what: 'stall-followers (the old leader keeps an unacknowledged tail), write to the new leader, restart the old leader and let it catch up, then kill the new leader so the old one leads again',
  },
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
export function drawFailoverSchedule(
  seed: number,
  kinds: readonly FailoverFault[],
  partitions: number,
  steps: number,
): FailoverStep[] {
  if (kinds.length === 0 || steps <= 0) return [];
  // Unbiased: fast-check would otherwise favour the ends of each range (every hold its shortest or longest).
  const drawn = fc.record({
    kind: fc.constantFrom(...kinds),
    partition: fc.integer({ min: 0, max: Math.max(0, partitions - 1) }),
    waitMs: fc.integer({ min: 500, max: 2_000 }),
    hold: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
  });
  const step = fc.noBias(
    drawn.map(
      ({ kind, partition, waitMs, hold }): FailoverStep => ({ kind, partition, waitMs, holdMs: holdMsAt(kind, hold) }),
    ),
  );
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
  /** Stamped into the values the replication faults' own client writes. */
  runId?: string;
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
export async function waitFullyReplicated(
  nodes: readonly TargetNode[],
  topic: string,
  partitions: number,
  timeoutMs = 60_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(
      Array.from({ length: partitions }, (_, p) => describePartition(nodes, topic, p, { timeoutMs: 2_000 })),
    );
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
export async function applyFailoverStep(
  env: FaultEnv,
  step: FailoverStep,
  stopped: () => boolean = () => false,
): Promise<AppliedFault> {
  const why = env.nemesis ? unavailableReason(env.target, step.kind) : 'the run has no faults (--faults)';
  if (why) return { kind: step.kind, nodes: [], applied: false, reason: why };
  const nemesis = env.nemesis!;
  if (REPLICATION_KINDS.includes(step.kind)) return applyReplicationFault(env, nemesis, step);
  const ids = env.target.nodes.map((n) => n.id);
  const from = now(env.history);
  if (step.kind === 'rolling-restart') {
    for (const node of ids) {
      if (stopped()) break;
      env.progress(`failover: rolling restart, node ${node}`);
      if (!(await nemesis.apply({ fault: 'clean-restart', node })))
        return { kind: step.kind, nodes: ids, applied: false, reason: lastNemesisError(env.history), from };
      // The next node goes down only once this one is back in every in-sync set, as an operator would.
      if (!(await waitFullyReplicated(env.target.nodes, env.topic, env.partitions)))
        env.progress(`failover: node ${node} not back in sync within 60 s; restarting the next one anyway`);
    }
    return { kind: step.kind, nodes: ids, applied: true, from, to: now(env.history) };
  }
  const node = await strikeNode(env, step);
  if (node === undefined)
    return {
      kind: step.kind,
      nodes: [],
      applied: false,
      reason: `no node holds the role (${step.kind === 'kill-controller' ? 'no active controller' : `no leader of ${env.topic}/${step.partition}`}) right now`,
    };
  const others = ids.filter((id) => id !== node);
  const [fault, heal]: [FaultOp, FaultOp] =
    step.kind === 'kill-leader' || step.kind === 'kill-controller'
      ? [
          { fault: 'kill', node },
          { fault: 'restart', node },
        ]
      : step.kind === 'pause-leader'
        ? [
            { fault: 'pause', node },
            { fault: 'resume', node },
          ]
        : step.kind === 'isolate-leader'
          ? [{ fault: 'partition', groups: [[node], others] }, { fault: 'heal-network' }]
          : [{ fault: 'cut-client', node }, { fault: 'heal-network' }];
  env.progress(`failover: ${step.kind} (node ${node}) for ${(step.holdMs / 1000).toFixed(1)} s`);
  if (!(await nemesis.apply(fault)))
    return { kind: step.kind, nodes: [node], applied: false, reason: lastNemesisError(env.history), from };
  const until = Date.now() + step.holdMs;
  while (Date.now() < until && !stopped()) await sleep(Math.min(200, until - Date.now()));
  const healed = await nemesis.apply(heal);
  const to = now(env.history);
  if (!healed)
    return {
      kind: step.kind,
      nodes: [node],
      applied: true,
      reason: `heal failed: ${lastNemesisError(env.history)}`,
      from,
      to,
    };
  if (!(await waitFullyReplicated(env.target.nodes, env.topic, env.partitions)))
    env.progress(`failover: ${env.topic} not fully replicated within 60 s of the heal`);
  return { kind: step.kind, nodes: [node], applied: true, from, to };
}

/** Polls until a node other than `old` leads `partition`; its id, or undefined after `timeoutMs`. */
async function waitNewLeader(
  env: FaultEnv,
  partition: number,
  old: number,
  timeoutMs = 60_000,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await describePartition(env.target.nodes, env.topic, partition, { timeoutMs: 1_000 });
    if (v && v.leaderId >= 0 && v.leaderId !== old) return v.leaderId;
    await sleep(250);
  }
  return undefined;
}

/**
 * The partition a replication fault strikes: `preferred` when its leader is its first replica,
 * else the first such partition (after the old leader rejoins, an election from the ISR then
 * picks it again), else `preferred` as it is.
 */
async function replicationTarget(
  env: FaultEnv,
  preferred: number,
): Promise<{ partition: number; leader: number; replicas: readonly number[] } | undefined> {
  const order = [preferred, ...Array.from({ length: env.partitions }, (_, p) => p).filter((p) => p !== preferred)];
  let fallback: { partition: number; leader: number; replicas: readonly number[] } | undefined;
  for (const partition of order) {
    const v = await describePartition(env.target.nodes, env.topic, partition);
    if (!v) continue;
    const t = { partition, leader: v.leaderId, replicas: v.replicas };
    if (v.replicas[0] === v.leaderId && v.replicas.length >= 3) return t;
    if (partition === preferred) fallback = t;
  }
  return fallback;
}

/**
 * The replication faults (family `replication`), each a planned sequence on one partition's
 * replicas with a {@link FaultWriter} writing acks=all to it meanwhile:
 * - stall-followers: both followers paused, the leader killed, the followers resumed — whatever
 *   the leader acknowledged alone is gone with it (ignore-acks-all, advance-hw-early);
 * - lagging-follower: the first follower paused past replica.lag.time.max.ms (it leaves the ISR),
 *   then the leader killed and the follower resumed at once — an election outside the ISR picks
 *   it and its missing records are lost (elect-outside-isr);
 * - divergent-rejoin: stall-followers, writes to the new leader, the old leader restarted until it
 *   is in sync, then the new leader killed so the old one leads again — a replica that kept its
 *   divergent tail now serves it (skip-truncation).
 */
async function applyReplicationFault(env: FaultEnv, nemesis: Nemesis, step: FailoverStep): Promise<AppliedFault> {
  const target = await replicationTarget(env, step.partition);
  if (!target || target.leader < 0)
    return {
      kind: step.kind,
      nodes: [],
      applied: false,
      reason: `no leader of ${env.topic}/${step.partition} right now`,
    };
  const { partition, leader, replicas } = target;
  const followers = replicas.filter((id) => id !== leader);
  const address = env.target.nodes.find((n) => n.id === leader)?.bootstrap;
  if (followers.length < 2 || !address)
    return {
      kind: step.kind,
      nodes: [],
      applied: false,
      reason: `${env.topic}/${partition} has ${replicas.length} replica(s); the ${step.kind} fault needs 3`,
    };
  const router = new LeaderRouter(env.target.nodes, 'kconform-fault');
  const writer = new FaultWriter(env.history, router, env.topic, partition, env.runId ?? 'run');
  const from = now(env.history);
  const struck = [leader, ...followers];
  const failed = () => ({
    kind: step.kind,
    nodes: struck,
    applied: false,
    reason: lastNemesisError(env.history),
    from,
    to: now(env.history),
  });
  const settle = async (what: string, timeoutMs: number) => {
    if (!(await waitFullyReplicated(env.target.nodes, env.topic, env.partitions, timeoutMs)))
      env.progress(`failover: ${step.kind}: ${what} not in sync within ${timeoutMs / 1000} s; going on`);
  };
  env.progress(
    `failover: ${step.kind} on ${env.topic}/${partition} (leader ${leader}, followers ${followers.join(', ')}) for ${(step.holdMs / 1000).toFixed(1)} s`,
  );
  try {
    if (step.kind === 'lagging-follower') {
      const lagging = followers[0]!;
      writer.start(100);
      if (!(await nemesis.apply({ fault: 'pause', node: lagging }))) return failed();
      await sleep(step.holdMs);
      // The leader dies first, so the follower wakes with nothing more to fetch from it.
      if (!(await nemesis.apply({ fault: 'kill', node: leader }))) return failed();
      if (!(await nemesis.apply({ fault: 'resume', node: lagging }))) return failed();
      const next = await waitNewLeader(env, partition, leader);
      env.progress(
        `failover: lagging-follower: ${next === undefined ? 'no new leader within 60 s' : `node ${next} leads now${next === lagging ? ' (the lagging follower)' : ''}`}`,
      );
      await sleep(500);
      await writer.stop();
      if (!(await nemesis.apply({ fault: 'restart', node: leader }))) return failed();
      await settle(`${env.topic}`, 30_000);
      return { kind: step.kind, nodes: struck, applied: true, from, to: now(env.history) };
    }
    // stall-followers, and the first half of divergent-rejoin.
    writer.start(100, address);
    for (const f of followers) if (!(await nemesis.apply({ fault: 'pause', node: f }))) return failed();
    await sleep(step.holdMs);
    if (!(await nemesis.apply({ fault: 'kill', node: leader }))) return failed();
    await writer.stop();
    for (const f of followers) if (!(await nemesis.apply({ fault: 'resume', node: f }))) return failed();
    const next = await waitNewLeader(env, partition, leader);
    env.progress(
      `failover: ${step.kind}: ${next === undefined ? 'no new leader within 60 s' : `node ${next} leads now`}`,
    );
    if (step.kind === 'stall-followers' || next === undefined) {
      if (!(await nemesis.apply({ fault: 'restart', node: leader }))) return failed();
      await settle(env.topic, 30_000);
      return { kind: step.kind, nodes: struck, applied: true, from, to: now(env.history) };
    }
    // divergent-rejoin: the new leader takes writes past the old leader's tail while it rejoins.
    writer.start(50);
    await sleep(1_000);
    if (!(await nemesis.apply({ fault: 'restart', node: leader }))) return failed();
    await settle(`node ${leader} after its restart`, 30_000);
    await writer.stop();
    if (!(await nemesis.apply({ fault: 'kill', node: next }))) return failed();
    const again = await waitNewLeader(env, partition, next);
    env.progress(
      `failover: divergent-rejoin: ${again === undefined ? 'no new leader within 60 s' : `node ${again} leads now${again === leader ? ' (the old leader again)' : ''}`}`,
    );
    if (!(await nemesis.apply({ fault: 'restart', node: next }))) return failed();
    await settle(env.topic, 30_000);
    return { kind: step.kind, nodes: struck, applied: true, from, to: now(env.history) };
  } finally {
    await writer.stop();
    router.closeAll();
  }
}

/** The first seed from `from` on whose failover schedule starts with `kind` (drawn from `kinds`): a run that certainly applies it. */
export function seedStartingWith(
  kind: FailoverFault,
  kinds: readonly FailoverFault[],
  partitions: number,
  from = 1,
): number {
  for (let seed = from; seed < from + 10_000; seed++)
    if (drawFailoverSchedule(seed, kinds, partitions, 1)[0]?.kind === kind) return seed;
  throw new Error(`no seed from ${from} on starts a schedule of ${kinds.join(', ')} with ${kind}`);
}

/** One line for a list of applied faults (the failover checker's). */
export { summarizeFaults } from './checkers/failover.ts';

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
        if (!(await waitFullyReplicated(nodes, t.topic, partitions, Math.max(1_000, deadline - Date.now()))))
          throw new Error(`${t.topic} is not fully replicated`);
      }
      await assertTopicsEverywhere(
        nodes,
        topics.map((t) => t.topic),
      );
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`creating ${topics.map((t) => t.topic).join(', ')}: ${(err as Error).message}`);
      await sleep(500);
    }
  }
}
