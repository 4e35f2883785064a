/**
 * Errors of the gateway as Confluent REST Proxy v3 reports them: an HTTP status and a JSON body
 * `{"error_code": N, "message": "…"}`, where error_code is the status, or the status times 100
 * plus a sub-code for Kafka errors (40403 unknown topic or partition, 50003 retriable Kafka
 * error, …). The mapping follows REST Proxy's KafkaExceptionMapper (confluentinc/rest-utils)
 * and the produce API's documented answers (400, 401, 403, 404, 413, 415, 5xx).
 */
import { ERROR_INFO } from '../../protocol/errors/generated/error-codes.ts';
import { kafkaErrorType, rootCause, rootMessage } from './kafka-errors.ts';

/** REST Proxy's Kafka error codes (rest-utils KafkaExceptionMapper; fixed for kafka-rest). */
export const RestErrorCode = {
  badRequest: 400,
  kafkaBadRequest: 40002,
  kafkaAuthentication: 40101,
  kafkaAuthorization: 40301,
  notFound: 404,
  unknownTopicOrPartition: 40403,
  methodNotAllowed: 405,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  kafkaError: 50002,
  kafkaRetriable: 50003,
  brokerNotAvailable: 50302,
} as const;

/** An error with the HTTP status and REST error code to answer it with. */
export class GatewayHttpError extends Error {
  readonly status: number;
  readonly errorCode: number;
  constructor(status: number, errorCode: number, message: string) {
    super(message);
    this.name = 'GatewayHttpError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

/** Bad request (malformed JSON, a field of the wrong type, …): 400, error_code 400. */
export function badRequest(message: string): GatewayHttpError {
  return new GatewayHttpError(400, RestErrorCode.badRequest, message);
}

const AUTHENTICATION = new Set(['SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE', 'UNSUPPORTED_SASL_MECHANISM']);
const AUTHORIZATION = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);
// rest-utils maps these exception classes to 400 / 40002.
const BAD_REQUEST = new Set([
  'INVALID_REPLICATION_FACTOR',
  'SECURITY_DISABLED',
  'UNSUPPORTED_VERSION',
  'INVALID_PARTITIONS',
  'INVALID_REQUEST',
  'UNKNOWN_SERVER_ERROR',
  'POLICY_VIOLATION',
  'TOPIC_ALREADY_EXISTS',
  'INVALID_CONFIG',
]);
// The produce API documents 413 for records larger than the broker accepts.
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
// kafkajs errors that mean no broker could be reached at all.
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'RawClientError',
]);

const retriableByName = new Map<string, boolean>([...ERROR_INFO.values()].map((i) => [i.name, i.retriable]));

/**
 * The HTTP answer for an error met while producing: the gateway's own errors as they are, Kafka
 * errors by their name, client errors (timeouts, lost connections) as REST Proxy would see them
 * from its Java producer (a timeout is retriable: 500 / 50003).
 */
export function httpErrorFor(err: unknown): GatewayHttpError {
  if (err instanceof GatewayHttpError) return err;
  const message = rootMessage(err);
  const type = kafkaErrorType(err);
  if (type) {
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION')
      return new GatewayHttpError(404, RestErrorCode.unknownTopicOrPartition, message);
    if (AUTHENTICATION.has(type)) return new GatewayHttpError(401, RestErrorCode.kafkaAuthentication, message);
    if (AUTHORIZATION.has(type)) return new GatewayHttpError(403, RestErrorCode.kafkaAuthorization, message);
    if (TOO_LARGE.has(type)) return new GatewayHttpError(413, RestErrorCode.payloadTooLarge, message);
    if (BAD_REQUEST.has(type)) return new GatewayHttpError(400, RestErrorCode.kafkaBadRequest, message);
    if (type === 'BROKER_NOT_AVAILABLE') return new GatewayHttpError(503, RestErrorCode.brokerNotAvailable, message);
    return new GatewayHttpError(
      500,
      retriableByName.get(type) ? RestErrorCode.kafkaRetriable : RestErrorCode.kafkaError,
      message,
    );
  }
  const name = (rootCause(err) as { name?: string } | undefined)?.name ?? '';
  if (UNREACHABLE.has(name)) return new GatewayHttpError(503, RestErrorCode.brokerNotAvailable, message);
  if (/Timeout/i.test(name)) return new GatewayHttpError(500, RestErrorCode.kafkaRetriable, message);
  return new GatewayHttpError(500, RestErrorCode.kafkaError, message);
}

/** The JSON body REST Proxy v3 sends with an error. */
export function errorBody(e: GatewayHttpError): { error_code: number; message: string } {
  return { error_code: e.errorCode, message: e.message };
}
