import fc from 'fast-check';
import { RawClient } from '../protocol/client/raw-client.ts';
import type { PartitionView } from '../harness/kafka-dist/cluster-metadata.ts';
import { describePartition, findActiveController } from '../harness/nemesis/node-roles.ts';
import { Nemesis } from '../harness/nemesis/nemesis.ts';
import type { TargetNode } from '../harness/nemesis/fault-control.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND } from '../harness/history/ops.ts';
import { ISR_OBSERVATION, type IsrObservation } from './checkers/under-min-isr.ts';
import { createReplicatedTopics, FAILOVER_TIMINGS } from './failover-faults.ts';
import { fetchOnce, produceRaw, ref } from './raw-reads.ts';
import { recordNotRun, recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

/** Replication factor and min.insync.replicas of the topic: one follower away is "under min ISR". */
const RF = 3;
const MIN_ISR = 3;
/** How long the ISR may take to shrink (replica.lag.time.max.ms plus a check) or to recover. */
const SHRINK_TIMEOUT_MS = 30_000;
const RECOVER_TIMEOUT_MS = 60_000;
/** How long a read after the recovery waits for the records to show. */
const VISIBLE_TIMEOUT_MS = 15_000;
/** max.wait.ms of the read under min ISR: time enough for a leader that does advance its high watermark to answer. */
const SHORT_READ_WAIT_MS = 1_000;
const WRITER = 'under-min-isr-writer';
const READER = 'under-min-isr-reader';
const OBSERVER = 'isr-observer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Records what `view` says of `topic`-0's committed ISR as an `isr` op (no view: an info op, the
 * nodes did not answer).
 */
function recordIsr(ctx: ScenarioContext, topic: string, view: PartitionView | undefined): IsrObservation | undefined {
  const op = ctx.history.invoke(OBSERVER, ISR_OBSERVATION, { topic, partition: 0 });
  if (!view) {
    op.info('no node answered Metadata with a leader');
    return undefined;
  }
  const obs: IsrObservation = {
    topic,
    partition: 0,
    leader: view.leaderId,
    isr: [...view.isr].sort((a, b) => a - b),
    minIsr: MIN_ISR,
  };
  op.ok(obs);
  return obs;
}

/**
 * Asks `nodes` (a paused node would only cost a timeout) for the ISR of `topic`-0 until `until`
 * holds of it or `timeoutMs` passes; only the deciding answer goes into the history. A node that
 * does not answer in time (a loaded machine) is asked again, not taken for the answer.
 */
async function waitForIsr(
  ctx: ScenarioContext,
  nodes: readonly TargetNode[],
  topic: string,
  until: (isr: readonly number[]) => boolean,
  timeoutMs: number,
): Promise<IsrObservation | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: PartitionView | undefined;
  for (;;) {
    const view = await describePartition(nodes, topic, 0, { timeoutMs: 2_000 }).catch(() => undefined);
    last = view ?? last;
    if ((view && until(view.isr)) || Date.now() > deadline) return recordIsr(ctx, topic, view ?? last);
    await sleep(200);
  }
}

/** Produces `count` records one at a time with acks=1, each a send op. */
async function writeAcks1(
  ctx: ScenarioContext,
  raw: RawClient,
  topic: string,
  phase: string,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const value = JSON.stringify({ run: ctx.runId, phase, i });
    const send = ctx.history.invoke(WRITER, SEND, { topic, partition: 0, key: null, value, acks: 1 });
    try {
      const a = await produceRaw(raw, topic, 0, [{ key: null, value }], 1);
      if (a.errorCode === 0) send.ok({ topic, partition: 0, offset: a.baseOffset, key: null, value });
      else send.fail(`Produce answered error ${a.errorCode}`, { topic, partition: 0, errorCode: a.errorCode });
    } catch (err) {
      send.info((err as Error).message);
    }
  }
}

/** One Fetch of `topic`-0 from `offset` at the leader, as a poll op; returns how many records it brought. */
async function readOnce(
  ctx: ScenarioContext,
  raw: RawClient,
  topic: string,
  offset: number,
  maxWaitMs: number,
): Promise<number> {
  // Each read starts where it chooses: a seek, so the poll-order checkers do not take a re-read for a step back.
  ctx.history.invoke(READER, 'seek', { topic, partition: 0, offset }).ok({ topic, partition: 0, offset });
  const op = ctx.history.invoke(READER, POLL, { topic, partition: 0, offset, maxWaitMs });
  try {
    const [p] = await fetchOnce(raw, topic, new Map([[0, offset]]), { maxWaitMs, minBytes: 1 });
    if (p && p.errorCode === 0) {
      op.ok({ records: p.records.map(ref), highWatermark: p.highWatermark });
      return p.records.length;
    }
    op.fail(`Fetch answered error ${p?.errorCode}`, { topic, partition: 0, errorCode: p?.errorCode ?? -1 });
  } catch (err) {
    op.info((err as Error).message);
  }
  return 0;
}

/**
 * Records why the scenario could not exercise strict min ISR: the under-min-isr-setup verdict is
 * then unknown, with the reason (the checker has no window to judge either).
 */
const unknown = (ctx: ScenarioContext, reason: string): void => recordNotRun(ctx.history, reason);

/**
 * Strict min ISR (KIP-966, Kafka 4.x): on a topic with replication factor 3 and
 * min.insync.replicas=3, one follower is paused until the ISR shrinks below min.insync.replicas
 * (one follower, not two, so the three-node controller quorum keeps its majority). Records
 * written with acks=1 meanwhile are acknowledged by the leader, but a consumer must not see them
 * (the high watermark stays) until the follower is resumed and the ISR is back at 3; then they
 * become visible. The verdict is the `under-min-isr` checker over the recorded writes, reads and
 * ISR observations (run by checkHistory, so `kconform check` reproduces it).
 */
export const underMinIsrScenario: Scenario = {
  name: 'under-min-isr',
  description:
    'acks=1 writes while the ISR is below min.insync.replicas stay invisible until it recovers (strict min ISR, KIP-966)',
  checkConfig: { acks: 1, idempotent: false, minInsyncReplicas: MIN_ISR, replicationFactor: RF },
  minBrokers: 3,
  ownFaults: true,
  timings: FAILOVER_TIMINGS,
  async run(ctx: ScenarioContext): Promise<void> {
    const nodes = ctx.target.nodes;
    recordPlan(ctx.history, { scenario: 'under-min-isr', topic: ctx.topicName('under-min-isr') });
    if (nodes.length < RF) return unknown(ctx, `needs ${RF} nodes, the target has ${nodes.length}`);
    if (!ctx.target.faults.supported.has('pause')) return unknown(ctx, 'the target cannot pause a node');
    const nemesis = ctx.nemesis ?? new Nemesis(ctx.target.faults, ctx.history);
    const ids = nodes.map((n) => n.id);
    // The paused follower is not the active controller: its pause should shrink an ISR, not move the quorum.
    const controller = await findActiveController(nodes);
    const plan = fc.sample(fc.noBias(fc.record({ victim: fc.nat(), leader: fc.nat() })), {
      seed: ctx.seed,
      numRuns: 1,
    })[0]!;
    const victims = ids.filter((id) => id !== controller);
    const victim = victims[plan.victim % victims.length]!;
    const leaders = ids.filter((id) => id !== victim);
    const leader = leaders[plan.leader % leaders.length]!;
    const replicas = [leader, ...ids.filter((id) => id !== leader && id !== victim).slice(0, RF - 2), victim];
    const topic = ctx.topicName('under-min-isr');
    const count = Math.max(1, Math.min(ctx.records, 5));
    await createReplicatedTopics(ctx.kafka, nodes, [
      {
        topic,
        replicaAssignment: [{ partition: 0, replicas }],
        configEntries: [{ name: 'min.insync.replicas', value: String(MIN_ISR) }],
      },
    ]);
    const first = await waitForIsr(ctx, nodes, topic, (isr) => isr.length === RF, SHRINK_TIMEOUT_MS);
    const leaderNode = nodes.find((n) => n.id === first?.leader);
    if (!first || !leaderNode) return unknown(ctx, `${topic} has no leader after it was created`);
    if (first.leader === victim)
      return unknown(ctx, `${topic} is led by node ${victim}, the follower meant to be paused`);
    const others = nodes.filter((n) => n.id !== victim);
    ctx.progress(
      `under-min-isr: ${topic} replicas [${replicas.join(', ')}], min.insync.replicas ${MIN_ISR}; ${count} acks=1 write(s) with node ${victim} paused, then resumed`,
    );
    const writer = await RawClient.connect(leaderNode.bootstrap, `kconform-${WRITER}`);
    const reader = await RawClient.connect(leaderNode.bootstrap, `kconform-${READER}`);
    try {
      await writeAcks1(ctx, writer, topic, 'in-sync', count);
      if (!(await nemesis.apply({ fault: 'pause', node: victim })))
        return unknown(ctx, `could not pause node ${victim}`);
      let paused = true;
      try {
        const short = await waitForIsr(ctx, others, topic, (isr) => isr.length < MIN_ISR, SHRINK_TIMEOUT_MS);
        if (!short || short.isr.length >= MIN_ISR)
          return unknown(
            ctx,
            `the ISR of ${topic} did not shrink below ${MIN_ISR} within ${SHRINK_TIMEOUT_MS} ms of pausing node ${victim}`,
          );
        const from = ctx.history.ops.filter((o) => o.process === WRITER && o.f === SEND && o.type === 'ok').length;
        await writeAcks1(ctx, writer, topic, 'under-min-isr', count);
        await readOnce(ctx, reader, topic, from, SHORT_READ_WAIT_MS);
        paused = !(await nemesis.apply({ fault: 'resume', node: victim }));
      } finally {
        if (paused) await nemesis.apply({ fault: 'resume', node: victim });
      }
      const back = await waitForIsr(ctx, nodes, topic, (isr) => isr.length >= MIN_ISR, RECOVER_TIMEOUT_MS);
      ctx.progress(`under-min-isr: ISR ${back ? `[${back.isr.join(', ')}]` : 'unknown'} after resuming node ${victim}`);
      // Reads from the start until every acknowledged record shows (or the time is up): the checker judges what they returned.
      const acked = ctx.history.ops.filter((o) => o.process === WRITER && o.f === SEND && o.type === 'ok').length;
      const deadline = Date.now() + VISIBLE_TIMEOUT_MS;
      while ((await readOnce(ctx, reader, topic, 0, 200)) < acked && Date.now() < deadline) await sleep(250);
    } finally {
      writer.close();
      reader.close();
    }
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
    // The verdict is the under-min-isr checker, which the history checkers run on every history that observes the ISR.
  },
};
