/**
 * WriteTxnMarkers (key 27), versions 1-2: a transaction coordinator asks the leader of a partition
 * to append a commit or abort marker there (KafkaApis.handleWriteTxnMarkersRequest). Sent between
 * the nodes of a cluster when a transaction's partition is led by a node other than its
 * coordinator. Unknown partitions answer UNKNOWN_TOPIC_OR_PARTITION, partitions led elsewhere
 * NOT_LEADER_OR_FOLLOWER, a marker older than the producer's epoch there INVALID_PRODUCER_EPOCH.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/messages/generated/index.ts';
import { appendMarker } from '../transactions/markers.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const writeTxnMarkersHandler: ApiHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse> = {
  apiKey: ApiKey.WriteTxnMarkers,
  ...specVersions(ApiKey.WriteTxnMarkers),
  async handle(req, { broker }) {
    const markers = await Promise.all(
      req.markers.map(async (m) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (partitionIndex) => {
                const p = broker.partition(t.name, partitionIndex);
                const errorCode = p
                  ? await appendMarker(broker, p, {
                      producerId: Number(m.producerId),
                      producerEpoch: m.producerEpoch,
                      commit: m.transactionResult,
                      coordinatorEpoch: m.coordinatorEpoch,
                    })
                  : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                return { partitionIndex, errorCode };
              }),
            ),
          })),
        ),
      })),
    );
    return { markers };
  },
};
