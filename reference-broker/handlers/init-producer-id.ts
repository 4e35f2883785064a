/**
 * InitProducerId (key 22), versions 0-6, as Kafka 4.4's KafkaApis.handleInitProducerIdRequest and
 * TransactionCoordinator.handleInitProducerId answer it:
 * - a producer id and epoch must come together: -1 with an epoch, or an id with epoch -1, is
 *   INVALID_REQUEST (KafkaApis checks this before the coordinator);
 * - no transactional id (an idempotent producer): always a NEW producer id with epoch 0, also when
 *   the producer sends its current id and epoch to bump it (KIP-360) — the coordinator "blindly
 *   accepts" idempotent producers and keeps no state for them;
 * - an empty transactional id is INVALID_REQUEST, a timeout not in (0, transaction.max.timeout.ms]
 *   INVALID_TRANSACTION_TIMEOUT;
 * - any other transactional id goes to the transaction coordinator (transactions/txn-coordinator.ts):
 *   epoch 0 for a new id, a bump on every later call, an open transaction aborted first (the
 *   caller hears CONCURRENT_TRANSACTIONS and retries). PRODUCER_FENCED is INVALID_PRODUCER_EPOCH
 *   before v4, as KafkaApis maps it for old clients.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-360%3A+Improve+reliability+of+idempotent%2Ftransactional+producer
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, authorized, ResourceType } from './authorize.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** transaction.max.timeout.ms: Kafka's default, 15 minutes. */
export const TRANSACTION_MAX_TIMEOUT_MS = 900_000;

/** The error Kafka answers before it would look at transaction state, or NONE. */
export function initProducerIdRequestError(
  req: Pick<InitProducerIdRequest, 'transactionalId' | 'transactionTimeoutMs' | 'producerId' | 'producerEpoch'>,
  maxTimeoutMs = TRANSACTION_MAX_TIMEOUT_MS,
): number {
  const noId = req.producerId === -1n;
  const noEpoch = req.producerEpoch === -1;
  if (noId !== noEpoch) return ErrorCode.INVALID_REQUEST;
  if (req.transactionalId === null) return ErrorCode.NONE;
  if (req.transactionalId === '') return ErrorCode.INVALID_REQUEST;
  if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > maxTimeoutMs)
    return ErrorCode.INVALID_TRANSACTION_TIMEOUT;
  return ErrorCode.NONE;
}

export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  ...specVersions(ApiKey.InitProducerId),
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    const base = { throttleTimeMs: 0, ongoingTxnProducerId: -1n, ongoingTxnProducerEpoch: -1 };
    const failed = (errorCode: number) => ({ ...base, errorCode, producerId: -1n, producerEpoch: -1 });
    // a transactional producer needs WRITE on its transactional id (KafkaApis.handleInitProducerIdRequest)
    if (
      req.transactionalId !== null &&
      !authorized(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)
    )
      return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const error = initProducerIdRequestError(req, broker.config.transactionMaxTimeoutMs);
    if (error !== ErrorCode.NONE) return failed(error);
    if (req.transactionalId !== null) {
      const expected =
        req.producerId === -1n ? null : { producerId: Number(req.producerId), producerEpoch: req.producerEpoch };
      const r = await broker.transactions.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
      const errorCode =
        apiVersion < 4 && r.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
      return { ...base, errorCode, producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
    }
    const id = await broker.allocateClusterProducerId();
    if (id === null) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    return { ...base, errorCode: ErrorCode.NONE, producerId: BigInt(id), producerEpoch: 0 };
  },
};
