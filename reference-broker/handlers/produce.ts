/**
 * Produce (key 0), versions 3-13 (Kafka 4 removed 0-2, KIP-896; v13 names topics by id, KIP-516).
 * acks=0 gets no response at all, and an error under acks=0 closes the connection so the client
 * notices, as Kafka does; acks=1 and acks=-1 answer after the append (one node: the leader is
 * the whole ISR). Any other acks value is INVALID_REQUIRED_ACKS for every partition.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ProduceRequest, ProduceResponse } from '../../protocol/messages/generated/index.ts';
import { appendRecords, type PartitionAppendOutcome } from '../append/append-records.ts';
import type { Topic } from '../topics/topic-registry.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

function outcome(errorCode: number, errorMessage: string | null): PartitionAppendOutcome {
  return { errorCode, errorMessage, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

export const produceHandler: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  ...specVersions(0),
  handle(req, { broker, apiVersion, connection }) {
    const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
    let failed = false;
    const responses: ProduceResponse['responses'] = req.topicData.map((t) => {
      const topic: Topic | undefined = apiVersion >= 13 ? broker.topics.getById(t.topicId) : broker.topics.get(t.name);
      const unknownTopic = apiVersion >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      return {
        name: t.name,
        topicId: t.topicId,
        partitionResponses: t.partitionData.map((p) => {
          let o: PartitionAppendOutcome;
          if (!validAcks) o = outcome(ErrorCode.INVALID_REQUIRED_ACKS, null);
          else if (!topic) o = outcome(unknownTopic, null);
          else if (!topic.partitions[p.index]) o = outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
          else o = appendRecords(broker, topic.partitions[p.index]!, p.records, req.acks);
          if (o.errorCode !== ErrorCode.NONE) failed = true;
          return {
            index: p.index,
            errorCode: o.errorCode,
            baseOffset: BigInt(o.baseOffset),
            logAppendTimeMs: BigInt(o.logAppendTimeMs),
            logStartOffset: BigInt(o.logStartOffset),
            recordErrors: [],
            errorMessage: o.errorMessage,
            currentLeader: { leaderId: -1, leaderEpoch: -1 },
          };
        }),
      };
    });
    if (req.acks === 0) {
      if (failed) connection.close('a produce with acks=0 failed; closing the connection so the client notices, as Kafka does');
      return null;
    }
    return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
  },
};
