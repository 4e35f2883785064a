import fc from 'fast-check';
import type { Kafka } from 'kafkajs';
import { FINAL_READ, REPLAY_READ } from '../harness/history/ops.ts';
import {
  applyFailoverStep,
  createReplicatedTopics,
  describeFault,
  drawFailoverSchedule,
  FAILOVER_TIMINGS,
  faultKindsFor,
  waitFullyReplicated,
} from './failover-faults.ts';
import { RecordedProducer } from './failover-producers.ts';
import { AssignedReader } from './failover-reader.ts';
import { RecordedConsumer, waitFor } from './group-reads.ts';
import { CATCH_UP, FAILOVER_STEP, REPLICATION_PROBE, type FailoverPlan } from './checkers/failover.ts';
import { SCENARIO_PROCESS } from './checkers/scenario-plan.ts';
import { recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

const PARTITIONS = 3;
const PRODUCERS = ['producer-a', 'producer-b'];
const SUBSCRIBER = 'subscriber';
const ASSIGNED = 'assigned-reader';
/** Between two batches of one producer. */
const PACE_MS = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Faults per run: one per 250 records asked for (`--records`), 1 to 10. */
export const faultsPerRun = (records: number): number => Math.max(1, Math.min(10, Math.round(records / 250)));

/** High watermarks of every partition of `topic`. */
async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Failover safety (issue 6): a 3-node cluster, a topic with replication factor 3 and
 * min.insync.replicas=2, idempotent acks=all producers, a group consumer (subscribe) and a
 * consumer that assigns itself every partition, while a fast-check schedule strikes the cluster:
 * kill -9 a partition leader or the active controller, pause a leader past the session timeout,
 * cut a leader off the other nodes (minority leader) or the clients off it, restart every node in
 * turn. After the heal every partition is read from the beginning. The checkers must find no lost
 * acknowledged write, no inconsistent offset, no duplicate, and monotonic reads per consumer;
 * the scenario records what they cannot see for the failover checker: which faults ran, that the
 * cluster recovered after the heal, and whether the assigned reader was
 * never told its position was beyond the log.
 */
export const failoverScenario: Scenario = {
  name: 'failover',
  description:
    'RF 3, min.insync.replicas=2, idempotent acks=all under leader/controller kills, long pauses, partitions and rolling restarts: nothing acknowledged is lost',
  checkConfig: { acks: -1, idempotent: true, minInsyncReplicas: 2, replicationFactor: 3, uncleanLeaderElection: false },
  minBrokers: 3,
  ownFaults: true,
  timings: FAILOVER_TIMINGS,
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('failover');
    recordPlan(ctx.history, {
      scenario: 'failover',
      topic,
      producers: PRODUCERS,
      assigned: ASSIGNED,
    } satisfies FailoverPlan);
    const rf = Math.min(3, ctx.target.nodes.length);
    await createReplicatedTopics(ctx.kafka, ctx.target.nodes, [
      {
        topic,
        numPartitions: PARTITIONS,
        replicationFactor: rf,
        configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(2, rf)) }],
      },
    ]);
    const kinds = faultKindsFor(ctx.faults ?? []);
    const schedule = drawFailoverSchedule(ctx.seed, kinds, PARTITIONS, faultsPerRun(ctx.records));
    ctx.progress(
      schedule.length
        ? `failover: ${schedule.length} faults from ${kinds.join(', ')}: ${schedule.map((s) => s.kind).join(', ')}`
        : `failover: no faults (${ctx.faults?.length ? 'none of the asked families makes a failover fault' : 'run with --faults kill,pause,partition,restart'}); ${ctx.records} records`,
    );
    for (const k of new Set(schedule.map((s) => s.kind))) ctx.progress(`  ${k}: ${describeFault(k)}`);

    const producers = PRODUCERS.map(
      (process) =>
        new RecordedProducer({
          kafka: ctx.kafka,
          history: ctx.history,
          process,
          acks: -1,
          idempotent: true,
          runId: ctx.runId,
        }),
    );
    const subscriber = new RecordedConsumer({
      kafka: ctx.kafka,
      history: ctx.history,
      process: SUBSCRIBER,
      topic,
      groupId: `kconform-failover-${ctx.runId}`,
      fromBeginning: true,
      // kafkajs may give up on a member for good over an error met while a node is down; an
      // application's supervisor would start it again, and so does the scenario (counted in catch-up).
      restartAfterCrash: true,
    });
    const assigned = new AssignedReader(
      ctx.target.nodes,
      ctx.history,
      ASSIGNED,
      topic,
      Array.from({ length: PARTITIONS }, (_, p) => p),
    );
    let faultsDone = schedule.length === 0;
    try {
      await subscriber.start();
      assigned.start();
      // Which partition and how many records each batch has: from the seed.
      const draws = fc.sample(
        fc.record({ partition: fc.integer({ min: 0, max: PARTITIONS - 1 }), size: fc.integer({ min: 1, max: 4 }) }),
        { seed: ctx.seed, numRuns: 512 },
      );
      const produced = () => producers.reduce((n, p) => n + p.counts.sent, 0);
      // Producers run until the schedule is over (and, without faults, until --records are sent).
      const workload = producers.map(async (producer, i) => {
        for (let b = i; !(faultsDone && (schedule.length > 0 || produced() >= ctx.records)); b++) {
          const d = draws[b % draws.length]!;
          await producer.send(topic, d.partition, d.size);
          await sleep(PACE_MS);
        }
      });
      const env = {
        target: ctx.target,
        nemesis: ctx.nemesis,
        history: ctx.history,
        topic,
        partitions: PARTITIONS,
        progress: ctx.progress,
        runId: ctx.runId,
      };
      for (const step of schedule) {
        await sleep(step.waitMs);
        // Recorded once it is over (applied and healed, or skipped): the failover-faults report reads it.
        const op = ctx.history.invoke(SCENARIO_PROCESS, FAILOVER_STEP, { kind: step.kind });
        const done = await applyFailoverStep(env, step);
        op.ok(done);
      }
      faultsDone = true;
      await Promise.all(workload);
    } finally {
      faultsDone = true;
      await Promise.all(producers.map((p) => p.stop()));
    }
    try {
      await ctx.quiesce();
      // Liveness after the heal, recorded for the recovery checker: replication, then the consumers.
      const probe = ctx.history.invoke(SCENARIO_PROCESS, REPLICATION_PROBE, { topic });
      probe.ok({ topic, fullyReplicated: await waitFullyReplicated(ctx.target.nodes, topic, PARTITIONS) });
      // Both consumers should reach the end once the cluster has healed.
      const ends = await endOffsets(ctx.kafka, topic);
      const catchUp = ctx.history.invoke(SCENARIO_PROCESS, CATCH_UP, { topic, ends: Object.fromEntries(ends) });
      const caughtUp = () => assigned.caughtUp(ends) && [...ends].every(([p, end]) => subscriber.position(p) >= end);
      await waitFor(caughtUp, 60_000, () => 'consumers did not catch up').catch(() => {});
      catchUp.ok({
        topic,
        caughtUp: caughtUp(),
        ends: Object.fromEntries(ends),
        assigned: Object.fromEntries(assigned.position),
        readerErrors: Object.fromEntries(assigned.errors),
        subscriber: {
          positions: Object.fromEntries([...ends.keys()].map((p) => [p, subscriber.position(p)])),
          assignment: subscriber.assignment,
          restarts: subscriber.restarts,
          ...(subscriber.crash === undefined ? {} : { crash: subscriber.crash }),
        },
      });
    } finally {
      await assigned.stop();
      await subscriber.stop().catch(() => {});
    }
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);

    // failover-faults, recovery and assigned-reader are the failover checker's, over the ops above.
  },
};
