/**
 * Produce (key 0), versions 3-13 (Kafka 4 removed 0-2, KIP-896; v13 names topics by id, KIP-516).
 * acks=0 gets no response at all, and an error under acks=0 closes the connection so the client
 * notices, as Kafka does; acks=1 answers after the leader's append; acks=-1 once the high
 * watermark passed the records (every in-sync replica has them; a single node is its own ISR),
 * or REQUEST_TIMED_OUT after the request's timeout. Only the partition's leader appends;
 * elsewhere NOT_LEADER_OR_FOLLOWER names the leader it knows (v10+, KIP-951).
 * Any other acks value is INVALID_REQUIRED_ACKS for every partition.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ProduceRequest, ProduceResponse } from '../../protocol/messages/generated/index.ts';
import { appendRecords, effectiveMinIsr, type PartitionAppendOutcome } from '../append/append-records.ts';
import type { Topic } from '../topics/topic-registry.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

function outcome(errorCode: number, errorMessage: string | null): PartitionAppendOutcome {
  return { errorCode, errorMessage, baseOffset: -1, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export const produceHandler: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  ...specVersions(0),
  async handle(req, { broker, apiVersion, connection }) {
    const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
    let failed = false;
    const leaders = new Set<number>();
    const responses = await Promise.all(
      req.topicData.map(async (t) => {
        const topic: Topic | undefined = apiVersion >= 13 ? broker.topics.getById(t.topicId) : broker.topics.get(t.name);
        const unknownTopic = apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        const partitionResponses = await Promise.all(
          t.partitionData.map(async (p) => {
            const partition = topic?.partitions[p.index];
            let o: PartitionAppendOutcome;
            if (!validAcks) o = outcome(ErrorCode.INVALID_REQUIRED_ACKS, null);
            else if (!topic) o = outcome(unknownTopic, null);
            else if (!partition) o = outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
            else {
              o = appendRecords(broker, partition, p.records, req.acks);
              if (o.errorCode === ErrorCode.NONE && req.acks === -1 && !broker.bugs.strikes('ignore-acks-all')) {
                const code = await broker.replication.waitForHighWatermark(partition, o.lastOffset + 1, effectiveMinIsr(broker, partition), req.timeoutMs);
                if (code !== ErrorCode.NONE) o = { ...o, errorCode: code, errorMessage: null };
              }
            }
            if (o.errorCode !== ErrorCode.NONE) failed = true;
            const redirect = o.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && partition && partition.leaderId >= 0;
            if (redirect) leaders.add(partition.leaderId);
            return {
              index: p.index,
              errorCode: o.errorCode,
              baseOffset: BigInt(o.baseOffset),
              logAppendTimeMs: BigInt(o.logAppendTimeMs),
              logStartOffset: BigInt(o.logStartOffset),
              recordErrors: [],
              errorMessage: o.errorMessage,
              currentLeader: redirect ? { leaderId: partition.leaderId, leaderEpoch: partition.leaderEpoch } : { leaderId: -1, leaderEpoch: -1 },
            };
          }),
        );
        return { name: t.name, topicId: t.topicId, partitionResponses };
      }),
    );
    if (req.acks === 0) {
      if (failed) connection.close('a produce with acks=0 failed; closing the connection so the client notices, as Kafka does');
      return null;
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: broker.nodeEndpoints(leaders) };
  },
};
