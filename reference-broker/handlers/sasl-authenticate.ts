/**
 * SaslAuthenticate (key 36), versions 0-2 (KIP-152; v1 adds sessionLifetimeMs for KIP-368
 * re-authentication, always 0 here: sessions do not expire).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-152+-+Improve+diagnostics+for+SASL+authentication+failures
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-368%3A+Allow+SASL+Connections+to+Periodically+Re-Authenticate
 *
 * Carries the mechanism's tokens (PLAIN: one; SCRAM-SHA-256: client-first, client-final). A
 * refused credential is answered with SASL_AUTHENTICATION_FAILED and Kafka's message after
 * connections.failed.authentication.delay.ms, then the connection closes. After authentication
 * (or on a PLAINTEXT listener) the answer is ILLEGAL_SASL_STATE with KafkaApis's message.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../../protocol/messages/generated/index.ts';
import { saslSessionOf } from '../auth/sasl-session.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const saslAuthenticateHandler: ApiHandler<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  apiKey: ApiKey.SaslAuthenticate,
  ...specVersions(ApiKey.SaslAuthenticate),
  async handle(request, ctx) {
    const session = saslSessionOf(ctx.connection);
    if (!session || session.authenticated) {
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate request received after successful authentication',
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0n,
      };
    }
    const outcome = session.authenticate(request.authBytes);
    if (outcome.errorCode !== ErrorCode.NONE) await sleep(session.config.failedAuthenticationDelayMs);
    return { ...outcome, sessionLifetimeMs: 0n };
  },
};
