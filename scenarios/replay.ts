import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import type { HistoryRecorder, Op } from '../harness/history/history.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../harness/history/ops.ts';
import { readWithGroup, RecordedConsumer, waitFor } from './group-reads.ts';
import { LeaderRouter } from './leader-router.ts';
import {
  commitGroupOffset,
  deleteRecordsBefore,
  EARLIEST,
  fetchOnce,
  LATEST,
  listOffsetRouted,
  readRange,
  type OffsetAnswer,
} from './raw-reads.ts';
import type { RereadsPlan } from './checkers/rereads.ts';
import { recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady } from './topic-setup.ts';

const OFFSET_OUT_OF_RANGE = 1;

/** What the seed decides. */
interface Plan {
  batchSizes: number[];
  /** Milliseconds between consecutive records' timestamps (0: equal timestamps). */
  gaps: number[];
  /** Offset a group commits before resuming. */
  committed: number;
  /** Offset a consumer seeks to. */
  seekTo: number;
  /** Index of the record whose timestamp ListOffsets is asked for. */
  byTime: number;
  /** DeleteRecords moves the log start here. */
  deleteBelow: number;
  /** A Fetch below the new log start asks for this offset. */
  fetchBelow: number;
  /** A group committed this offset, below the new log start, before the delete. */
  staleCommit: number;
  /** Records produced after the delete, for the auto.offset.reset=latest consumer. */
  fresh: number;
}

/**
 * The delete step of `plan` fitted to a log that ends at `end`. Under faults sends go without an
 * answer and the log may hold fewer than the n records the plan was drawn for: DeleteRecords
 * beyond the high watermark is OFFSET_OUT_OF_RANGE in Kafka, so the log start moves to at most
 * `end`, and the Fetch and the stale commit below it are drawn again below that start.
 */
export function fitDeleteToLog(
  plan: Pick<Plan, 'deleteBelow' | 'fetchBelow' | 'staleCommit'>,
  end: number,
): { deleteBelow: number; fetchBelow: number; staleCommit: number } {
  if (end <= 0 || plan.deleteBelow <= end)
    return { deleteBelow: plan.deleteBelow, fetchBelow: plan.fetchBelow, staleCommit: plan.staleCommit };
  return { deleteBelow: end, fetchBelow: plan.fetchBelow % end, staleCommit: plan.staleCommit % end };
}

function drawPlan(seed: number, n: number): Plan {
  const arb = fc
    .record({
      batchSizes: fc.array(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 30 })), {
        minLength: n,
        maxLength: n,
      }),
      gaps: fc.array(fc.constantFrom(0, 1, 1, 2, 5), { minLength: n, maxLength: n }),
      committed: fc.integer({ min: 0, max: n }),
      seekTo: fc.integer({ min: 0, max: n - 1 }),
      byTime: fc.integer({ min: 0, max: n - 1 }),
      deleteBelow: fc.integer({ min: 1, max: n - 1 }),
      below: fc.nat(),
      stale: fc.nat(),
      fresh: fc.integer({ min: 1, max: 10 }),
    })
    .map(({ below, stale, ...p }) => ({ ...p, fetchBelow: below % p.deleteBelow, staleCommit: stale % p.deleteBelow }));
  return fc.sample(arb, { seed, numRuns: 1 })[0]!;
}

/** Records one ListOffsets as an op of `process` expecting NONE; returns the answer. */
async function recordedListOffset(
  history: HistoryRecorder,
  router: LeaderRouter,
  process: string,
  topic: string,
  timestamp: bigint,
): Promise<OffsetAnswer> {
  const at = timestamp === EARLIEST ? 'earliest' : timestamp === LATEST ? 'latest' : Number(timestamp);
  const op = history.invoke(process, 'list-offsets', { topic, partition: 0, timestamp: at, expect: { errorCode: 0 } });
  const a = await listOffsetRouted(router, 'admin', topic, 0, timestamp);
  if (a.errorCode === 0) op.ok({ topic, partition: 0, ...a });
  else op.fail(`ListOffsets answered error ${a.errorCode}`, { topic, partition: 0, ...a });
  return a;
}

/** Produces `values` (with their timestamps) to partition 0, acks=all, recording each as a send. */
async function produce(
  ctx: ScenarioContext,
  producer: Producer,
  topic: string,
  values: { value: string; timestamp: number }[],
  batchSizes: readonly number[],
): Promise<void> {
  let sent = 0;
  for (let b = 0; sent < values.length; b++) {
    await ctx.pace();
    const slice = values.slice(sent, sent + (batchSizes[b % batchSizes.length] ?? 1));
    const ops = slice.map((v) =>
      ctx.history.invoke('producer', SEND, { topic, partition: 0, key: null, value: v.value, timestamp: v.timestamp }),
    );
    try {
      const meta = await producer.send({
        topic,
        acks: -1,
        messages: slice.map((v) => ({ value: v.value, timestamp: String(v.timestamp), partition: 0 })),
      });
      const base = Number(meta[0]!.baseOffset);
      slice.forEach((v, j) =>
        ops[j]!.ok({ topic, partition: 0, offset: base + j, key: null, value: v.value, timestamp: v.timestamp }),
      );
    } catch (err) {
      for (const op of ops) op.info((err as Error).message);
    }
    sent += slice.length;
  }
}

const recordsOf = (ops: readonly Op[], process: string): RecordRef[] =>
  ops
    .filter((o) => o.f === POLL && o.type === 'ok' && o.process === process)
    .flatMap((o) => (o.value as { records: RecordRef[] }).records);

/**
 * Replay: a topic read once in full (the final read) is read again from the earliest offset (raw
 * ListOffsets + Fetch), from a committed offset (a group resumes), from `seek(n)`, from the
 * offset ListOffsets gives for a timestamp, and from the beginning by a new group (the replay):
 * each must return the first read's records from its starting point, in the same order. Then
 * DeleteRecords moves the log start: a Fetch below it must answer OFFSET_OUT_OF_RANGE, ListOffsets
 * earliest the new start, a new group with auto.offset.reset=earliest (and one whose committed
 * offset fell below the start) must begin there, and a new group with latest sees only records
 * produced after it joined.
 *
 * The final read and the replay end before the delete — the records below the new start were
 * read, acknowledged and then deleted on purpose — and go on, after the latest consumer, with the
 * records produced for it, so every acknowledged write is in them exactly once.
 */
export const replayScenario: Scenario = {
  name: 'replay',
  description:
    're-reads from earliest, a committed offset, seek, a timestamp and the beginning agree; DeleteRecords and auto.offset.reset behave as in Kafka',
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('replay');
    const n = Math.max(20, Math.min(ctx.records, 400));
    const plan = drawPlan(ctx.seed, n);
    recordPlan(ctx.history, { scenario: 'replay', topic, records: n } satisfies RereadsPlan);
    const group = (name: string) => `kconform-${ctx.runId}-replay-${name}`;
    // Timestamps from now on (retention and the broker's timestamp bounds accept them), never decreasing.
    let t = Date.now();
    const values = plan.gaps.map((gap, i) => ({
      value: JSON.stringify({ run: ctx.runId, seq: i }),
      timestamp: (t += gap),
    }));
    // Raw connections open on first use, after the heal: a fault would have closed earlier ones.
    const router = new LeaderRouter(ctx.target.nodes, 'kconform-replay');
    const bootstrap = router.bootstrap;
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const commit = async (process: string, groupId: string, offset: number) => {
      const op = ctx.history.invoke(process, 'commit', {
        groupId,
        topic,
        partition: 0,
        offset,
        expect: { errorCode: 0 },
      });
      const errorCode = await commitGroupOffset(bootstrap, groupId, topic, 0, offset);
      if (errorCode === 0) op.ok({ groupId, topic, partition: 0, offset, errorCode });
      else op.fail(`OffsetCommit answered error ${errorCode}`, { groupId, topic, partition: 0, offset, errorCode });
    };
    try {
      await createTopicsReady(ctx, [{ topic, numPartitions: 1 }]);
      await producer.connect();
      ctx.progress(
        `replay: ${n} records; re-reads from earliest, committed ${plan.committed}, seek ${plan.seekTo}, timestamp of #${plan.byTime}; DeleteRecords below ${plan.deleteBelow}`,
      );
      await produce(ctx, producer, topic, values, plan.batchSizes);
      await ctx.quiesce();
      await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
      const first = recordsOf(ctx.history.ops, FINAL_READ);
      const end = first.length ? first[first.length - 1]!.offset + 1 : 0;
      const reachedEnd = (read: readonly RecordRef[]) => read.length > 0 && read[read.length - 1]!.offset >= end - 1;

      // The re-reads run side by side: they read, and must not disturb, the same log.
      const earliest = async (): Promise<void> => {
        const a = await recordedListOffset(ctx.history, router, 'from-earliest', topic, EARLIEST);
        await readRange(router, ctx.history, 'from-earliest', topic, 0, a.offset, end);
      };
      const committed = async (): Promise<void> => {
        await commit('from-committed', group('committed'), plan.committed);
        await readWithGroup({
          kafka: ctx.kafka,
          history: ctx.history,
          process: 'from-committed',
          topic,
          groupId: group('committed'),
          fromBeginning: false,
          done: (r) => plan.committed >= end || reachedEnd(r),
        });
      };
      const seek = async (): Promise<void> => {
        await readWithGroup({
          kafka: ctx.kafka,
          history: ctx.history,
          process: 'from-seek',
          topic,
          groupId: group('seek'),
          // latest: nothing is delivered before the seek takes effect
          fromBeginning: false,
          afterJoin: (c) => {
            const op = ctx.history.invoke('from-seek', 'seek', { topic, partition: 0, offset: plan.seekTo });
            c.consumer.seek({ topic, partition: 0, offset: String(plan.seekTo) });
            op.ok({ topic, partition: 0, offset: plan.seekTo });
          },
          done: reachedEnd,
        });
      };
      const byTimestamp = async (): Promise<void> => {
        const ts = values[plan.byTime]!.timestamp;
        const a = await recordedListOffset(ctx.history, router, 'by-timestamp', topic, BigInt(ts));
        // The checker expects the first record whose timestamp is at or after ts (from the sends' timestamps).
        if (a.errorCode === 0 && a.offset >= 0)
          await readRange(router, ctx.history, 'by-timestamp', topic, 0, a.offset, end);
      };
      const again = async (): Promise<void> => {
        await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
      };
      await Promise.all([earliest(), committed(), seek(), byTimestamp(), again()]);

      // DeleteRecords moves the log start up; what is below it is gone for every reader.
      const { deleteBelow: d, fetchBelow, staleCommit } = fitDeleteToLog(plan, end);
      await commit('stale-commit', group('stale'), staleCommit);
      const del = ctx.history.invoke('admin', 'delete-records', {
        topic,
        partition: 0,
        offset: d,
        expect: { errorCode: 0 },
      });
      const deleted = await router.call(
        'admin',
        topic,
        0,
        (raw) => deleteRecordsBefore(raw, topic, 0, d),
        (a) => a.errorCode,
      );
      if (deleted.errorCode === 0) del.ok({ topic, partition: 0, ...deleted });
      else del.fail(`DeleteRecords answered error ${deleted.errorCode}`, { topic, partition: 0, ...deleted });
      const below = ctx.history.invoke('below-start', 'fetch', {
        topic,
        partition: 0,
        offset: fetchBelow,
        expect: { errorCode: OFFSET_OUT_OF_RANGE },
      });
      const [b] = await router.call(
        'admin',
        topic,
        0,
        (raw) => fetchOnce(raw, topic, new Map([[0, fetchBelow]])),
        (a) => a[0]?.errorCode ?? -1,
      );
      // The answer's high watermark and log start are kept: Kafka sends -1 for both with this error.
      const belowAnswer = {
        topic,
        partition: 0,
        errorCode: b?.errorCode ?? -1,
        highWatermark: b?.highWatermark ?? -1,
        logStartOffset: b?.logStartOffset ?? -1,
        records: b?.records.length ?? 0,
      };
      if (belowAnswer.errorCode === 0) below.ok(belowAnswer);
      else below.fail(`Fetch answered error ${belowAnswer.errorCode}`, belowAnswer);
      // The log-start checker compares these answers with the start DeleteRecords set.
      await recordedListOffset(ctx.history, router, 'admin', topic, EARLIEST);
      await recordedListOffset(ctx.history, router, 'admin', topic, LATEST);

      // auto.offset.reset: earliest starts at the new log start, also for a group whose committed
      // offset fell below it (the Fetch answers OFFSET_OUT_OF_RANGE and the consumer resets).
      const fromStart = (process: string, name: string) =>
        readWithGroup({
          kafka: ctx.kafka,
          history: ctx.history,
          process,
          topic,
          groupId: group(name),
          fromBeginning: true,
          done: reachedEnd,
        });
      await Promise.all([fromStart('earliest-after-delete', 'earliest'), fromStart('stale-commit', 'stale')]);

      // latest: the member's position is resolved by its first fetch; only then are new records produced.
      const latest = new RecordedConsumer({
        kafka: ctx.kafka,
        history: ctx.history,
        process: 'latest-after-delete',
        topic,
        groupId: group('latest'),
        fromBeginning: false,
      });
      const freshValues = Array.from({ length: plan.fresh }, (_, i) => ({
        value: JSON.stringify({ run: ctx.runId, fresh: i }),
        timestamp: Date.now(),
      }));
      try {
        await latest.start();
        await waitFor(
          () => {
            latest.check();
            return latest.fetched;
          },
          15_000,
          () => 'latest-after-delete: no fetch within 15 s of joining',
        );
        await produce(ctx, producer, topic, freshValues, [plan.fresh]);
        await waitFor(
          () => {
            latest.check();
            return latest.read.length >= plan.fresh;
          },
          15_000,
          () => `latest-after-delete: ${latest.read.length} of ${plan.fresh} new records after 15 s`,
        );
      } finally {
        await latest.stop();
      }

      // The final read and the replay go on with what was produced after them.
      const newEnd = (await recordedListOffset(ctx.history, router, 'admin', topic, LATEST)).offset;
      await readRange(router, ctx.history, FINAL_READ, topic, 0, end, newEnd);
      await readRange(router, ctx.history, REPLAY_READ, topic, 0, end, newEnd);
    } finally {
      await producer.disconnect().catch(() => {});
      router.closeAll();
    }
    // replay-positions, log-start and auto-offset-reset are the rereads checker's, over the ops above.
  },
};
