import fc from 'fast-check';
import { FINAL_READ, REPLAY_READ } from '../harness/history/ops.ts';
import {
  applyFailoverStep,
  createReplicatedTopics,
  describeFault,
  FAILOVER_TIMINGS,
  faultKindsFor,
  holdMsAt,
  unavailableReason,
  type FailoverFault,
  type FailoverStep,
} from './failover-faults.ts';
import type { DurabilityLane } from './checkers/durability-table.ts';
import { DURABILITY_LANE, durabilityTable, type DurabilityPlan } from './checkers/durability.ts';
import { SCENARIO_PROCESS } from './checkers/scenario-plan.ts';
import { recordPlan } from './plan-ops.ts';
import { RecordedProducer, type Acks } from './failover-producers.ts';
import { findActiveController } from '../harness/nemesis/node-roles.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

/** The producer settings the study compares; each writes its own partition, all led by the same node. */
const LEVELS: readonly { level: string; acks: Acks; idempotent: boolean; unclean: boolean }[] = [
  { level: 'acks=0', acks: 0, idempotent: false, unclean: false },
  { level: 'acks=1', acks: 1, idempotent: false, unclean: false },
  { level: 'acks=all', acks: -1, idempotent: true, unclean: false },
  { level: 'acks=all+unclean', acks: -1, idempotent: true, unclean: true },
];
const MIN_ISR = 2;
/** Producing before the fault, and after it healed. */
const WARMUP_MS = 1_500;
const COOLDOWN_MS = 2_000;
/** The baseline phase's length. */
const BASELINE_MS = 4_000;
const PACE_MS = 30;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One phase: fresh topics whose partitions share one leader, a producer per level writing
 * steadily, one fault aimed at that leader (or none), heal, a little more producing, then the
 * final read of both topics. Returns the lanes to tabulate.
 */
async function runPhase(
  ctx: ScenarioContext,
  fault: FailoverFault | 'none',
  phase: number,
  leader: number,
  holdMs: number,
): Promise<DurabilityLane[]> {
  const ids = ctx.target.nodes.map((n) => n.id);
  const rf = Math.min(3, ids.length);
  // The chosen leader first: Kafka makes the first replica of a new partition its leader.
  const replicas = [leader, ...ids.filter((id) => id !== leader)].slice(0, rf);
  const topic = ctx.topicName(`durability-${phase}-${fault}`);
  const uncleanTopic = `${topic}-unclean`;
  const clean = LEVELS.filter((l) => !l.unclean);
  await createReplicatedTopics(ctx.kafka, ctx.target.nodes, [
    {
      topic,
      replicaAssignment: clean.map((_, partition) => ({ partition, replicas })),
      configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(MIN_ISR, rf)) }],
    },
    {
      topic: uncleanTopic,
      replicaAssignment: [{ partition: 0, replicas }],
      configEntries: [
        { name: 'min.insync.replicas', value: String(Math.min(MIN_ISR, rf)) },
        { name: 'unclean.leader.election.enable', value: 'true' },
      ],
    },
  ]);
  const lanes = LEVELS.map((l) => ({
    ...l,
    lane: {
      level: l.level,
      fault,
      process: `durability-${phase}-${l.level}`,
      topic: l.unclean ? uncleanTopic : topic,
    } satisfies DurabilityLane,
    partition: l.unclean ? 0 : clean.indexOf(l),
  }));
  // The lanes go into the history: the durability checker tabulates them from there.
  for (const l of lanes) ctx.history.invoke(SCENARIO_PROCESS, DURABILITY_LANE, l.lane).ok(l.lane);
  const producers = lanes.map(
    (l) =>
      new RecordedProducer({
        kafka: ctx.kafka,
        history: ctx.history,
        process: l.lane.process,
        acks: l.acks,
        idempotent: l.idempotent,
        runId: ctx.runId,
      }),
  );
  let stop = false;
  const workload = lanes.map(async (l, i) => {
    while (!stop) {
      await producers[i]!.send(l.lane.topic, l.partition, 1);
      await sleep(PACE_MS);
    }
  });
  try {
    await sleep(WARMUP_MS);
    if (fault === 'none') await sleep(BASELINE_MS);
    else {
      const step: FailoverStep = { kind: fault, partition: 0, waitMs: 0, holdMs };
      const done = await applyFailoverStep(
        {
          target: ctx.target,
          nemesis: ctx.nemesis,
          history: ctx.history,
          topic,
          partitions: clean.length,
          progress: ctx.progress,
          runId: ctx.runId,
        },
        step,
      );
      if (!done.applied) ctx.progress(`durability: ${fault} did not run: ${done.reason}`);
    }
    await sleep(COOLDOWN_MS);
  } finally {
    stop = true;
    await Promise.all(workload);
    await Promise.all(producers.map((p) => p.stop()));
  }
  // The final read decides what was lost; the replay shows a second read returns the same.
  for (const process of [FINAL_READ, REPLAY_READ])
    for (const t of [topic, uncleanTopic]) await readFromBeginning(ctx.kafka, t, process, ctx.history, ctx.runId);
  return lanes.map((l) => l.lane);
}

/**
 * The durability study (issues 6 and 8): for each fault of the failover scenarios that the run's
 * `--faults` enable (and a baseline without one), four producers — acks=0, acks=1, acks=all and
 * acks=all on a topic with unclean.leader.election.enable=true, all with min.insync.replicas=2 and
 * replication factor 3 — write steadily to partitions led by the same node while the fault strikes
 * it. Measured, not failed: the table (acks level x fault -> sent, acked, lost, duplicated,
 * unavailable seconds) goes into results.json (`durability`) and onto stdout. The checkers run
 * under acks=0 allowances, so losses are counted there too, never hidden.
 */
export const durabilityScenario: Scenario = {
  name: 'durability',
  description:
    'acks=0/1/all (and all with unclean election) under each failover fault: acked, lost, duplicated, unavailable seconds — measured, not failed',
  // The weakest level decides what the checkers allow: everything a configuration can allow.
  checkConfig: {
    acks: 0,
    idempotent: false,
    minInsyncReplicas: MIN_ISR,
    replicationFactor: 3,
    uncleanLeaderElection: true,
  },
  minBrokers: 3,
  ownFaults: true,
  timings: FAILOVER_TIMINGS,
  async run(ctx: ScenarioContext): Promise<void> {
    // The replication family's planned faults bring their own writer: they test brokers, not acks levels.
    const kinds = faultKindsFor((ctx.faults ?? []).filter((f) => f !== 'replication'));
    const skipped = kinds
      .map((k) => ({ fault: k, reason: unavailableReason(ctx.target, k) }))
      .filter((s): s is { fault: FailoverFault; reason: string } => s.reason !== null);
    const runnable = kinds.filter((k) => !skipped.some((s) => s.fault === k));
    const ids = ctx.target.nodes.map((n) => n.id);
    // Per phase, from the seed: which node leads the partitions, and how long the fault holds.
    const draws = fc.sample(
      fc.noBias(
        fc.record({ leader: fc.constantFrom(...ids), hold: fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000) }),
      ),
      { seed: ctx.seed, numRuns: runnable.length + 1 },
    );
    ctx.progress(
      `durability: ${LEVELS.map((l) => l.level).join(', ')} × ${['none', ...runnable].join(', ')}${ctx.faults?.length ? '' : ' (run with --faults kill,pause,partition,restart for the faults)'}`,
    );
    const phases: (FailoverFault | 'none')[] = ['none', ...runnable];
    const plan: DurabilityPlan = {
      scenario: 'durability',
      replicationFactor: Math.min(3, ids.length),
      minInsyncReplicas: MIN_ISR,
      levels: LEVELS.map((l) => l.level),
      faults: phases,
      skipped,
    };
    recordPlan(ctx.history, plan);
    for (const [i, fault] of phases.entries()) {
      let leader = draws[i]!.leader;
      if (fault === 'kill-controller') {
        // Killing a controller that also leads the partitions would be kill-leader again.
        const controller = await findActiveController(ctx.target.nodes);
        if (controller === leader) leader = ids.find((id) => id !== controller) ?? leader;
      }
      const holdMs = fault === 'none' ? 0 : holdMsAt(fault, draws[i]!.hold);
      ctx.progress(
        `durability: phase ${i + 1}/${phases.length}: ${fault === 'none' ? 'no fault (baseline)' : describeFault(fault)}; partitions led by node ${leader}`,
      );
      await runPhase(ctx, fault, i, leader, holdMs);
    }
    await ctx.quiesce();
    // The table for results.json and stdout, built from the history as the durability checker builds it.
    if (ctx.results) ctx.results.durability = durabilityTable(ctx.history.ops, plan);
  },
};
