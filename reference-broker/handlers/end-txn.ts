/**
 * EndTxn (key 26), versions 0-4: commit or abort (KafkaApis.handleEndTxnRequest). v5 means the
 * client runs transaction version 2 (KIP-890 part 2), which this broker does not finalize, so it
 * is not served (SKIPPED_FEATURES.md). PRODUCER_FENCED is INVALID_PRODUCER_EPOCH before v2.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

/** The last EndTxn version of transaction version 1 (v5 says the client runs version 2). */
const TV1_MAX_VERSION = 4;

export const endTxnHandler: ApiHandler<EndTxnRequest, EndTxnResponse> = {
  apiKey: ApiKey.EndTxn,
  minVersion: specVersions(ApiKey.EndTxn).minVersion,
  maxVersion: TV1_MAX_VERSION,
  async handle(req, { broker, apiVersion }) {
    const r = await broker.transactions.endTransaction(
      req.transactionalId,
      Number(req.producerId),
      req.producerEpoch,
      req.committed,
    );
    const errorCode =
      apiVersion < 2 && r.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: BigInt(r.producerId), producerEpoch: r.producerEpoch };
  },
};
