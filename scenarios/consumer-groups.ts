import fc from 'fast-check';
import type { Consumer } from 'kafkajs';
import { FINAL_READ, REPLAY_READ, POLL, SEND, type CheckResult, type RecordRef } from './checkers/index.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

/** Reads with `consumer` until `stop` says so; records each batch as a poll of `process`. */
async function consumeUntil(ctx: ScenarioContext, consumer: Consumer, topic: string, process: string, stop: (records: RecordRef[]) => boolean): Promise<RecordRef[]> {
  const seen: RecordRef[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${process}: stuck after ${seen.length} records`)), 60_000);
    consumer
      .run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
          for (const m of batch.messages) {
            if (!isRunning() || isStale() || stop(seen)) break;
            const r: RecordRef = { topic: batch.topic, partition: batch.partition, offset: Number(m.offset), key: null, value: m.value?.toString('utf8') ?? null };
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

/**
 * Consumer groups, commit then resume: member A of a group reads part of a topic, commits its
 * position twice (half way and at the end of its share) and leaves cleanly; member B joins the
 * same group and must start exactly at A's last commit — no record skipped, none read twice,
 * because nobody died before committing (Kafka promises at-least-once only across failures).
 */
export const consumerGroupsScenario: Scenario = {
  name: 'consumer-groups',
  description: 'a member commits and leaves; the next member resumes exactly at the committed offset',
  async run(ctx: ScenarioContext): Promise<CheckResult[]> {
    const topic = ctx.topicName('groups');
    const groupId = `kconform-${ctx.runId}-group`;
    const n = Math.max(20, Math.min(ctx.records, 500));
    const share = fc.sample(fc.integer({ min: 4, max: n - 4 }), { seed: ctx.seed, numRuns: 1 })[0]!;
    const admin = ctx.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < n; i += 10) {
      const values = Array.from({ length: Math.min(10, n - i) }, (_, j) => JSON.stringify({ run: ctx.runId, seq: i + j }));
      const ops = values.map((value) => ctx.history.invoke(0, SEND, { topic, partition: 0, key: null, value }));
      const meta = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition: 0 })) });
      values.forEach((value, j) => ops[j]!.ok({ topic, partition: 0, offset: Number(meta[0]!.baseOffset) + j, key: null, value } satisfies RecordRef));
    }
    await producer.disconnect();
    ctx.progress(`consumer-groups: member A reads ${share} of ${n} records, commits and leaves; member B resumes`);

    const a = ctx.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await a.connect();
    const readByA = await consumeUntil(ctx, a, topic, 'member-a', (seen) => seen.length >= share);
    const commit = async (next: number) => {
      const op = ctx.history.invoke('member-a', 'commit', { topic, partition: 0, offset: next });
      await a.commitOffsets([{ topic, partition: 0, offset: String(next) }]);
      op.ok({ topic, partition: 0, offset: next });
    };
    const last = readByA[readByA.length - 1]!.offset;
    await commit(readByA[Math.floor(readByA.length / 2)]!.offset + 1);
    await commit(last + 1);
    await a.disconnect();
    const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset;
    // B reads to the end the broker reports, not to n: a broker that lost records must not hang the run.
    const end = Number((await admin.fetchTopicOffsets(topic))[0]!.high);
    await admin.disconnect();

    const b = ctx.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await b.connect();
    const readByB = await consumeUntil(ctx, b, topic, 'member-b', (seen) => end <= last + 1 || (seen.length > 0 && seen[seen.length - 1]!.offset >= end - 1));
    await b.disconnect();
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);

    const resumedAt = readByB[0]?.offset;
    const reRead = readByB.filter((r) => r.offset <= last).length;
    const ok = resumedAt === last + 1;
    return [
      {
        checker: 'group-resume',
        valid: ok,
        summary: ok
          ? `member B resumed at offset ${resumedAt}, right after member A's last committed record`
          : `member B resumed at offset ${resumedAt} after member A committed ${last + 1} (OffsetFetch says ${committed}); ${reRead} record(s) read twice`,
        witnesses: ok ? [] : [{ committedByA: last + 1, offsetFetch: committed, resumedAt, readTwice: reRead }],
      },
    ];
  },
};
