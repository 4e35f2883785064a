import fc from 'fast-check';
import { RawClient } from '../protocol/client/raw-client.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND } from '../harness/history/ops.ts';
import { recordPlan } from './plan-ops.ts';
import { decidable, longPollAttempts, longPollProcess, PENDING_AT_MS } from './checkers/long-poll.ts';
import { LEADER_MOVED, LeaderRouter } from './leader-router.ts';
import { fetchOnce, LATEST, listOffset, produceRaw, ref } from './raw-reads.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady } from './topic-setup.ts';

/** max.wait.ms of both long polls. */
const MAX_WAIT_MS = 2000;
/** Long polls tried per case while faults disturb them (then on the healed target, AFTER_HEAL more), and the pause between tries (a killed node needs a moment to come back). */
const MAX_ATTEMPTS = 3;
const AFTER_HEAL = 2;
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

/**
 * A Fetch at the end of a partition (max.wait.ms MAX_WAIT_MS, min.bytes `minBytes`) on one
 * connection, and a Produce of one record on another after `produceAfterMs`; every step is an op
 * in the history (with its time), and the checker reads the attempt from there. Returns whether
 * it can be judged ({@link decidable}: no fault came or went, no connection failed, its record
 * known to have arrived).
 */
async function longPoll(
  ctx: ScenarioContext,
  router: LeaderRouter,
  topic: string,
  partition: number,
  minBytes: number,
  produceAfterMs: number,
  valueBytes: number,
  attempt: number,
): Promise<boolean> {
  const process = longPollProcess(partition);
  const value = JSON.stringify({ run: ctx.runId, partition, attempt, pad: 'x'.repeat(valueBytes) });
  const from = ctx.history.ops.length;
  let failed = false;
  let moved = false;
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
    // Not (or no longer) the leader: nothing to measure here; ask the cluster again.
    if (end.errorCode !== 0) throw new Error(`ListOffsets answered error ${end.errorCode}`);
    ctx.history
      .invoke(process, 'seek', { topic, partition, offset: end.offset })
      .ok({ topic, partition, offset: end.offset });
    const op = ctx.history.invoke(process, POLL, {
      topic,
      partition,
      offset: end.offset,
      maxWaitMs: MAX_WAIT_MS,
      minBytes,
    });
    const t0 = performance.now();
    let returned = false;
    const fetching = fetchOnce(fetcher, topic, new Map([[partition, end.offset]]), {
      maxWaitMs: MAX_WAIT_MS,
      minBytes,
    }).then(
      ([p]) => {
        returned = true;
        const afterMs = performance.now() - t0;
        moved = LEADER_MOVED.has(p?.errorCode ?? 0);
        if (p && p.errorCode === 0) op.ok({ records: p.records.map(ref), errorCode: 0, bytes: p.bytes, afterMs });
        else
          op.fail(`Fetch answered error ${p?.errorCode}`, { topic, partition, errorCode: p?.errorCode ?? -1, afterMs });
      },
      (err: Error) => {
        returned = true;
        op.info(err.message);
      },
    );
    await sleep(PENDING_AT_MS);
    ctx.history
      .invoke(process, 'pending-check', { topic, partition, afterMs: PENDING_AT_MS })
      .ok({ pending: !returned, afterMs: performance.now() - t0 });
    await sleep(Math.max(0, produceAfterMs - (performance.now() - t0)));
    const send = ctx.history.invoke(`${process}-producer`, SEND, { topic, partition, key: null, value });
    try {
      const a = await produceRaw(producer, topic, partition, [{ key: null, value }], -1);
      if (a.errorCode === 0) send.ok({ topic, partition, offset: a.baseOffset, key: null, value });
      else send.fail(`Produce answered error ${a.errorCode}`, { topic, partition, errorCode: a.errorCode });
    } catch (err) {
      send.info((err as Error).message);
    }
    await fetching;
  } catch {
    failed = true;
  } finally {
    fetcher?.close();
    producer?.close();
  }
  const attempts = longPollAttempts(ctx.history.ops.slice(from));
  const judged = !failed && attempts.length === 1 && decidable(attempts[0]!);
  // The leader may have moved (a failover, or one after the heal): the next attempt asks anew.
  if ((!judged || moved) && !router.single) router.forget(topic, [partition]);
  return judged;
}

/**
 * Attempts a long poll until one can be judged (without faults: the first). When the faults keep
 * disturbing it, they are ended (the run's quiesce) and it runs once more on the healed target,
 * so the verdict is decided either way.
 */
async function decidableLongPoll(
  ctx: ScenarioContext,
  router: LeaderRouter,
  topic: string,
  partition: number,
  minBytes: number,
  plan: Plan,
): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS + AFTER_HEAL; attempt++) {
    if (attempt === MAX_ATTEMPTS) await ctx.quiesce();
    else if (attempt > 0) await sleep(RETRY_AFTER_MS);
    await ctx.pace();
    if (
      await longPoll(ctx, router, topic, partition, minBytes, plan.produceAfterMs, plan.valueBytes[partition]!, attempt)
    )
      return;
  }
}

/**
 * Long polling, Kafka's pull model: a Fetch of an empty partition with max.wait.ms=2000 and
 * min.bytes=1 is held (still pending at 300 ms), a Produce arrives on another connection, and
 * the Fetch is answered soon after with the record — well before max.wait.ms. A second Fetch
 * with min.bytes larger than what arrives is answered at max.wait.ms with what there is. The
 * verdict is the checker's ({@link checkLongPoll}), over the recorded ops.
 */
export const longPollScenario: Scenario = {
  name: 'long-poll',
  description:
    'Fetch waits up to max.wait.ms, answers as soon as min.bytes are there, and at max.wait.ms with what there is',
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('long-poll');
    const plan = drawPlan(ctx.seed);
    recordPlan(ctx.history, { scenario: 'long-poll', topic });
    const router = new LeaderRouter(ctx.target.nodes, 'kconform-long-poll');
    await createTopicsReady(ctx, [{ topic, numPartitions: 2 }]);
    ctx.progress(
      `long-poll: produce ${plan.produceAfterMs} ms into a min.bytes=1 fetch, then a min.bytes=${plan.minBytes} fetch (max.wait.ms ${MAX_WAIT_MS})`,
    );
    await decidableLongPoll(ctx, router, topic, 0, 1, plan);
    await decidableLongPoll(ctx, router, topic, 1, plan.minBytes, plan);
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
    // The long-poll checker judges the recorded attempts (the plan op names the scenario).
  },
};
