/**
 * ListOffsets (key 2), versions 1-11 (v0 removed in Kafka 4, KIP-896). Special timestamps:
 * -1 latest (the high watermark for read_uncommitted, the last stable offset for read_committed,
 * which also bounds its timestamp lookups), -2 earliest (log start), -3 the record with the largest timestamp
 * (KIP-734), -4 earliest local (no tiered storage: log start, KIP-1005). A timestamp >= 0 finds
 * the first offset whose timestamp is at or after it, or -1 when there is none. v4+ returns the
 * leader epoch of the offset and checks the client's current leader epoch (KIP-320).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-734%3A+Improve+AdminClient.listOffsets+to+return+timestamp+and+offset+for+the+record+with+the+largest+timestamp
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/messages/generated/index.ts';
import { epochForOffset } from '../topics/leader-epoch.ts';
import { firstRecordAtOrAfter, recordWithMaxTimestamp } from '../topics/record-timestamps.ts';
import type { Partition } from '../topics/topic-registry.ts';
import type { Broker } from '../broker.ts';
import type { BugSwitch } from '../bugs/known-bugs.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type PartitionResponse = ListOffsetsResponse['topics'][number]['partitions'][number];

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
/** KIP-1023's earliest-pending-upload timestamp (ListOffsets v11). */
const EARLIEST_PENDING_UPLOAD = -6;

function answer(
  partitionIndex: number,
  errorCode: number,
  offset = -1,
  timestamp = -1,
  leaderEpoch = -1,
): PartitionResponse {
  return { partitionIndex, errorCode, offset: BigInt(offset), timestamp: BigInt(timestamp), leaderEpoch };
}

function lookup(partition: Partition, timestamp: number, bugs: BugSwitch, readCommitted: boolean): PartitionResponse {
  const log = partition.log;
  const highWatermark = Math.max(
    log.logStartOffset,
    bugs.consumerHighWatermark(`${partition.topic}-${partition.index}`, log.highWatermark),
  );
  // read_committed (isolation level 1) ends at the last stable offset (Partition.fetchOffsetForTimestamp)
  const lastFetchable = readCommitted ? partition.producers.lastStableOffset(highWatermark) : highWatermark;
  const at = (offset: number, ts = -1) =>
    answer(partition.index, ErrorCode.NONE, offset, ts, epochForOffset(log, offset, partition.leaderEpoch));
  switch (timestamp) {
    case LATEST:
      // known bug 'stale-read' serves an old high watermark
      return at(lastFetchable);
    case EARLIEST:
    case EARLIEST_LOCAL:
      return at(log.logStartOffset);
    case MAX_TIMESTAMP: {
      const found = recordWithMaxTimestamp(log);
      return found ? at(found.offset, found.timestamp) : answer(partition.index, ErrorCode.NONE);
    }
    default: {
      if (timestamp < 0) return answer(partition.index, ErrorCode.UNSUPPORTED_VERSION);
      const found = firstRecordAtOrAfter(log, timestamp, readCommitted ? lastFetchable : log.highWatermark);
      return found ? at(found.offset, found.timestamp) : answer(partition.index, ErrorCode.NONE);
    }
  }
}

/** The lowest ListOffsets version that may ask for each special timestamp (ReplicaManager.timestampMinSupportedVersion, Kafka 4.4.0). */
const TIMESTAMP_MIN_VERSION: ReadonlyMap<number, number> = new Map([
  [LATEST, 1],
  [EARLIEST, 1],
  [MAX_TIMESTAMP, 7],
  [EARLIEST_LOCAL, 8],
  [LATEST_TIERED, 9],
  [EARLIEST_PENDING_UPLOAD, 11],
]);

/** ReplicaManager.isListOffsetsTimestampUnsupported: a negative timestamp this version may not ask for. */
export function timestampUnsupported(timestamp: number, apiVersion: number): boolean {
  if (timestamp >= 0) return false;
  const min = TIMESTAMP_MIN_VERSION.get(timestamp);
  return min === undefined || apiVersion < min;
}

/**
 * The answers grouped per topic, one per distinct partition, as ReplicaManager.fetchOffset keys
 * them (statusByPartition): a partition asked for twice is one INVALID_REQUEST answer, and a topic
 * asked for with no partitions gets no entry.
 */
export const listOffsetsHandler: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  ...specVersions(ApiKey.ListOffsets),
  handle(req, { broker, apiVersion }) {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}\u0000${p.partitionIndex}`;
        if (seen.has(key)) duplicates.add(key);
        seen.add(key);
      }
    }
    const byTopic = new Map<string, Map<number, PartitionResponse>>();
    for (const t of req.topics) {
      const topic = broker.topics.get(t.name);
      for (const p of t.partitions) {
        let answers = byTopic.get(t.name);
        if (!answers) byTopic.set(t.name, (answers = new Map()));
        answers.set(
          p.partitionIndex,
          partitionAnswer(
            broker,
            topic?.partitions[p.partitionIndex],
            p,
            duplicates.has(`${t.name}\u0000${p.partitionIndex}`),
            apiVersion,
            req.isolationLevel === 1,
          ),
        );
      }
    }
    return {
      throttleTimeMs: 0,
      topics: [...byTopic].map(([name, answers]) => ({ name, partitions: [...answers.values()] })),
    };
  },
};

type PartitionRequest = ListOffsetsRequest['topics'][number]['partitions'][number];

/** One partition's answer, checks in ReplicaManager.fetchOffset's order. */
function partitionAnswer(
  broker: Broker,
  partition: Partition | undefined,
  p: PartitionRequest,
  duplicate: boolean,
  apiVersion: number,
  readCommitted: boolean,
): PartitionResponse {
  if (duplicate) return answer(p.partitionIndex, ErrorCode.INVALID_REQUEST);
  const timestamp = Number(p.timestamp);
  if (timestampUnsupported(timestamp, apiVersion)) return answer(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION);
  if (!partition) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
    return answer(
      p.partitionIndex,
      p.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
    );
  }
  if (!broker.replication.isLeader(partition)) return answer(p.partitionIndex, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  return lookup(partition, timestamp, broker.bugs, readCommitted);
}
