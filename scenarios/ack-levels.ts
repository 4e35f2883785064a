import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import { RawClient } from '../protocol/client/raw-client.ts';
import { produceBody } from '../harness/drivers/request-bodies.ts';
import { encodeRequest } from '../protocol/messages/frames.ts';
import { buildRecordBatch } from '../protocol/records/batch-builder.ts';
import { FINAL_READ, REPLAY_READ, SEND } from '../harness/history/ops.ts';
import {
  ACKS0_PROBE,
  ackProcess,
  MIN_ISR_PROCESS,
  NOT_ENOUGH_REPLICAS,
  type AckLevelsPlan,
  type MinIsrCap,
} from './checkers/ack-levels.ts';
import { recordPlan } from './plan-ops.ts';
import { LeaderRouter } from './leader-router.ts';
import { LATEST, listOffset, listOffsetRouted, produceRouted, RAW_VERSIONS, readRange } from './raw-reads.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';
import { atLeast, parseKafkaVersion } from '../harness/kafka-dist/kafka-version.ts';
import { kindOf, type TargetSpec } from '../harness/targets/target-spec.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';

type Acks = 0 | 1 | -1;
type Driver = 'raw' | 'kafkajs';

/** One step of the workload: a batch of `size` records sent with `acks` through `driver`. */
interface Step {
  acks: Acks;
  driver: Driver;
  size: number;
}

/** The history's process for a level and driver; acks=0 always goes raw (no answer to wait for). */
const processOf = ackProcess;

/** How long the acks=0 probe waits for an answer that must not come. */
const NO_RESPONSE_WAIT_MS = 500;
/** A correlation id no other request on the probe's own connection uses. */
const PROBE_CORRELATION_ID = 0x4b43;

function drawSteps(seed: number, records: number): Step[] {
  const step = fc.record({
    acks: fc.constantFrom<Acks>(0, 1, -1),
    driver: fc.constantFrom<Driver>('raw', 'kafkajs'),
    size: fc.integer({ min: 1, max: 5 }),
  });
  const drawn = fc.sample(fc.array(step, { minLength: records, maxLength: records }), { seed, numRuns: 1 })[0]!;
  const steps: Step[] = [];
  let left = records;
  for (const s of drawn) {
    if (left <= 0) break;
    steps.push({ ...s, size: Math.min(s.size, left) });
    left -= s.size;
  }
  // Every level appears at least once, whatever the draw.
  for (const acks of [0, 1, -1] as const)
    if (!steps.some((s) => s.acks === acks)) steps.push({ acks, driver: 'raw', size: 1 });
  return steps;
}

/** The drivers of the run: one raw connection per process (to the partition's leader), a kafkajs producer per acks level. */
interface Drivers {
  raw: LeaderRouter;
  acks1: Producer;
  acksAll: Producer;
}

/** Sends one step's records and records each send; acks=0 sends end `info` (no answer, by definition). */
async function send(ctx: ScenarioContext, d: Drivers, topic: string, step: Step, values: string[]): Promise<void> {
  const process = processOf(step.acks, step.driver);
  const key = `acks=${step.acks}`;
  const ops = values.map((value) =>
    ctx.history.invoke(process, SEND, { topic, partition: 0, key, value, acks: step.acks }),
  );
  const started = performance.now();
  try {
    if (step.acks === 0) {
      // The sync below must ride the same connection, to the same node.
      const raw = await d.raw.leaderConnection(process, topic, 0);
      await raw.sendNoResponse(
        ApiKey.Produce,
        produceBody(topic, buildRecordBatch(values.map((value) => ({ key, value }))), { acks: 0 }),
        { versions: RAW_VERSIONS.produce },
      );
      for (const op of ops.splice(0)) op.info('acks=0: the broker sends no answer, so the outcome is unknown');
      // A broker handles one connection's requests in order, so once this ListOffsets is answered
      // the batch is in (or lost): the next send cannot overtake it, and offsets stay the seed's.
      const sync = ctx.history.invoke(process, 'list-offsets', {
        topic,
        partition: 0,
        timestamp: 'latest',
        expect: { errorCode: 0 },
      });
      await listOffset(raw, topic, 0, LATEST).then(
        (a) =>
          a.errorCode === 0
            ? sync.ok({ topic, partition: 0, errorCode: 0, offset: a.offset })
            : sync.fail(`ListOffsets answered error ${a.errorCode}`, { topic, partition: 0, errorCode: a.errorCode }),
        (err: Error) => sync.info(err.message),
      );
      return;
    }
    let baseOffset: number;
    if (step.driver === 'raw') {
      const a = await produceRouted(
        d.raw,
        process,
        topic,
        0,
        values.map((value) => ({ key, value })),
        step.acks,
      );
      if (a.errorCode !== 0) {
        for (const op of ops)
          op.fail(`Produce answered error ${a.errorCode}`, {
            topic,
            partition: 0,
            key,
            acks: step.acks,
            errorCode: a.errorCode,
            offset: a.baseOffset,
          });
        return;
      }
      baseOffset = a.baseOffset;
    } else {
      const producer = step.acks === 1 ? d.acks1 : d.acksAll;
      const meta = await producer.send({
        topic,
        acks: step.acks,
        messages: values.map((value) => ({ key, value, partition: 0 })),
      });
      baseOffset = Number(meta[0]!.baseOffset);
    }
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    values.forEach((value, j) =>
      ops[j]!.ok({ topic, partition: 0, offset: baseOffset + j, key, value, acks: step.acks, errorCode: 0, ms }),
    );
  } catch (err) {
    // No answer (or kafkajs gave up): not acknowledged, yet maybe written.
    for (const op of ops) op.info((err as Error).message);
  }
}

/**
 * Sends one more acks=0 Produce on a connection of its own and waits for an answer with its
 * correlation id: Kafka sends none (the protocol says so), so hearing one is the anomaly.
 */
async function probeNoResponse(
  ctx: ScenarioContext,
  bootstrap: string,
  topic: string,
): Promise<{ answered: boolean; detail: string }> {
  const value = JSON.stringify({ run: ctx.runId, probe: 'acks=0' });
  const op = ctx.history.invoke(ACKS0_PROBE, SEND, { topic, partition: 0, key: 'acks=0', value, acks: 0 });
  const probe = await RawClient.connect(bootstrap, 'kconform-acks0-probe');
  try {
    const body = produceBody(topic, buildRecordBatch([{ key: 'acks=0', value }]), { acks: 0 });
    const apiVersion = await probe.negotiate(0, RAW_VERSIONS.produce);
    const frame = encodeRequest(
      { apiKey: 0, apiVersion, correlationId: PROBE_CORRELATION_ID, clientId: probe.clientId },
      body,
    );
    const answer = await probe
      .sendRaw(frame, { correlationId: PROBE_CORRELATION_ID, apiKey: 0, apiVersion }, NO_RESPONSE_WAIT_MS)
      .then(
        (res) => ({
          answered: true,
          detail: `answered: ${JSON.stringify(res, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))}`,
        }),
        // Only a response frame is an answer. No answer in time is what Kafka does, and so is a
        // closed connection: Kafka closes it when an acks=0 Produce fails (it cannot send the error
        // back), e.g. NOT_LEADER_OR_FOLLOWER after the leader moved. Counting a close as an answer
        // was a false alarm on kafka@4.4.0 --brokers 3 --faults (seed 11).
        (err: Error) => ({ answered: false, detail: err.message }),
      );
    op.info(`acks=0 probe: ${answer.answered ? 'the broker answered' : `no answer within ${NO_RESPONSE_WAIT_MS} ms`}`, {
      topic,
      partition: 0,
      key: 'acks=0',
      value,
      acks: 0,
      answered: answer.answered,
      detail: answer.detail,
    });
    // A broker handles one connection's requests in order: once this is answered, the probe is in the log.
    if (!probe.closed) await listOffset(probe, topic, 0, LATEST);
    return answer;
  } finally {
    probe.close();
  }
}

/**
 * Whether the target caps min.insync.replicas at the replica count, as Kafka does since 3.7
 * (KAFKA-15583 added `Partition.effectiveMinIsr`; 2.7.0's Partition class has no such cap and
 * answers acks=all with NOT_ENOUGH_REPLICAS). Where the target's kind knows the release it
 * follows (kafka@VERSION, an image tagged with a version, the reference broker: the oracle's)
 * it expects that release's answer; a broker whose release it cannot know (external@) may
 * behave as either generation of Kafka.
 */
export function minIsrCap(spec: TargetSpec): MinIsrCap {
  const release = kindOf(spec).kafkaRelease(spec);
  if (!release) return 'either';
  try {
    return atLeast(parseKafkaVersion(release), 3, 7) ? 'capped' : 'uncapped';
  } catch {
    return 'either';
  }
}

/**
 * min.insync.replicas above the replica count. Kafka 3.7+ caps it at the partition's replica
 * count (`Partition.effectiveMinIsr` = min(min.insync.replicas, replicas), in 3.9.2, 4.3.1 and
 * 4.4.0), so a one-replica topic with min.insync.replicas=2 accepts acks=all: no
 * NOT_ENOUGH_REPLICAS (19). Before 3.7 (2.7.0) acks=all gets NOT_ENOUGH_REPLICAS, and acks=1
 * succeeds either way. Otherwise that error needs an ISR smaller than min.insync.replicas ≤
 * replicas, i.e. a replicated topic with followers out of sync — the replication scenarios' business.
 */
async function minInsyncReplicas(
  ctx: ScenarioContext,
  router: LeaderRouter,
  topic: string,
  cap: MinIsrCap,
): Promise<void> {
  // acks=all on an unknown release: recorded with no expected code, judged by the checker against both generations.
  const expected = (acks: 1 | -1) => (acks === -1 && cap === 'uncapped' ? NOT_ENOUGH_REPLICAS : 0);
  for (const acks of [1, -1] as const) {
    const process = MIN_ISR_PROCESS[acks];
    const key = `acks=${acks}`;
    const value = JSON.stringify({ run: ctx.runId, minIsr: acks });
    const expect = acks === -1 && cap === 'either' ? {} : { expect: { errorCode: expected(acks) } };
    const op = ctx.history.invoke(process, SEND, { topic, partition: 0, key, value, acks, ...expect });
    try {
      const a = await produceRouted(router, 'acksall-raw', topic, 0, [{ key, value }], acks);
      if (a.errorCode === 0) op.ok({ topic, partition: 0, offset: a.baseOffset, key, value, acks, errorCode: 0 });
      else
        op.fail(`Produce answered error ${a.errorCode}: ${a.errorMessage ?? ''}`, {
          topic,
          partition: 0,
          key,
          value,
          acks,
          errorCode: a.errorCode,
          offset: a.baseOffset,
          errorMessage: a.errorMessage ?? null,
        });
    } catch (err) {
      op.info((err as Error).message);
    }
  }
}

/**
 * Ack levels on one node: a seeded mix of batches sent with acks=0 (raw Produce, no answer
 * expected: recorded `info`), acks=1 and acks=all (raw and kafkajs). acks=1 and acks=all answers
 * must carry offsets and their records must be read back (lost-write); acks=0 gets no answer (a
 * probe waits for one) and may lose records (counted). A topic with min.insync.replicas=2 on one
 * replica shows what Kafka does there (see minInsyncReplicas).
 */
export const ackLevelsScenario: Scenario = {
  name: 'ack-levels',
  description:
    'acks=0 gets no answer, acks=1 and acks=all answer with offsets; min.insync.replicas above the replica count',
  // The weakest acknowledged level decides what may be lost (acks=0 sends are never acknowledged:
  // they end `info`); the acks=1 and raw producers are not idempotent.
  checkConfig: { acks: 1, idempotent: false },
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('ack-levels');
    const minIsrTopic = ctx.topicName('ack-levels-min-isr');
    const n = Math.max(12, Math.min(ctx.records, 240));
    const steps = drawSteps(ctx.seed, n);
    const cap = minIsrCap(ctx.target.spec);
    recordPlan(ctx.history, {
      scenario: 'ack-levels',
      topic,
      minIsrTopic,
      cap,
      noResponseWaitMs: NO_RESPONSE_WAIT_MS,
    } satisfies AckLevelsPlan);
    const d: Drivers = {
      raw: new LeaderRouter(ctx.target.nodes, 'kconform'),
      acks1: ctx.kafka.producer({ idempotent: false, maxInFlightRequests: 1 }),
      acksAll: ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 }),
    };
    try {
      try {
        await createTopicsReady(ctx, [
          { topic, numPartitions: 1 },
          {
            topic: minIsrTopic,
            numPartitions: 1,
            replicationFactor: 1,
            configEntries: [{ name: 'min.insync.replicas', value: '2' }],
          },
        ]);
        // A node may be down or restarting (faults run from the start): kafkajs gives up after a few seconds.
        await retrying('connecting the acks=1 producer', () => d.acks1.connect());
        await retrying('connecting the acks=all producer', () => d.acksAll.connect());
        ctx.progress(
          `ack-levels: ${n} records in ${steps.length} batches: ${[0, 1, -1].map((a) => `acks=${a} ×${steps.filter((s) => s.acks === a).length}`).join(', ')}`,
        );
        let seq = 0;
        for (const step of steps) {
          await ctx.pace();
          const values = Array.from({ length: step.size }, () => JSON.stringify({ run: ctx.runId, seq: seq++ }));
          await send(ctx, d, topic, step, values);
        }
      } finally {
        await d.acks1.disconnect().catch(() => {});
        await d.acksAll.disconnect().catch(() => {});
      }
      // The protocol checks ask a healed target: a fault would only make their answers unknown.
      await ctx.quiesce();
      // The heal may have moved the leader: ask anew, or the probe meets a node that closes on it.
      d.raw.forget(topic, [0]);
      await probeNoResponse(ctx, await d.raw.leaderOf(topic, 0), topic);
      await minInsyncReplicas(ctx, d.raw, minIsrTopic, cap);
      await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
      await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
      const end = (await listOffsetRouted(d.raw, 'final-read', minIsrTopic, 0, LATEST)).offset;
      await readRange(d.raw, ctx.history, FINAL_READ, minIsrTopic, 0, 0, end);
      await readRange(d.raw, ctx.history, REPLAY_READ, minIsrTopic, 0, 0, end);
      // The verdicts are the ack-levels checker's, over the recorded sends and the probe.
    } finally {
      d.raw.closeAll();
    }
  },
};
