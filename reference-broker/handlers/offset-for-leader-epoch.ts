/**
 * OffsetForLeaderEpoch (key 23), versions 2-4. Tells a consumer (or a follower) where a leader
 * epoch ended, so it can detect that its position lies in a truncated part of the log
 * (KIP-101, KIP-279, KIP-320). The leader's own epoch is in its history from the moment it leads,
 * as Kafka's makeLeader records it, so an empty partition answers its epoch ending at offset 0.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-279%3A+Fix+log+divergence+between+leader+and+follower+after+fast+leader+fail+over
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from '../../protocol/messages/generated/index.ts';
import { epochEndOffset } from '../topics/epoch-end-offset.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const offsetForLeaderEpochHandler: ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  ...specVersions(ApiKey.OffsetForLeaderEpoch),
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const partition = broker.partition(t.topic, p.partition);
          const fail = (errorCode: number) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
          if (!partition) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
            return fail(
              p.currentLeaderEpoch < partition.leaderEpoch
                ? ErrorCode.FENCED_LEADER_EPOCH
                : ErrorCode.UNKNOWN_LEADER_EPOCH,
            );
          }
          if (!broker.replication.isLeader(partition)) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          const end = epochEndOffset(partition.log, p.leaderEpoch);
          return {
            errorCode: ErrorCode.NONE,
            partition: p.partition,
            leaderEpoch: end.leaderEpoch,
            endOffset: BigInt(end.endOffset),
          };
        }),
      })),
    };
  },
};
