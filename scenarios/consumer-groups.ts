import fc from 'fast-check';
import type { Consumer, Producer } from 'kafkajs';
import { FINAL_READ, REPLAY_READ, POLL, SEND, type RecordRef } from '../harness/history/ops.ts';
import { SCENARIO_PROCESS } from './checkers/scenario-plan.ts';
import { MEMBER_A, MEMBER_B, OFFSET_FETCH } from './checkers/group-resume.ts';
import { recordEndOffsets, recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

/** Reads with `consumer` until `stop` says so; records each batch as a poll of `process`. */
async function consumeUntil(
  ctx: ScenarioContext,
  consumer: Consumer,
  topic: string,
  process: string,
  stop: (records: RecordRef[]) => boolean,
): Promise<RecordRef[]> {
  const seen: RecordRef[] = [];
  await retrying(`${process}: subscribing`, () => consumer.subscribe({ topic, fromBeginning: true }));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${process}: stuck after ${seen.length} records`)), 60_000);
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
          for (const m of batch.messages) {
            if (!isRunning() || isStale() || stop(seen)) break;
            const r: RecordRef = {
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              key: null,
              value: m.value?.toString('utf8') ?? null,
            };
            seen.push(r);
            ctx.history.invoke(process, POLL, { topic, partition: batch.partition }).ok({ records: [r] });
            resolveOffset(m.offset);
          }
          if (stop(seen)) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  return seen;
}

/** How long sends may fail in a row (a node down under faults) before the scenario gives up. */
const SEND_OUTAGE_MS = 60_000;

/**
 * Produces fresh records (batches of up to 10) until `n` are acknowledged. A send without an
 * answer ends `info` (it may be stored) and is not resent — a resend could store it twice — so
 * under faults the topic holds at least `n` records and member A's share always fits.
 */
async function produceAcknowledged(ctx: ScenarioContext, producer: Producer, topic: string, n: number): Promise<void> {
  let failingSince: number | undefined;
  for (let acked = 0, seq = 0; acked < n; ) {
    const values = Array.from({ length: Math.min(10, n - acked) }, () =>
      JSON.stringify({ run: ctx.runId, seq: seq++ }),
    );
    await ctx.pace();
    const ops = values.map((value) => ctx.history.invoke(0, SEND, { topic, partition: 0, key: null, value }));
    try {
      const meta = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition: 0 })) });
      values.forEach((value, j) =>
        ops[j]!.ok({
          topic,
          partition: 0,
          offset: Number(meta[0]!.baseOffset) + j,
          key: null,
          value,
        } satisfies RecordRef),
      );
      acked += values.length;
      failingSince = undefined;
    } catch (err) {
      for (const op of ops) op.info((err as Error).message);
      failingSince ??= Date.now();
      if (Date.now() - failingSince > SEND_OUTAGE_MS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * Consumer groups, commit then resume: member A of a group reads part of a topic, commits its
 * position twice (half way and at the end of its share), processes a few more records and dies
 * before committing them; member B joins the same group and must start exactly at A's last
 * commit. B reads again exactly the records A processed but never committed — the duplicates
 * Kafka's at-least-once delivery allows after a member dies — and nothing A had committed, and
 * skips nothing.
 */
export const consumerGroupsScenario: Scenario = {
  name: 'consumer-groups',
  description:
    'a member commits, processes more and dies; the next member resumes exactly at the commit and redelivers only the uncommitted records',
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('groups');
    const groupId = `kconform-${ctx.runId}-group`;
    const n = Math.max(20, Math.min(ctx.records, 500));
    const share = fc.sample(fc.integer({ min: 4, max: n - 4 }), { seed: ctx.seed, numRuns: 1 })[0]!;
    // records A processes after its last commit, then dies: Kafka redelivers exactly these to B
    const extra = Math.min(
      fc.sample(fc.integer({ min: 1, max: 20 }), { seed: ctx.seed + 1, numRuns: 1 })[0]!,
      n - share - 1,
    );
    recordPlan(ctx.history, { scenario: 'consumer-groups', topic, records: n, share, extra });
    // Faults run from the start: setup meets nodes that are down or restarting, so it retries.
    await createTopicsReady(ctx, [{ topic, numPartitions: 1 }]);
    const admin = ctx.kafka.admin();
    await retrying('connecting the admin client', () => admin.connect());
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await retrying('connecting the producer', () => producer.connect());
    await produceAcknowledged(ctx, producer, topic, n);
    await producer.disconnect().catch(() => {});
    // A broker that lost acknowledged records holds fewer than A is to read: A would wait its whole
    // 60 s for records that cannot come. The final read shows the loss; the group part needs them.
    const ends = await recordEndOffsets(ctx.history, SCENARIO_PROCESS, topic, () =>
      retrying(
        `the end of ${topic}`,
        async () => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])),
      ),
    );
    const held = ends.get(0) ?? 0;
    if (held < share + extra) {
      await admin.disconnect();
      ctx.progress(
        `consumer-groups: the topic holds ${held} of the ${n} acknowledged records, fewer than the ${share + extra} member A reads; the group part is skipped`,
      );
      await ctx.quiesce();
      await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
      await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
      // The checker finds no commit and says why from the plan and the end offsets.
      return;
    }
    ctx.progress(
      `consumer-groups: member A reads ${share + extra} of ${n} records, commits the first ${share} and dies; member B resumes`,
    );

    const a = ctx.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await retrying('connecting member a', () => a.connect());
    // a consumer left running after a failure would keep retrying for ever: always disconnect
    const readByA = await consumeUntil(ctx, a, topic, MEMBER_A, (seen) => seen.length >= share + extra).catch(
      async (err: unknown) => {
        await a.disconnect();
        throw err;
      },
    );
    const commit = async (next: number) => {
      const op = ctx.history.invoke(MEMBER_A, 'commit', { topic, partition: 0, offset: next });
      // Committing the same offset again is harmless: a commit without an answer is simply sent again.
      await retrying(`member-a committing ${next}`, () =>
        a.commitOffsets([{ topic, partition: 0, offset: String(next) }]),
      ).catch(async (err: unknown) => {
        op.info((err as Error).message);
        await a.disconnect();
        throw err;
      });
      op.ok({ topic, partition: 0, offset: next });
    };
    const last = readByA[share - 1]!.offset;
    await commit(readByA[Math.floor(share / 2)]!.offset + 1);
    await commit(last + 1);
    // A "dies": it leaves without committing the records it processed after `last`
    await a.disconnect();
    // What OffsetFetch answers now is a witness for the checker, not a verdict.
    const fetchOp = ctx.history.invoke('admin', OFFSET_FETCH, { groupId, topic, partition: 0 });
    await retrying('fetching the committed offset', async () =>
      Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset),
    ).then(
      (offset) => fetchOp.ok({ groupId, topic, partition: 0, offset }),
      (err: Error) => fetchOp.info(err.message),
    );
    // B reads to the end the broker reports, not to n: a broker that lost records must not hang the run.
    const end = await retrying(`the end of ${topic}`, async () =>
      Number((await admin.fetchTopicOffsets(topic))[0]!.high),
    );
    await admin.disconnect().catch(() => {});

    const b = ctx.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await retrying('connecting member b', () => b.connect());
    try {
      await consumeUntil(
        ctx,
        b,
        topic,
        MEMBER_B,
        (seen) => end <= last + 1 || (seen.length > 0 && seen[seen.length - 1]!.offset >= end - 1),
      );
    } finally {
      await b.disconnect();
    }
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);

    // The verdicts are the group-resume checker's, over the recorded reads and commits.
  },
};
