import { RawClient, type VersionRange } from '../protocol/client/raw-client.ts';
import { findCoordinator } from '../harness/drivers/find-coordinator.ts';
import { deleteRecordsBody, fetchBody, listOffsetsBody, produceBody } from '../harness/drivers/request-bodies.ts';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { NULL_UUID } from '../protocol/primitives/index.ts';
import { buildRecordBatch } from '../protocol/records/batch-builder.ts';
import { decodeRecordBatches, isControlBatch } from '../protocol/records/record-batch.ts';
import { POLL, type RecordRef } from '../harness/history/ops.ts';
import { LEADER_MOVED, type LeaderRouter } from './leader-router.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';

/**
 * The versions the raw requests of scenarios are built for; each request goes at the highest
 * of them the target serves (RawClient.send negotiates, so Kafka 2.7.0 gets what it knows).
 * The tops name topics by name (Fetch 13+ and Produce 13 use topic ids) and are what Kafka 4.x
 * and the reference broker were always sent; the bottoms are where a field the scenarios read
 * first appears (Fetch's log start offset: v5; ListOffsets' single offset: v1; Produce of
 * record batch v2: v3; OffsetCommit by an admin, generation -1: the codec's v2).
 */
export const RAW_VERSIONS = {
  produce: { min: 3, max: 9 },
  fetch: { min: 5, max: 12 },
  listOffsets: { min: 1, max: 9 },
  offsetCommit: { min: 2, max: 8 },
  deleteRecords: { min: 0, max: 2 },
} as const satisfies Record<string, VersionRange>;

/** ListOffsets' special timestamps. */
export const LATEST = -1n;
export const EARLIEST = -2n;

/** A record as a raw Fetch returned it, with its timestamp. */
export interface TimedRecord extends RecordRef {
  timestamp: number;
}

/** One partition of a Fetch answer, decoded. */
export interface PartitionFetch {
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** Records at or after the fetch offset, in log order. */
  records: TimedRecord[];
  /** Size of the record sets the broker sent (what min.bytes counts). */
  bytes: number;
}

/** Fetch limits; the defaults make a Fetch answer at once. */
export interface FetchLimits {
  maxWaitMs?: number;
  minBytes?: number;
  maxBytes?: number;
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

/** The history's view of a record: the checkers' RecordRef, without the timestamp. */
export function ref(r: RecordRef): RecordRef {
  return { topic: r.topic, partition: r.partition, offset: r.offset, key: r.key, value: r.value };
}

/**
 * One Fetch (as a consumer) of several partitions of `topic`, each from its own offset. A broker
 * returns whole batches, so records before a partition's fetch offset are dropped, as consumers do.
 */
export async function fetchOnce(
  raw: RawClient,
  topic: string,
  from: ReadonlyMap<number, number>,
  limits: FetchLimits = {},
): Promise<PartitionFetch[]> {
  const body = fetchBody(topic, 0n, limits);
  const template = body.topics[0]!.partitions[0]!;
  body.topics[0]!.partitions = [...from].map(([partition, offset]) => ({
    ...template,
    partition,
    fetchOffset: BigInt(offset),
  }));
  // The answer may legitimately take max.wait.ms; give the connection that long and more.
  const res = await raw.send(ApiKey.Fetch, body, {
    versions: RAW_VERSIONS.fetch,
    timeoutMs: (limits.maxWaitMs ?? 0) + 15_000,
  });
  const out: PartitionFetch[] = [];
  for (const p of res.responses[0]?.partitions ?? []) {
    const records: TimedRecord[] = [];
    const start = from.get(p.partitionIndex) ?? 0;
    const set = p.records ?? Buffer.alloc(0);
    for (const batch of decodeRecordBatches(set, { allowPartialTrailing: true })) {
      if (isControlBatch(batch.attributes)) continue;
      for (const r of batch.records) {
        const offset = batch.baseOffset + r.offsetDelta;
        if (offset < start) continue;
        records.push({
          topic,
          partition: p.partitionIndex,
          offset,
          key: text(r.key),
          value: text(r.value),
          timestamp: batch.baseTimestamp + r.timestampDelta,
        });
      }
    }
    out.push({
      partition: p.partitionIndex,
      errorCode: p.errorCode,
      highWatermark: Number(p.highWatermark),
      logStartOffset: Number(p.logStartOffset),
      records,
      bytes: set.length,
    });
  }
  return out;
}

/**
 * One Fetch of several partitions of `topic` through `name`'s connections, each partition asked
 * of its leader (one request per leader, side by side). Partitions whose leader moved, or whose
 * leader's connection failed, are asked again after a fresh look-up, within the router's bounds;
 * what still fails keeps its error code. On one node this is exactly {@link fetchOnce}.
 * Rejects only when no partition got an answer at all and a connection failed.
 */
export async function fetchRouted(
  router: LeaderRouter,
  name: string,
  topic: string,
  from: ReadonlyMap<number, number>,
  limits: FetchLimits = {},
): Promise<PartitionFetch[]> {
  if (router.single) return fetchOnce(await router.connection(name, router.bootstrap), topic, from, limits);
  const done = new Map<number, PartitionFetch>();
  let pending = [...from.keys()];
  let lastError: Error | undefined;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const groups = await router.byLeader(topic, pending).catch((err: Error) => {
      lastError = err;
      return new Map<string, number[]>();
    });
    const retry: number[] = pending.filter((p) => ![...groups.values()].some((g) => g.includes(p)));
    await Promise.all(
      [...groups].map(async ([address, partitions]) => {
        try {
          const answers = await fetchOnce(
            await router.connection(name, address),
            topic,
            new Map(partitions.map((p) => [p, from.get(p)!])),
            limits,
          );
          for (const a of answers) {
            if (LEADER_MOVED.has(a.errorCode)) retry.push(a.partition);
            done.set(a.partition, a);
          }
        } catch (err) {
          lastError = err as Error;
          router.drop(name, address);
          retry.push(...partitions);
        }
      }),
    );
    if (retry.length) router.forget(topic, retry);
    pending = retry;
    if (pending.length === 0 || attempt >= 4) break;
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
  if (done.size === 0 && lastError) throw lastError;
  return [...done.values()].sort((a, b) => a.partition - b.partition);
}

/**
 * Reads `[from, to)` of one partition with raw Fetches to its leader, recording each as a poll of
 * `process` (whose name is also the connection's). A Fetch error (after the router's retries on a
 * moved leader) is recorded as a failed poll (with its errorCode) and thrown: a reader that
 * cannot go on has nothing more to say.
 */
export async function readRange(
  router: LeaderRouter,
  history: HistoryRecorder,
  process: string,
  topic: string,
  partition: number,
  from: number,
  to: number,
  timeoutMs = 30_000,
): Promise<TimedRecord[]> {
  const out: TimedRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  let position = from;
  while (position < to) {
    if (Date.now() > deadline)
      throw new Error(
        `${process}: read ${topic}/${partition} only up to offset ${position} of ${to} within ${timeoutMs} ms`,
      );
    const op = history.invoke(process, POLL, { topic, partition, offset: position });
    const at = position;
    const [p] = await router.call(
      process,
      topic,
      partition,
      (raw) => fetchOnce(raw, topic, new Map([[partition, at]]), { maxWaitMs: 200, minBytes: 1 }),
      (a) => a[0]?.errorCode ?? -1,
    );
    if (p?.errorCode !== 0) {
      op.fail(`Fetch answered error ${p?.errorCode}`, {
        topic,
        partition,
        offset: position,
        errorCode: p?.errorCode ?? -1,
      });
      throw new Error(`${process}: Fetch of ${topic}/${partition} at ${position} answered error ${p?.errorCode}`);
    }
    // Past `to` belongs to someone else's read (records produced meanwhile).
    const records = p.records.filter((r) => r.offset < to);
    op.ok({ records: records.map(ref) });
    out.push(...records);
    if (records.length) position = records[records.length - 1]!.offset + 1;
  }
  return out;
}

/** One partition's ListOffsets answer. */
export interface OffsetAnswer {
  errorCode: number;
  offset: number;
  timestamp: number;
}

/** ListOffsets of one partition at `timestamp` (LATEST, EARLIEST or a time in ms). */
export async function listOffset(
  raw: RawClient,
  topic: string,
  partition: number,
  timestamp: bigint,
): Promise<OffsetAnswer> {
  const res = await raw.send(ApiKey.ListOffsets, listOffsetsBody(topic, timestamp, partition), {
    versions: RAW_VERSIONS.listOffsets,
  });
  const p = res.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offset: Number(p.offset), timestamp: Number(p.timestamp) };
}

/** {@link listOffset} sent to the partition's leader through `name`'s connection (retried when the leader moved). */
export function listOffsetRouted(
  router: LeaderRouter,
  name: string,
  topic: string,
  partition: number,
  timestamp: bigint,
): Promise<OffsetAnswer> {
  return router.call(
    name,
    topic,
    partition,
    (raw) => listOffset(raw, topic, partition, timestamp),
    (a) => a.errorCode,
  );
}

/** One partition's Produce answer. */
export interface ProduceAnswer {
  errorCode: number;
  baseOffset: number;
  errorMessage: string | null;
}

/** Produces one plain (non-idempotent) batch of `records` with `acks` 1 or -1 and returns the answer. */
export async function produceRaw(
  raw: RawClient,
  topic: string,
  partition: number,
  records: { key: string | null; value: string; timestamp?: number }[],
  acks: 1 | -1,
): Promise<ProduceAnswer> {
  const res = await raw.send(ApiKey.Produce, produceBody(topic, buildRecordBatch(records), { acks, partition }), {
    versions: RAW_VERSIONS.produce,
  });
  const p = res.responses[0]!.partitionResponses[0]!;
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset), errorMessage: p.errorMessage ?? null };
}

/**
 * {@link produceRaw} sent to the partition's leader through `name`'s connection. A moved leader
 * answers before appending (NOT_LEADER_OR_FOLLOWER), so that retry writes the batch once; a lost
 * answer is not retried (the batch may be in the log).
 */
export function produceRouted(
  router: LeaderRouter,
  name: string,
  topic: string,
  partition: number,
  records: { key: string | null; value: string; timestamp?: number }[],
  acks: 1 | -1,
): Promise<ProduceAnswer> {
  return router.call(
    name,
    topic,
    partition,
    (raw) => produceRaw(raw, topic, partition, records, acks),
    (a) => a.errorCode,
    false,
  );
}

/** DeleteRecords of one partition below `offset`: the answer's error code and low watermark. */
export async function deleteRecordsBefore(
  raw: RawClient,
  topic: string,
  partition: number,
  offset: number,
): Promise<{ errorCode: number; lowWatermark: number }> {
  const res = await raw.send(ApiKey.DeleteRecords, deleteRecordsBody(topic, BigInt(offset), partition), {
    versions: RAW_VERSIONS.deleteRecords,
  });
  const p = res.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, lowWatermark: Number(p.lowWatermark) };
}

/** Coordinator errors a commit retries: the coordinator is loading, moving, or not there yet. */
const COORDINATOR_RETRIABLE = new Set([14, 15, 16]);

/**
 * Commits `offset` for a group with no members, as admin tools do (OffsetCommit with generation
 * -1 and no member id, sent to the group's coordinator). Faster than kafkajs's setOffsets, which
 * joins the group with a consumer and waits for a fetch. Returns the answer's error code.
 */
export async function commitGroupOffset(
  bootstrap: string,
  groupId: string,
  topic: string,
  partition: number,
  offset: number,
  timeoutMs = 15_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const boot = await RawClient.connect(bootstrap, 'kconform-commit');
  try {
    for (;;) {
      const found = await findCoordinator(boot, groupId);
      let code = found.errorCode;
      if (code === 0) {
        const coordinator = await RawClient.connect(found.address, 'kconform-commit');
        try {
          const res = await coordinator.send(
            ApiKey.OffsetCommit,
            {
              groupId,
              generationIdOrMemberEpoch: -1,
              memberId: '',
              groupInstanceId: null,
              retentionTimeMs: -1n,
              topics: [
                {
                  name: topic,
                  topicId: NULL_UUID,
                  partitions: [
                    {
                      partitionIndex: partition,
                      committedOffset: BigInt(offset),
                      committedLeaderEpoch: -1,
                      committedMetadata: null,
                    },
                  ],
                },
              ],
            },
            { versions: RAW_VERSIONS.offsetCommit },
          );
          code = res.topics[0]!.partitions[0]!.errorCode;
        } finally {
          coordinator.close();
        }
      }
      if (!COORDINATOR_RETRIABLE.has(code) || Date.now() > deadline) return code;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    boot.close();
  }
}
