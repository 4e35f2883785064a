/**
 * EndTxn (key 26), versions 0-5: commit or abort (KafkaApis.handleEndTxnRequest). As Kafka decides
 * per request, v5 means the client runs transaction version 2 (KIP-890 part 2): the coordinator
 * bumps the epoch and the answer carries the producer id and epoch of the next transaction;
 * v0-4 are version 1. PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-890%3A+Transactions+Server-Side+Defense
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

/** The last EndTxn version of transaction version 1 (v5 says the client runs version 2). */
const TV1_MAX_VERSION = 4;

/** The transaction version a request of this EndTxn version speaks (KafkaApis: version > 4 is TV_2, else TV_0). */
export function endTxnTransactionVersion(apiVersion: number): number {
  return apiVersion > TV1_MAX_VERSION ? 2 : 0;
}

export const endTxnHandler: ApiHandler<EndTxnRequest, EndTxnResponse> = {
  apiKey: ApiKey.EndTxn,
  ...specVersions(ApiKey.EndTxn),
  async handle(req, { broker, apiVersion }) {
    const r = await broker.transactions.endTransaction(
      req.transactionalId,
      Number(req.producerId),
      req.producerEpoch,
      req.committed,
      true,
      endTxnTransactionVersion(apiVersion),
    );
    const errorCode =
      apiVersion < 2 && r.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
  },
};
