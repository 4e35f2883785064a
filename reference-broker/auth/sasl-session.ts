/**
 * The SASL state of one connection on a SASL_PLAINTEXT listener, following Kafka's
 * SaslServerAuthenticator: until the client authenticated, only ApiVersions (once, first),
 * SaslHandshake and then SaslAuthenticate are read; any other request closes the connection
 * without an answer. A refused mechanism or credential gets its error answer (after
 * `connections.failed.authentication.delay.ms`), then the connection is closed.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { API_NAMES } from '../../protocol/messages/generated/api-table.ts';
import { authenticatePlain } from './plain.ts';
import type { SaslListenerConfig, SaslMechanism } from './sasl-config.ts';
import { SaslFailure } from './sasl-failure.ts';
import { ScramServerExchange } from './scram.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** Where a connection is in the exchange (Kafka's SaslState, without re-authentication). */
export type SaslStage = 'handshake-or-versions' | 'handshake' | 'authenticate' | 'complete' | 'failed';

/** What the router does with a request at the current stage. */
export type Admission = { serve: true } | { serve: false; reason: string; answerIllegalState?: boolean };

/** The answer to a SaslAuthenticate. */
export interface AuthenticateOutcome {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

/** Kafka's enum names, for the same close reasons as its log lines. */
function apiName(apiKey: number): string {
  const name = API_NAMES[apiKey];
  return name ? name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : `key ${apiKey}`;
}

/** One connection's authentication. */
export class SaslSession {
  readonly config: SaslListenerConfig;
  stage: SaslStage = 'handshake-or-versions';
  mechanism: SaslMechanism | undefined;
  /** The authenticated user (Kafka's principal User:NAME) once complete. */
  user: string | undefined;
  /** Why the exchange failed, once it did. */
  failure: string | undefined;
  /** SaslHandshake v0: the tokens that follow are bare size-prefixed frames, not SaslAuthenticate requests. */
  rawTokens = false;
  private scram: ScramServerExchange | undefined;

  constructor(config: SaslListenerConfig) {
    this.config = config;
  }

  get authenticated(): boolean {
    return this.stage === 'complete';
  }

  /**
   * Whether a request with `apiKey` is read at this stage. An ApiVersions the broker can answer
   * moves the stage on, as Kafka's does; one of a version it does not serve gets the KIP-511
   * fallback answer and may be retried (`versionServed` false).
   */
  admit(apiKey: number, versionServed = true): Admission {
    switch (this.stage) {
      case 'complete':
        return { serve: true };
      case 'failed':
        return { serve: false, reason: `request after a failed SASL authentication (${this.failure})` };
      case 'handshake-or-versions':
        if (apiKey === ApiKey.ApiVersions) {
          if (versionServed) this.stage = 'handshake';
          return { serve: true };
        }
        if (apiKey === ApiKey.SaslHandshake) return { serve: true };
        return { serve: false, reason: `Unexpected Kafka request of type ${apiName(apiKey)} during SASL handshake.` };
      case 'handshake':
        if (apiKey === ApiKey.SaslHandshake) return { serve: true };
        if (apiKey === ApiKey.ApiVersions)
          return {
            serve: false,
            reason: 'Unexpected ApiVersions request received during SASL authentication state HANDSHAKE_REQUEST',
          };
        return { serve: false, reason: `Unexpected Kafka request of type ${apiName(apiKey)} during SASL handshake.` };
      case 'authenticate':
        if (apiKey === ApiKey.SaslAuthenticate && !this.rawTokens) return { serve: true };
        // Kafka answers this one with ILLEGAL_SASL_STATE in the API's own error response before closing.
        this.fail(`Unexpected Kafka request of type ${apiName(apiKey)} during SASL authentication.`);
        return { serve: false, reason: this.failure!, answerIllegalState: !this.rawTokens };
    }
  }

  /** SaslHandshake: picks the mechanism, or fails with UNSUPPORTED_SASL_MECHANISM. */
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = [...this.config.mechanisms];
    if (!this.config.mechanisms.includes(mechanism as SaslMechanism)) {
      this.fail(`Unsupported SASL mechanism ${mechanism}`);
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    this.mechanism = mechanism as SaslMechanism;
    this.rawTokens = version === 0;
    if (this.mechanism === 'SCRAM-SHA-256') this.scram = new ScramServerExchange((u) => this.config.scramUsers.get(u));
    this.stage = 'authenticate';
    return { errorCode: ErrorCode.NONE, mechanisms };
  }

  /** One SaslAuthenticate token (or a bare token after a v0 handshake). */
  authenticate(token: Buffer): AuthenticateOutcome {
    try {
      let reply: Buffer;
      if (this.mechanism === 'PLAIN') {
        this.user = authenticatePlain(token, this.config.plainUsers);
        reply = Buffer.alloc(0);
        this.stage = 'complete';
      } else {
        reply = this.scram!.evaluate(token);
        if (this.scram!.complete) {
          this.user = this.scram!.user;
          this.stage = 'complete';
        }
      }
      // Kafka leaves the message at its default, the empty string, on success.
      return { errorCode: ErrorCode.NONE, errorMessage: '', authBytes: reply };
    } catch (err) {
      if (!(err instanceof SaslFailure)) throw err;
      this.fail(`SASL/${this.mechanism} authentication failed: ${err.message}`);
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: err.clientMessage(this.mechanism!),
        authBytes: Buffer.alloc(0),
      };
    }
  }

  /** Ends the exchange as failed (the connection is closed after any answer). */
  fail(reason: string): void {
    this.stage = 'failed';
    this.failure = reason;
    this.scram = undefined;
  }
}

const sessions = new WeakMap<object, SaslSession>();

/** Starts the SASL exchange of a new connection on a SASL listener. */
export function attachSaslSession(connection: object, config: SaslListenerConfig): SaslSession {
  const session = new SaslSession(config);
  sessions.set(connection, session);
  return session;
}

/** The connection's SASL state; undefined on a PLAINTEXT listener. */
export function saslSessionOf(connection: object): SaslSession | undefined {
  return sessions.get(connection);
}
