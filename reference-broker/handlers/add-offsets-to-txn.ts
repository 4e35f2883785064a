/**
 * AddOffsetsToTxn (key 25), versions 0-4: adds the group's __consumer_offsets partition to the
 * transaction, so its commit marker makes the TxnOffsetCommit offsets visible (KafkaApis
 * handleAddOffsetsToTxnRequest). PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/messages/generated/index.ts';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../groups/offsets-topic.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const addOffsetsToTxnHandler: ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: ApiKey.AddOffsetsToTxn,
  ...specVersions(ApiKey.AddOffsetsToTxn),
  async handle(req, { broker, apiVersion }) {
    const partitions = broker.topics.get(OFFSETS_TOPIC)?.partitions.length ?? broker.config.offsetsTopicPartitions;
    const tp = { topic: OFFSETS_TOPIC, partition: offsetsPartitionFor(req.groupId, partitions) };
    let errorCode = await broker.transactions.addPartitions(
      req.transactionalId,
      Number(req.producerId),
      req.producerEpoch,
      [tp],
    );
    if (apiVersion < 2 && errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode };
  },
};
