/**
 * Fetch (key 1), versions 4-18. Consumers pull: the broker answers at once when min.bytes are
 * there, otherwise holds the request up to max.wait.ms and answers as soon as an append makes
 * min.bytes available (long polling). Limits: max.bytes for the whole answer and
 * partition.max.bytes per partition, except that the first batch of the first partition with
 * data is returned whole even when larger, so a consumer can always make progress (KIP-74).
 * Fetch sessions (KIP-227) are not kept: every answer has session id 0, which tells the client
 * to keep sending full fetches — what Kafka does when its session cache is full.
 * Consumers read up to the high watermark; follower fetches (replica id >= 0) up to the log end,
 * and tell the leader how far each follower has come (its fetch offset is its log end), which
 * moves the high watermark and the ISR. A follower whose last fetched epoch ends earlier here is
 * answered with the diverging epoch and no records, so it truncates first (KIP-320). Only the
 * leader serves a partition; elsewhere NOT_LEADER_OR_FOLLOWER names the leader it knows (v12+).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-74%3A+Add+Fetch+Response+Size+Limit+in+Bytes
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-227%3A+Introduce+Incremental+FetchRequests+to+Increase+Partition+Scalability
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { FetchRequest, FetchResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { OffsetOutOfRangeError } from '../log/index.ts';
import { applyFetchBugs } from '../bugs/fetch-bugs.ts';
import { epochEndOffset } from '../topics/epoch-end-offset.ts';
import type { Topic } from '../topics/topic-registry.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type TopicResponse = FetchResponse['responses'][number];
type PartitionResponse = TopicResponse['partitions'][number];

const EMPTY = Buffer.alloc(0);

/** A partition's answer; an error answer carries -1 watermarks and log start, as Kafka's does (checked against 4.4.0). */
function partitionResponse(partitionIndex: number, errorCode: number, hw = -1, lso = -1, logStart = -1, records: Buffer = EMPTY): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: BigInt(hw),
    lastStableOffset: BigInt(lso),
    logStartOffset: BigInt(logStart),
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

/** Reads every requested partition once; returns the answer and how many record bytes it holds. */
function collect(req: FetchRequest, broker: Broker, apiVersion: number, leaders: Set<number>): { responses: TopicResponse[]; bytes: number; errors: boolean } {
  const replicaId = apiVersion >= 15 ? req.replicaState.replicaId : req.replicaId;
  const isFollower = replicaId >= 0;
  let remaining = req.maxBytes;
  let bytes = 0;
  let errors = false;
  const responses = req.topics.map((t): TopicResponse => {
    const topic: Topic | undefined = apiVersion >= 13 ? broker.topics.getById(t.topicId) : broker.topics.get(t.topic);
    const partitions = t.partitions.map((p): PartitionResponse => {
      if (!topic) {
        errors = true;
        return partitionResponse(p.partition, apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      const partition = topic.partitions[p.partition];
      if (!partition) {
        errors = true;
        return partitionResponse(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
      const log = partition.log;
      if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
        errors = true;
        const code = p.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
        return partitionResponse(p.partition, code);
      }
      if (!broker.replication.isLeader(partition)) {
        errors = true;
        const answer = partitionResponse(p.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        if (partition.leaderId >= 0) {
          leaders.add(partition.leaderId);
          answer.currentLeader = { leaderId: partition.leaderId, leaderEpoch: partition.leaderEpoch };
        }
        return answer;
      }
      if (isFollower) {
        if (p.lastFetchedEpoch >= 0) {
          // KIP-320: where the follower's last epoch ends here; before its fetch offset, it diverged.
          const end = epochEndOffset(log, p.lastFetchedEpoch);
          if (end.leaderEpoch < p.lastFetchedEpoch || end.endOffset < Number(p.fetchOffset)) {
            const answer = partitionResponse(p.partition, ErrorCode.NONE, log.highWatermark, log.highWatermark, log.logStartOffset);
            answer.divergingEpoch = { epoch: end.leaderEpoch, endOffset: BigInt(end.endOffset) };
            errors = true;
            return answer;
          }
        }
        if (!broker.replication.recordFollowerFetch(partition, replicaId, Number(p.fetchOffset))) {
          errors = true;
          return partitionResponse(p.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        }
      }
      const limit = Math.min(p.partitionMaxBytes, remaining);
      try {
        // Only the first partition with data may exceed the limits (KIP-74).
        // known bug 'stale-read': consumers are served a high watermark that lags the real one
        const consumerEnd = Math.max(log.logStartOffset, broker.bugs.consumerHighWatermark(`${topic.name}-${partition.index}`, log.highWatermark));
        const read = log.read(Number(p.fetchOffset), Math.max(limit, 0), isFollower ? log.logEndOffset : consumerEnd, bytes === 0);
        const records = applyFetchBugs(broker.bugs, read.records);
        bytes += records.length;
        remaining -= records.length;
        const hw = isFollower ? read.highWatermark : Math.min(read.highWatermark, consumerEnd);
        return partitionResponse(p.partition, ErrorCode.NONE, hw, hw, read.logStartOffset, records);
      } catch (err) {
        if (!(err instanceof OffsetOutOfRangeError)) throw err;
        errors = true;
        return partitionResponse(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE);
      }
    });
    return { topic: t.topic, topicId: t.topicId, partitions };
  });
  return { responses, bytes, errors };
}

function waitForAppend(broker: Broker, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      broker.appends.off('append', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    broker.appends.on('append', done);
  });
}

export const fetchHandler: ApiHandler<FetchRequest, FetchResponse> = {
  apiKey: 1,
  ...specVersions(1),
  async handle(req, { broker, apiVersion, connection }) {
    const base = { throttleTimeMs: 0, sessionId: 0, nodeEndpoints: [] };
    if (req.sessionId !== 0) {
      return { ...base, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, responses: [] };
    }
    const deadline = Date.now() + req.maxWaitMs;
    for (;;) {
      const leaders = new Set<number>();
      const got = collect(req, broker, apiVersion, leaders);
      const left = deadline - Date.now();
      if (got.bytes >= req.minBytes || got.errors || left <= 0 || req.topics.length === 0 || connection.isClosed) {
        return { ...base, nodeEndpoints: broker.nodeEndpoints(leaders), errorCode: ErrorCode.NONE, responses: got.responses };
      }
      await waitForAppend(broker, left);
    }
  },
};
