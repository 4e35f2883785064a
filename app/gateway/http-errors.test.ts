import { describe, expect, it } from 'vitest';
import { GatewayHttpError, errorBody, httpErrorFor } from './http-errors.ts';

/** The shape kafkajs throws: a protocol error (type = Kafka's error name) wrapped by the retrier. */
function kafkajsError(type: string, retried = true): Error {
  const protocol = Object.assign(new Error(`broker said ${type}`), {
    name: 'KafkaJSProtocolError',
    type,
    code: 0,
    retriable: true,
  });
  if (!retried) return protocol;
  return Object.assign(new Error(protocol.message), { name: 'KafkaJSNumberOfRetriesExceeded', cause: protocol });
}

const mapped = (err: unknown) => {
  const e = httpErrorFor(err);
  return [e.status, e.errorCode];
};

describe('httpErrorFor (REST Proxy v3 error mapping)', () => {
  it('maps an unknown topic or partition to 404 / 40403', () => {
    expect(mapped(kafkajsError('UNKNOWN_TOPIC_OR_PARTITION'))).toEqual([404, 40403]);
  });

  it('maps records too large to 413', () => {
    expect(mapped(kafkajsError('MESSAGE_TOO_LARGE', false))).toEqual([413, 413]);
    expect(mapped(kafkajsError('RECORD_LIST_TOO_LARGE'))).toEqual([413, 413]);
  });

  it('maps authentication and authorization failures to 401 / 40101 and 403 / 40301', () => {
    expect(mapped(kafkajsError('SASL_AUTHENTICATION_FAILED'))).toEqual([401, 40101]);
    expect(mapped(kafkajsError('TOPIC_AUTHORIZATION_FAILED'))).toEqual([403, 40301]);
  });

  it('maps what rest-utils calls bad requests to 400 / 40002', () => {
    expect(mapped(kafkajsError('INVALID_REQUEST'))).toEqual([400, 40002]);
    expect(mapped(kafkajsError('UNKNOWN_SERVER_ERROR'))).toEqual([400, 40002]);
    expect(mapped(kafkajsError('POLICY_VIOLATION'))).toEqual([400, 40002]);
  });

  it('maps retriable Kafka errors (a broker timeout too) to 500 / 50003 and the rest to 500 / 50002', () => {
    expect(mapped(kafkajsError('REQUEST_TIMED_OUT'))).toEqual([500, 50003]);
    expect(mapped(kafkajsError('NOT_ENOUGH_REPLICAS'))).toEqual([500, 50003]);
    expect(mapped(kafkajsError('NOT_LEADER_OR_FOLLOWER'))).toEqual([500, 50003]);
    expect(mapped(kafkajsError('INVALID_RECORD', false))).toEqual([500, 50002]);
  });

  it('maps a client-side timeout to 500 / 50003 and an unreachable broker to 503 / 50302', () => {
    expect(
      mapped(Object.assign(new Error('Request Produce timed out'), { name: 'KafkaJSRequestTimeoutError' })),
    ).toEqual([500, 50003]);
    const refused = Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
    expect(
      mapped(Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: refused })),
    ).toEqual([503, 50302]);
    expect(mapped(kafkajsError('BROKER_NOT_AVAILABLE'))).toEqual([503, 50302]);
  });

  it('keeps the gateway’s own errors and anything else is 500 / 50002', () => {
    const own = new GatewayHttpError(415, 415, 'bad media type');
    expect(httpErrorFor(own)).toBe(own);
    expect(mapped(new Error('boom'))).toEqual([500, 50002]);
    expect(mapped('a string')).toEqual([500, 50002]);
  });

  it('answers with REST Proxy’s error body, carrying the innermost message', () => {
    expect(errorBody(httpErrorFor(kafkajsError('UNKNOWN_TOPIC_OR_PARTITION')))).toEqual({
      error_code: 40403,
      message: 'broker said UNKNOWN_TOPIC_OR_PARTITION',
    });
  });
});
