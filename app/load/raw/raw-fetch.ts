/**
 * Reading a partition back with raw Fetch requests (topics by name, so v4-12), counting records
 * from batch headers only: the raw driver's consumers and its read-back.
 */
import type { RawClient } from '../../../protocol/client/raw-client.ts';
import { ApiKey } from '../../../protocol/messages/generated/api-keys.ts';
import { batchRanges, type OffsetRange } from './batch-ranges.ts';

/** Highest Fetch version that names topics (v13 and later use topic ids). */
export const FETCH_BY_NAME_MAX = 12;

/** One partition's answer to a fetch. */
export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: number;
  ranges: OffsetRange[];
  /** Offset to fetch next (unchanged when nothing whole came back). */
  next: number;
  bytes: number;
}

/** Fetches `partitions` of `topic` from `offsets` (same order), up to `maxBytes` per partition and in all. */
export async function fetchOnce(
  client: RawClient,
  topic: string,
  partitions: readonly number[],
  offsets: readonly number[],
  maxBytes: number,
  maxWaitMs = 100,
): Promise<FetchedPartition[]> {
  const res = await client.send(
    ApiKey.Fetch,
    {
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs,
      minBytes: 1,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic,
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: partitions.map((p, i) => ({
            partition: p,
            currentLeaderEpoch: -1,
            fetchOffset: BigInt(offsets[i]!),
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: maxBytes,
            replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
            highWatermark: -1n,
          })),
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    },
    { versions: { max: FETCH_BY_NAME_MAX } },
  );
  const out: FetchedPartition[] = [];
  for (const t of res.responses) {
    for (const p of t.partitions) {
      const i = partitions.indexOf(p.partitionIndex);
      const { ranges, next } = batchRanges(p.records);
      out.push({
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: Number(p.highWatermark),
        ranges,
        next: next >= 0 ? next : offsets[i]!,
        bytes: p.records?.length ?? 0,
      });
    }
  }
  return out;
}

/** Reads a partition from offset 0 to its high watermark: every data batch's range, in order. */
export async function readPartition(
  client: RawClient,
  topic: string,
  partition: number,
  maxBytes = 1 << 20,
): Promise<OffsetRange[]> {
  const ranges: OffsetRange[] = [];
  let offset = 0;
  for (let idle = 0; idle < 50; ) {
    const [p] = await fetchOnce(client, topic, [partition], [offset], maxBytes, 10);
    if (!p) throw new Error(`no answer for partition ${partition} of ${topic}`);
    if (p.errorCode !== 0) throw new Error(`fetch of ${topic}-${partition} answered error code ${p.errorCode}`);
    ranges.push(...p.ranges);
    if (p.next === offset) idle++;
    offset = p.next;
    if (offset >= p.highWatermark) return ranges;
  }
  throw new Error(`reading ${topic}-${partition} made no progress at offset ${offset}`);
}
