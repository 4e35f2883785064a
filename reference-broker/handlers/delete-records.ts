/**
 * DeleteRecords (key 21), versions 0-2 (KIP-107): moves a partition's log start offset up to the
 * given offset (-1 = the high watermark), so consumers can no longer read below it. An offset
 * above the high watermark is OFFSET_OUT_OF_RANGE.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-107%3A+Add+deleteRecordsBefore%28%29+API+in+AdminClient
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/messages/generated/index.ts';
import { OffsetOutOfRangeError } from '../log/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const HIGH_WATERMARK = -1n;

export const deleteRecordsHandler: ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: ApiKey.DeleteRecords,
  ...specVersions(ApiKey.DeleteRecords),
  handle(req, { broker }) {
    // As Kafka's KafkaApis: results are kept per topic-partition (a partition asked for twice is
    // answered once) and grouped by topic name, so a topic without partitions is not answered.
    const byTopic = new Map<string, Map<number, bigint>>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        let partitions = byTopic.get(t.name);
        if (!partitions) byTopic.set(t.name, (partitions = new Map()));
        partitions.set(p.partitionIndex, p.offset);
      }
    }
    return {
      throttleTimeMs: 0,
      topics: [...byTopic].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partitionIndex, requested]) => {
          const partition = broker.partition(name, partitionIndex);
          if (!partition) return { partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          if (!broker.replication.isLeader(partition))
            return { partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
          const log = partition.log;
          const offset = requested === HIGH_WATERMARK ? log.highWatermark : Number(requested);
          try {
            log.deleteRecordsBefore(offset);
          } catch (err) {
            if (!(err instanceof OffsetOutOfRangeError)) throw err;
            return { partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
          }
          return { partitionIndex, lowWatermark: BigInt(log.logStartOffset), errorCode: ErrorCode.NONE };
        }),
      })),
    };
  },
};
