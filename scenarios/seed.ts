import fc from 'fast-check';
import type { Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import type { Scenario } from './scenario.ts';
import { FINAL_READ, REPLAY_READ, SEND, type RecordRef } from '../harness/history/ops.ts';
import { recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import { fetchClusterMetadata } from '../harness/kafka-dist/cluster-metadata.ts';
import { retrying } from './topic-setup.ts';

/** The message the project's source document writes with kafka-console-producer on topic `mmr`. */
export const MMR_MESSAGE =
  '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00002245","time":"1543207156000","value":"80"}],"ver":"1.0"}';

/** Inputs of the seed scenario. */
export interface SeedScenarioOptions {
  kafka: Kafka;
  topic: string;
  /** Records produced after the mmr message. */
  records: number;
  seed: number;
  /** Tags values so records of this run are unique even on a shared, long-lived target. */
  runId: string;
  history: HistoryRecorder;
  progress: (line: string) => void;
  /** How long the reads may take to reach the end of the topic. */
  readTimeoutMs?: number;
  /** Ends faults before the final read (see ScenarioContext.quiesce). */
  quiesce?: () => Promise<void>;
  /** Spaces sends out while faults run (see ScenarioContext.pace). */
  pace?: () => Promise<void>;
  /** A node to ask for the topic's metadata before the first send; default: send at once. */
  bootstrap?: string;
}

/**
 * Waits until Metadata for `topic` (which auto-creates it, as the console producer's does) names
 * a leader of partition 0, for up to 60 s: what Kafka's producer does before its first send
 * (waitOnMetadata, bounded by max.block.ms = 60 s). kafkajs gives up after a few seconds of
 * LEADER_NOT_AVAILABLE, which a loaded ZooKeeper-mode Kafka can take to elect the new topic's leader.
 */
async function awaitTopicLeader(bootstrap: string, topic: string): Promise<void> {
  await retrying(`waiting for a leader of ${topic}`, async () => {
    const view = await fetchClusterMetadata(bootstrap, { topics: [topic], allowAutoTopicCreation: true });
    const t = view.topics.get(topic);
    if (t?.errorCode !== 0 || !t.partitions.some((p) => p.partition === 0 && p.leaderId >= 0))
      throw new Error(`no leader yet (error code ${t?.errorCode ?? 'none'})`);
  });
}

/** Sends that may fail in a row (a node down under faults) before the scenario stops producing. */
const MAX_CONSECUTIVE_FAILURES = 10;

/** Sensor readings shaped like the mmr message, drawn by fast-check from the seed. */
function sensorReadings(seed: number, n: number, runId: string): string[] {
  if (n === 0) return [];
  const reading = fc.record({
    sn: fc.integer({ min: 0, max: 99_999_999 }).map((i) => `IJA0101-${String(i).padStart(8, '0')}`),
    metric: fc.constantFrom('temperature', 'humidity', 'pressure'),
    value: fc.integer({ min: -40, max: 120 }).map(String),
    time: fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }).map(String),
  });
  return fc.sample(reading, { seed, numRuns: n }).map((r, i) =>
    JSON.stringify({
      datas: [{ channel: '', metric: r.metric, producer: 'ijinus', sn: r.sn, time: r.time, value: r.value }],
      ver: '1.0',
      run: runId,
      seq: i,
    }),
  );
}

/** Produces every value in order (acks=all, idempotent), recording each send. */
async function produceAll(o: SeedScenarioOptions, values: string[]): Promise<void> {
  const producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
  // Batch sizes drawn from the seed: many small batches and a few large ones, so reads span batches.
  const chunkSizes = fc.sample(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 6, max: 40 })), {
    seed: o.seed + 1,
    numRuns: Math.max(1, values.length),
  });
  // Faults run from the start: a node killed or restarting now must not end the run before its
  // first send (kafkajs's own connect gives up after a few seconds; Kafka's producer waits max.block.ms).
  await retrying('connecting the producer', () => producer.connect());
  try {
    let sent = 0;
    let failures = 0;
    for (let c = 0; sent < values.length; c++) {
      const slice = values.slice(sent, sent + chunkSizes[c]!);
      const ops = slice.map((value) => o.history.invoke(0, SEND, { topic: o.topic, partition: 0, key: null, value }));
      try {
        const meta = await producer.send({
          topic: o.topic,
          acks: -1,
          messages: slice.map((value) => ({ value, partition: 0 })),
        });
        const base = Number(meta[0]!.baseOffset);
        slice.forEach((value, j) =>
          ops[j]!.ok({ topic: o.topic, partition: 0, offset: base + j, key: null, value } satisfies RecordRef),
        );
        failures = 0;
      } catch (err) {
        // The broker may have written them: the outcome is unknown, not failed. Under faults a
        // send fails while a node is down; go on with the next one, unless nothing gets through.
        for (const op of ops) op.info((err as Error).message);
        if (++failures >= MAX_CONSECUTIVE_FAILURES) throw err;
      }
      sent += slice.length;
      await o.pace?.();
      if (Math.floor(sent / 250) > Math.floor((sent - slice.length) / 250))
        o.progress(`  produced ${sent}/${values.length}`);
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * The seed scenario: the source document's console test (the mmr message on topic `mmr`, read
 * back with --from-beginning) grown into a check — the mmr message and N sensor readings are
 * produced with an idempotent acks=all producer, the topic is read from the beginning, then
 * replayed from the beginning again. The history feeds the checkers (lost writes, duplicates,
 * order, offsets, replay, and seed-message: the mmr message came back byte for byte).
 */
export async function runSeedScenario(o: SeedScenarioOptions): Promise<void> {
  const values = [MMR_MESSAGE, ...sensorReadings(o.seed, o.records, o.runId)];
  recordPlan(o.history, { scenario: 'seed', topic: o.topic, message: MMR_MESSAGE });
  o.progress(`seed: producing the mmr message and ${o.records} sensor readings to '${o.topic}'`);
  try {
    // Not fatal: under faults the sends below meet the same trouble and record it.
    if (o.bootstrap)
      await awaitTopicLeader(o.bootstrap, o.topic).catch((err: Error) =>
        o.progress(`seed: ${err.message}; producing anyway`),
      );
    await produceAll(o, values);
  } catch (err) {
    // The history says what was acknowledged before the failure; the reads still check it.
    o.progress(`seed: producing stopped: ${(err as Error).message}`);
  }
  await o.quiesce?.();
  o.progress(`seed: reading '${o.topic}' from the beginning`);
  await readFromBeginning(o.kafka, o.topic, FINAL_READ, o.history, o.runId, o.readTimeoutMs);
  o.progress(`seed: replaying '${o.topic}' from the beginning`);
  await readFromBeginning(o.kafka, o.topic, REPLAY_READ, o.history, o.runId, o.readTimeoutMs);
  // The seed-message checker judges the mmr message from the history (its plan names the message).
}

/** The seed scenario in the scenario registry. */
export const seedScenario: Scenario = {
  name: 'seed',
  description: "the source document's console test on topic mmr: produce, read --from-beginning, replay",
  run: (ctx) =>
    runSeedScenario({
      kafka: ctx.kafka,
      topic: ctx.topicName('mmr'),
      records: ctx.records,
      seed: ctx.seed,
      runId: ctx.runId,
      history: ctx.history,
      progress: ctx.progress,
      quiesce: () => ctx.quiesce(),
      pace: () => ctx.pace(),
      bootstrap: ctx.target.nodes[0]?.bootstrap,
    }),
};
