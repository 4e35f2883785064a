/**
 * InitProducerId (key 22), versions 0-6. Hands an idempotent producer a fresh producer id with
 * epoch 0 (KIP-98). A producer that sends its current id and epoch (v3+, KIP-360) gets the same id
 * with the epoch bumped. Transactional ids are refused: transactions are not served
 * (SKIPPED_FEATURES.md), and Kafka answers a transactional request it cannot coordinate with
 * COORDINATOR_NOT_AVAILABLE.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-360%3A+Improve+reliability+of+idempotent%2Ftransactional+producer
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

const MAX_EPOCH = 32767;

export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  ...specVersions(22),
  async handle(req, { broker }) {
    const base = { throttleTimeMs: 0, ongoingTxnProducerId: -1n, ongoingTxnProducerEpoch: -1 };
    if (req.transactionalId !== null) {
      return { ...base, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    }
    if (req.producerId >= 0n && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH - 1) {
      return { ...base, errorCode: ErrorCode.NONE, producerId: req.producerId, producerEpoch: req.producerEpoch + 1 };
    }
    const id = await broker.allocateClusterProducerId();
    if (id === null) return { ...base, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, producerId: -1n, producerEpoch: -1 };
    return { ...base, errorCode: ErrorCode.NONE, producerId: BigInt(id), producerEpoch: 0 };
  },
};
