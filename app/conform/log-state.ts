/**
 * The log state both brokers hold for the run's topics — each partition's log start, high
 * watermark and records — read after every case that can write to a log and compared. A case
 * whose answers match can still leave the logs apart (an acks=0 Produce has no answer; a
 * Produce one broker refuses whole and the other half-applies), and every later read of those
 * logs would then differ through no fault of its own: the difference belongs to the case that
 * made it.
 */
import { request, topicIdOf } from './conform-case.ts';
import { diffValues, type ValueDiff } from './diff.ts';
import type { Pair } from './prepare-world.ts';
import type { World } from './world.ts';

/**
 * APIs whose requests can change a log of the run's topics: Produce, DeleteRecords,
 * AddPartitionsToTxn, EndTxn, WriteTxnMarkers, CreatePartitions. Other APIs only read logs or
 * change group or topic metadata, which their own answers show.
 */
export const LOG_WRITING_APIS: ReadonlySet<number> = new Set([0, 21, 24, 26, 27, 37]);

/** Where a log-state difference shows in a case's diffs (the prefix of its path). */
export const LOG_STATE = 'log state after the case';

/** The run's partitions whose logs cases read or write. */
function partitionsOf(world: World): { topic: string; partitions: number[] }[] {
  const t = world.topics;
  return [
    { topic: t.multi, partitions: [0, 1, 2] },
    { topic: t.single, partitions: [0] },
    { topic: t.empty, partitions: [0] },
    { topic: t.trimmed, partitions: [0] },
    { topic: t.deletable, partitions: [0] },
    { topic: t.sink, partitions: [0] },
  ];
}

/** Reads one side's log state: ListOffsets for each log start, then one Fetch from there. */
async function readSide(pair: Pair, side: 0 | 1, world: World): Promise<unknown> {
  const s = pair.sides[side];
  const vList = pair.common(2);
  const vFetch = pair.common(1);
  if (vList === undefined || vFetch === undefined)
    return '<log state unreadable: ListOffsets or Fetch not served by both>';
  const topics = partitionsOf(world);
  const starts = new Map<string, bigint>();
  const listed = await s.send({
    apiKey: 2,
    version: vList,
    body: request('ListOffsets', {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 5000,
      topics: topics.map((t) => ({
        name: t.topic,
        partitions: t.partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -2n })),
      })),
    }),
  });
  if (listed.kind === 'answer') {
    for (const t of (
      listed.body as {
        topics: { name: string; partitions: { partitionIndex: number; errorCode: number; offset: bigint }[] }[];
      }
    ).topics ?? [])
      for (const p of t.partitions) if (p.errorCode === 0) starts.set(`${t.name}[${p.partitionIndex}]`, p.offset);
  }
  const fetched = await s.send({
    apiKey: 1,
    version: vFetch,
    body: request('Fetch', {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 16 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: topics.map((t) => ({
        topic: t.topic,
        topicId: topicIdOf(t.topic),
        partitions: t.partitions.map((p) => ({
          partition: p,
          currentLeaderEpoch: -1,
          fetchOffset: starts.get(`${t.topic}[${p}]`) ?? 0n,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: 4 << 20,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    }),
  });
  return { logStarts: s.normalize(2, vList, listed).value, logs: s.normalize(1, vFetch, fetched).value };
}

/**
 * Where the two brokers' logs of the run's topics differ now (empty when they agree). Paths
 * start with {@link LOG_STATE}.
 */
export async function diffLogState(pair: Pair, world: World, limit = 5): Promise<ValueDiff[]> {
  const [t, a] = await Promise.all([readSide(pair, 0, world), readSide(pair, 1, world)]);
  return diffValues(t, a, limit, LOG_STATE);
}
