import fc from 'fast-check';
import { RawClient } from '../protocol/client/raw-client.ts';
import { NEMESIS } from '../harness/nemesis/nemesis.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND, type CheckResult } from './checkers/index.ts';
import { LEADER_MOVED, LeaderRouter } from './leader-router.ts';
import { fetchOnce, LATEST, listOffset, produceRaw, ref, type PartitionFetch } from './raw-reads.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady } from './topic-setup.ts';

/** max.wait.ms of both long polls. */
const MAX_WAIT_MS = 2000;
/** When the first fetch must still be pending. */
const PENDING_AT_MS = 300;
/** Wide margins, so a slow machine does not make the check flaky. */
const EARLY_RETURN_LIMIT_MS = 1500;
const LATE_RETURN_FLOOR_MS = MAX_WAIT_MS * 0.75;
const LATE_RETURN_CEILING_MS = MAX_WAIT_MS + 3000;
/** Long polls tried per case while faults disturb them, and the pause between tries (a killed node needs a moment to come back). */
const MAX_ATTEMPTS = 3;
const RETRY_AFTER_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the seed decides. */
interface Plan {
  /** How long after the fetch starts the producer sends (at least PENDING_AT_MS). */
  produceAfterMs: number;
  /** Sizes of the two records' values. */
  valueBytes: [number, number];
  /** min.bytes of the second fetch: more than its record will bring. */
  minBytes: number;
}

function drawPlan(seed: number): Plan {
  const arb = fc.record({
    produceAfterMs: fc.integer({ min: PENDING_AT_MS + 50, max: PENDING_AT_MS + 300 }),
    valueBytes: fc.tuple(fc.integer({ min: 10, max: 400 }), fc.integer({ min: 10, max: 400 })),
    minBytes: fc.integer({ min: 16 * 1024, max: 256 * 1024 }),
  });
  return fc.sample(arb, { seed, numRuns: 1 })[0]!;
}

/** One long poll: its times (ms since it started) and what it returned. */
interface LongPoll {
  partition: number;
  minBytes: number;
  /** Still unanswered when checked at PENDING_AT_MS. */
  pendingAtCheck: boolean;
  producedAfterMs: number;
  ackedAfterMs: number;
  returnedAfterMs: number;
  value: string;
  answer: PartitionFetch | undefined;
  error?: string;
  /** A fault came or went during it, or a connection failed: its times prove nothing. */
  disturbed: boolean;
}

/**
 * A Fetch at the end of a partition (max.wait.ms MAX_WAIT_MS, min.bytes `minBytes`) on one
 * connection, and a Produce of one record on another after `produceAfterMs`; every step is an op
 * in the history, so its times are there too. `disturbed` when a fault came or went meanwhile
 * (or a connection failed): then its times say nothing about the broker.
 */
async function longPoll(ctx: ScenarioContext, router: LeaderRouter, topic: string, partition: number, minBytes: number, produceAfterMs: number, valueBytes: number, attempt: number): Promise<LongPoll> {
  const process = `long-poll-${partition}`;
  const value = JSON.stringify({ run: ctx.runId, partition, attempt, pad: 'x'.repeat(valueBytes) });
  const from = ctx.history.ops.length;
  const disturbed = () => ctx.history.ops.slice(from).some((o) => o.process === NEMESIS);
  const result: LongPoll = { partition, minBytes, pendingAtCheck: false, producedAfterMs: NaN, ackedAfterMs: NaN, returnedAfterMs: NaN, value, answer: undefined, disturbed: false };
  // A broker answers one connection's requests in order: a held Fetch would hold the Produce too.
  let fetcher: RawClient | undefined;
  let producer: RawClient | undefined;
  try {
    // Both to the partition's leader (on a cluster, the first node leads only some partitions).
    const leader = await router.leaderOf(topic, partition);
    fetcher = await RawClient.connect(leader, `kconform-${process}`);
    producer = await RawClient.connect(leader, `kconform-${process}-producer`);
    // Earlier attempts left records: the partition is empty from its end on.
    const end = await listOffset(fetcher, topic, partition, LATEST);
    ctx.history.invoke(process, 'seek', { topic, partition, offset: end.offset }).ok({ topic, partition, offset: end.offset });
    const op = ctx.history.invoke(process, POLL, { topic, partition, offset: end.offset, maxWaitMs: MAX_WAIT_MS, minBytes });
    const t0 = performance.now();
    const fetching = fetchOnce(fetcher, topic, new Map([[partition, end.offset]]), { maxWaitMs: MAX_WAIT_MS, minBytes }).then(
      ([p]) => {
        result.returnedAfterMs = performance.now() - t0;
        result.answer = p;
        if (p && p.errorCode === 0) op.ok({ records: p.records.map(ref), errorCode: 0, bytes: p.bytes, afterMs: result.returnedAfterMs });
        else op.fail(`Fetch answered error ${p?.errorCode}`, { topic, partition, errorCode: p?.errorCode ?? -1 });
      },
      (err: Error) => {
        result.returnedAfterMs = performance.now() - t0;
        result.error = err.message;
        op.info(err.message);
      },
    );
    await sleep(PENDING_AT_MS);
    result.pendingAtCheck = Number.isNaN(result.returnedAfterMs);
    ctx.history.invoke(process, 'pending-check', { topic, partition, afterMs: PENDING_AT_MS }).ok({ pending: result.pendingAtCheck, afterMs: performance.now() - t0 });
    await sleep(Math.max(0, produceAfterMs - (performance.now() - t0)));
    result.producedAfterMs = performance.now() - t0;
    const send = ctx.history.invoke(`${process}-producer`, SEND, { topic, partition, key: null, value });
    try {
      const a = await produceRaw(producer, topic, partition, [{ key: null, value }], -1);
      result.ackedAfterMs = performance.now() - t0;
      if (a.errorCode === 0) send.ok({ topic, partition, offset: a.baseOffset, key: null, value });
      else send.fail(`Produce answered error ${a.errorCode}`, { topic, partition, errorCode: a.errorCode });
    } catch (err) {
      send.info((err as Error).message);
    }
    await fetching;
  } catch (err) {
    result.error ??= (err as Error).message;
  } finally {
    fetcher?.close();
    producer?.close();
  }
  // A moved leader (a failover) answers for another node's log: its times say nothing either; ask again.
  const moved = !router.single && LEADER_MOVED.has(result.answer?.errorCode ?? 0);
  if (moved) router.forget(topic, [partition]);
  result.disturbed = disturbed() || result.error !== undefined || moved;
  return result;
}

/**
 * Attempts a long poll until one runs undisturbed by faults (without faults: the first). When the
 * faults keep disturbing it, they are ended (the run's quiesce) and it runs once more on the
 * healed target, so the verdict is decided either way.
 */
async function undisturbedLongPoll(ctx: ScenarioContext, router: LeaderRouter, topic: string, partition: number, minBytes: number, plan: Plan): Promise<LongPoll> {
  let last: LongPoll | undefined;
  for (let attempt = 0; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt === MAX_ATTEMPTS) await ctx.quiesce();
    else if (attempt > 0) await sleep(RETRY_AFTER_MS);
    await ctx.pace();
    last = await longPoll(ctx, router, topic, partition, minBytes, plan.produceAfterMs, plan.valueBytes[partition]!, attempt);
    if (!last.disturbed) break;
  }
  return last!;
}

const round = (ms: number) => Math.round(ms);

/** The measured times of a long poll, as a witness. */
function times(p: LongPoll): Record<string, unknown> {
  return {
    partition: p.partition,
    maxWaitMs: MAX_WAIT_MS,
    minBytes: p.minBytes,
    pendingAt300ms: p.pendingAtCheck,
    producedAtMs: round(p.producedAfterMs),
    ackedAtMs: round(p.ackedAfterMs),
    returnedAtMs: round(p.returnedAfterMs),
    returnedAfterProduceMs: round(p.returnedAfterMs - p.producedAfterMs),
    bytesReturned: p.answer?.bytes ?? null,
    records: p.answer?.records.length ?? null,
    error: p.error ?? p.answer?.errorCode ?? null,
  };
}

function judge(early: LongPoll, late: LongPoll): CheckResult {
  const problems: string[] = [];
  const holds = (p: LongPoll) => p.answer?.errorCode === 0 && p.answer.records.some((r) => r.value === p.value);
  if (early.disturbed || late.disturbed) {
    const why = early.error ?? late.error ?? 'faults came or went during it';
    return { checker: 'long-poll', valid: 'unknown', summary: `no long poll ran undisturbed, even after the faults ended (${why})`, witnesses: [times(early), times(late)] };
  }
  if (!early.pendingAtCheck) problems.push(`the min.bytes=1 fetch of an empty partition was answered before ${PENDING_AT_MS} ms`);
  if (!holds(early)) problems.push('the min.bytes=1 fetch did not return the record produced while it waited');
  if (!(early.returnedAfterMs - early.producedAfterMs < EARLY_RETURN_LIMIT_MS)) problems.push(`the min.bytes=1 fetch returned ${round(early.returnedAfterMs - early.producedAfterMs)} ms after the produce (limit ${EARLY_RETURN_LIMIT_MS} ms)`);
  if (!late.pendingAtCheck) problems.push(`the min.bytes=${late.minBytes} fetch was answered before ${PENDING_AT_MS} ms`);
  if (!(late.returnedAfterMs >= LATE_RETURN_FLOOR_MS && late.returnedAfterMs <= LATE_RETURN_CEILING_MS)) {
    problems.push(`the min.bytes=${late.minBytes} fetch returned after ${round(late.returnedAfterMs)} ms, not at max.wait.ms (${MAX_WAIT_MS} ms; accepted ${LATE_RETURN_FLOOR_MS}-${LATE_RETURN_CEILING_MS})`);
  }
  if (!holds(late)) problems.push(`the min.bytes=${late.minBytes} fetch did not return, at max.wait.ms, the record that had arrived`);
  return {
    checker: 'long-poll',
    valid: problems.length === 0,
    summary:
      problems.length === 0
        ? `min.bytes=1: pending at ${PENDING_AT_MS} ms, answered ${round(early.returnedAfterMs - early.producedAfterMs)} ms after the produce; min.bytes=${late.minBytes}: answered at ${round(late.returnedAfterMs)} ms (max.wait.ms ${MAX_WAIT_MS}) with the record there was`
        : problems.join('; '),
    witnesses: [times(early), times(late)],
    count: problems.length,
  };
}

/**
 * Long polling, Kafka's pull model: a Fetch of an empty partition with max.wait.ms=2000 and
 * min.bytes=1 is held (still pending at 300 ms), a Produce arrives on another connection, and
 * the Fetch is answered soon after with the record — well before max.wait.ms. A second Fetch
 * with min.bytes larger than what arrives is answered at max.wait.ms with what there is.
 */
export const longPollScenario: Scenario = {
  name: 'long-poll',
  description: 'Fetch waits up to max.wait.ms, answers as soon as min.bytes are there, and at max.wait.ms with what there is',
  async run(ctx: ScenarioContext): Promise<CheckResult[]> {
    const topic = ctx.topicName('long-poll');
    const plan = drawPlan(ctx.seed);
    const router = new LeaderRouter(ctx.target.nodes, 'kconform-long-poll');
    await createTopicsReady(ctx, [{ topic, numPartitions: 2 }]);
    ctx.progress(`long-poll: produce ${plan.produceAfterMs} ms into a min.bytes=1 fetch, then a min.bytes=${plan.minBytes} fetch (max.wait.ms ${MAX_WAIT_MS})`);
    const early = await undisturbedLongPoll(ctx, router, topic, 0, 1, plan);
    const late = await undisturbedLongPoll(ctx, router, topic, 1, plan.minBytes, plan);
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
    return [judge(early, late)];
  },
};
