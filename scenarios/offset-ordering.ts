import fc from 'fast-check';
import { Partitioners, type Producer } from 'kafkajs';
import { FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../harness/history/ops.ts';
import { RecordedConsumer, waitFor } from './group-reads.ts';
import { LEADER_MOVED, LeaderRouter } from './leader-router.ts';
import { fetchRouted, LATEST, listOffsetRouted, ref, type PartitionFetch } from './raw-reads.ts';
import { END_OFFSETS } from './checkers/scenario-plan.ts';
import { ENDS_PROCESS, type OffsetOrderingPlan } from './checkers/offset-ordering.ts';
import { recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';

const PARTITIONS = 3;
/** Few keys, so each partition gets several keys and each key many records. */
const KEYS = ['sensor-a', 'sensor-b', 'sensor-c', 'sensor-d', 'sensor-e', 'sensor-f', 'sensor-g', 'sensor-h'];
const MEMBERS = ['member-0', 'member-1'];
const MANUAL = 'manual';

/** What the seed decides: the producers and which of them sends which batch of keyed records. */
interface Plan {
  idempotent: boolean[];
  batches: { producer: number; keys: string[] }[];
}

function drawPlan(seed: number, records: number): Plan {
  const plan = fc.record({
    producers: fc.integer({ min: 2, max: 3 }),
    middle: fc.boolean(),
    batches: fc.array(
      fc.record({ producer: fc.nat(), keys: fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 8 }) }),
      { minLength: records, maxLength: records },
    ),
  });
  const p = fc.sample(plan, { seed, numRuns: 1 })[0]!;
  // Some producers idempotent, some not: the first always is, the last never is.
  const idempotent = Array.from({ length: p.producers }, (_, i) =>
    i === 0 ? true : i === p.producers - 1 ? false : p.middle,
  );
  // `records` is a budget of records, not of batches.
  const batches: Plan['batches'] = [];
  let left = records;
  for (const b of p.batches) {
    if (left <= 0) break;
    const keys = b.keys.slice(0, left);
    batches.push({ producer: b.producer % p.producers, keys });
    left -= keys.length;
  }
  return { idempotent, batches };
}

/** The partition kafkajs's Java-compatible partitioner picks for `key` (murmur2, as Kafka's clients). */
function partitionOf(topic: string, key: string): number {
  const pick = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
    offlineReplicas: [],
  }));
  return pick({ topic, partitionMetadata, message: { key, value: null } });
}

/** One producer's batches, sent one after another (acks=all), each record recorded as a send. */
async function runProducer(
  ctx: ScenarioContext,
  producer: Producer,
  process: string,
  topic: string,
  batches: { keys: string[]; seq: number }[],
): Promise<void> {
  let failures = 0;
  for (const b of batches) {
    await ctx.pace();
    const msgs = b.keys.map((key, j) => ({
      key,
      value: JSON.stringify({ run: ctx.runId, producer: process, seq: b.seq + j }),
      partition: partitionOf(topic, key),
    }));
    const ops = msgs.map((m) =>
      ctx.history.invoke(process, SEND, { topic, partition: m.partition, key: m.key, value: m.value }),
    );
    try {
      const meta = await producer.send({
        topic,
        acks: -1,
        messages: msgs.map((m) => ({ key: m.key, value: m.value })),
      });
      // Per partition, the batch's records got consecutive offsets from baseOffset, in the order sent.
      const next = new Map(meta.map((m) => [m.partition, Number(m.baseOffset)]));
      msgs.forEach((m, j) => {
        const offset = next.get(m.partition);
        if (offset === undefined) return ops[j]!.info(`the answer names no offset for partition ${m.partition}`);
        next.set(m.partition, offset + 1);
        ops[j]!.ok({ topic, partition: m.partition, offset, key: m.key, value: m.value } satisfies RecordRef);
      });
      failures = 0;
    } catch (err) {
      // Not acknowledged is not "not written": the outcome is unknown.
      for (const op of ops) op.info((err as Error).message);
      if (++failures >= 10) throw err;
    }
  }
}

/**
 * The manual reader: one raw Fetch of all partitions at a time, each from where it got to, from
 * offset 0 until `ends()` (known once the producers are done) is reached. A Fetch with no answer
 * (a node killed under faults) ends `info` and the reader goes on over a new connection; one
 * answered with an error is recorded as failed and ends the read.
 */
async function readManually(
  ctx: ScenarioContext,
  router: LeaderRouter,
  topic: string,
  ends: () => Map<number, number> | undefined,
  stopped: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const position = new Map(Array.from({ length: PARTITIONS }, (_, p) => [p, 0] as [number, number]));
  const deadline = Date.now() + timeoutMs;
  while (!stopped()) {
    const e = ends();
    if (e && [...position].every(([p, at]) => at >= (e.get(p) ?? 0))) return;
    if (Date.now() > deadline)
      throw new Error(
        `${MANUAL}: positions ${JSON.stringify([...position])} did not reach the ends within ${timeoutMs} ms`,
      );
    const op = ctx.history.invoke(MANUAL, POLL, { topic, positions: Object.fromEntries(position) });
    let got: PartitionFetch[];
    try {
      got = await fetchRouted(router, MANUAL, topic, position, { maxWaitMs: 100, minBytes: 1 });
    } catch (err) {
      op.info((err as Error).message);
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const bad = got.find((p) => p.errorCode !== 0);
    if (bad && LEADER_MOVED.has(bad.errorCode)) {
      // A leader moving (a failover) outlasted the router's retries: recorded, then read on.
      op.fail(`Fetch answered error ${bad.errorCode} for partition ${bad.partition}`, {
        topic,
        errorCode: bad.errorCode,
      });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    if (bad) {
      op.fail(`Fetch answered error ${bad.errorCode} for partition ${bad.partition}`, {
        topic,
        errorCode: bad.errorCode,
      });
      throw new Error(`${MANUAL}: Fetch answered error ${bad.errorCode} for ${topic}/${bad.partition}`);
    }
    const records = got.flatMap((p) => p.records);
    op.ok({ records: records.map(ref) });
    for (const r of records) position.set(r.partition, r.offset + 1);
  }
}

/**
 * Offset ordering: 2-3 producers (the first idempotent, the last not) send keyed records to a
 * 3-partition topic at the same time (acks=all), while two members of one consumer group and a
 * manual reader (raw Fetch of every partition) read along. Per partition, acknowledged offsets
 * must be unique and grow in each producer's send order, and every reader must see offsets
 * strictly increasing with no gap (the poll-order checker, which `assign` ops after rebalances
 * restart) — together covering every offset. Final read and replay follow.
 */
export const offsetOrderingScenario: Scenario = {
  name: 'offset-ordering',
  description:
    'concurrent producers × 3 partitions × keyed records: unique increasing offsets, consumers read them in order without gaps',
  // Some producers are not idempotent: under faults their retries may be written twice.
  checkConfig: { acks: -1, idempotent: false },
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('offset-ordering');
    const n = Math.max(30, Math.min(ctx.records, 600));
    const plan = drawPlan(ctx.seed, n);
    recordPlan(ctx.history, {
      scenario: 'offset-ordering',
      topic,
      partitions: PARTITIONS,
      idempotent: Object.fromEntries(plan.idempotent.map((idem, i) => [`producer-${i}`, idem])),
      members: MEMBERS,
      manual: MANUAL,
    } satisfies OffsetOrderingPlan);
    const router = new LeaderRouter(ctx.target.nodes, 'kconform-offset-ordering');
    const producers: Producer[] = [];
    const underFaults = (ctx.faults?.length ?? 0) > 0;
    const members = MEMBERS.map(
      (process) =>
        new RecordedConsumer({
          kafka: ctx.kafka,
          history: ctx.history,
          process,
          topic,
          groupId: `kconform-${ctx.runId}-ordering`,
          fromBeginning: true,
          restartAfterCrash: underFaults,
        }),
    );
    let ends: Map<number, number> | undefined;
    let stopped = false;
    let manual: Promise<void> | undefined;
    try {
      await createTopicsReady(ctx, [{ topic, numPartitions: PARTITIONS }]);
      ctx.progress(
        `offset-ordering: ${plan.idempotent.length} producers (idempotent: ${plan.idempotent.join(', ')}), ${n} records in ${plan.batches.length} batches, 2 group members and a manual reader`,
      );
      // Both members join before the producers start, so the steady state is a two-member group.
      for (const m of members) await m.start();
      await waitFor(
        () =>
          members.every((m) => m.assignment.length > 0) &&
          new Set(members.flatMap((m) => m.assignment)).size === PARTITIONS,
        // under faults a member may have to wait out the node's restart and a rebalance timeout (10 s)
        underFaults ? 60_000 : 20_000,
        () => `the group did not settle: assignments ${JSON.stringify(members.map((m) => m.assignment))}`,
      );
      for (const idempotent of plan.idempotent) {
        const p = ctx.kafka.producer({
          idempotent,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        producers.push(p);
        // A node may be down or restarting (faults run from the start): kafkajs gives up after a few seconds.
        await retrying('connecting a producer', () => p.connect());
      }
      manual = readManually(
        ctx,
        router,
        topic,
        () => ends,
        () => stopped,
        60_000,
      );
      // Awaited below; on an early way out, `finally` stops it and drops what it says.
      manual.catch(() => {});
      // Each producer sends its batches in plan order; the producers run side by side.
      let seq = 0;
      const work = plan.idempotent.map(() => [] as { keys: string[]; seq: number }[]);
      for (const b of plan.batches) {
        work[b.producer]!.push({ keys: b.keys, seq });
        seq += b.keys.length;
      }
      await Promise.all(producers.map((p, i) => runProducer(ctx, p, `producer-${i}`, topic, work[i]!)));
      // The readers read to where the log ends, not to what was acknowledged: unanswered sends may be in it.
      const found = new Map<number, number>();
      for (let p = 0; p < PARTITIONS; p++) {
        found.set(
          p,
          await retrying(`the end of ${topic}/${p}`, async () => {
            const a = await listOffsetRouted(router, 'ends', topic, p, LATEST);
            if (a.errorCode !== 0) throw new Error(`ListOffsets answered error ${a.errorCode}`);
            return a.offset;
          }),
        );
      }
      ends = found;
      ctx.history.invoke(ENDS_PROCESS, END_OFFSETS, { topic }).ok({ topic, ends: Object.fromEntries(found) });
      const readEnds = ends;
      await waitFor(
        () => {
          for (const m of members) m.check();
          return [...readEnds].every(([p, end]) => Math.max(...members.map((m) => m.position(p))) >= end);
        },
        30_000,
        () =>
          `the group did not reach the ends ${JSON.stringify([...readEnds])}: positions ${JSON.stringify(members.map((m) => [0, 1, 2].map((p) => m.position(p))))}`,
      );
      await manual;
    } finally {
      stopped = true;
      await manual?.catch(() => {});
      for (const m of members) await m.stop().catch(() => {});
      for (const p of producers) await p.disconnect().catch(() => {});
      router.closeAll();
    }
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
    // ack-offsets and consumer-coverage are the offset-ordering checker's, over the recorded ops.
  },
};
