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

const HIGH_WATERMARK = -1n;

export const deleteRecordsHandler: ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: 21,
  ...specVersions(21),
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const partition = broker.partition(t.name, p.partitionIndex);
          if (!partition) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          if (!broker.replication.isLeader(partition)) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
          const log = partition.log;
          const offset = p.offset === HIGH_WATERMARK ? log.highWatermark : Number(p.offset);
          try {
            log.deleteRecordsBefore(offset);
          } catch (err) {
            if (!(err instanceof OffsetOutOfRangeError)) throw err;
            return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
          }
          return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(log.logStartOffset), errorCode: ErrorCode.NONE };
        }),
      })),
    };
  },
};
