/**
 * The Kafka error codes the group coordinator answers with: Kafka's own table, generated from
 * its `Errors` enum (protocol/errors/generated), so there is one source for the numbers.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';

export { ErrorCode };

/** One of the codes in {@link ErrorCode}. */
export type GroupErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
