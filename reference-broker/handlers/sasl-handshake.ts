/**
 * SaslHandshake (key 17), versions 0-1 (KIP-43; v1 with KIP-152: tokens then travel in
 * SaslAuthenticate requests, v0 leaves them as bare size-prefixed frames).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-43%3A+Kafka+SASL+enhancements
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-152+-+Improve+diagnostics+for+SASL+authentication+failures
 *
 * On a SASL listener before authentication: the mechanism list, or UNSUPPORTED_SASL_MECHANISM
 * (answered after connections.failed.authentication.delay.ms, then the connection closes).
 * Anywhere else (a PLAINTEXT listener, an authenticated connection) Kafka's KafkaApis answers
 * ILLEGAL_SASL_STATE, and so does this handler.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../../protocol/messages/generated/index.ts';
import { saslSessionOf } from '../auth/sasl-session.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const saslHandshakeHandler: ApiHandler<SaslHandshakeRequest, SaslHandshakeResponse> = {
  apiKey: ApiKey.SaslHandshake,
  ...specVersions(ApiKey.SaslHandshake),
  async handle(request, ctx) {
    const session = saslSessionOf(ctx.connection);
    if (!session || session.authenticated) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const answer = session.handshake(request.mechanism, ctx.apiVersion);
    if (answer.errorCode !== ErrorCode.NONE) await sleep(session.config.failedAuthenticationDelayMs);
    return answer;
  },
};
