import { DecodeError, Reader } from '../protocol/primitives/index.ts';
import { API_NAMES } from '../protocol/messages/generated/api-table.ts';
import { codecsLoaded, loadCodecs, requestCodec } from '../protocol/messages/codec-registry.ts';
import { decodeRequestHeader, encodeResponse } from '../protocol/messages/frame-codec.ts';
import type { Broker } from './broker.ts';
import type { ApiHandler, RequestContext } from './handlers/handler.ts';
import { HANDLERS } from './handlers/index.ts';
import type { Connection } from './network/connection.ts';
import { apiVersionsFallback } from './handlers/api-versions.ts';
import { saslSessionOf, type SaslSession } from './auth/sasl-session.ts';
import { illegalSaslStateResponse } from './auth/illegal-sasl-state.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';

/**
 * Turns one request frame into one response frame: reads the header, checks the API key and
 * version, decodes the body with the generated codec, runs the API's handler and encodes its
 * answer. What Kafka would refuse by closing the connection (an unknown or disabled API key, an
 * unsupported version of anything but ApiVersions, a body that does not decode) closes it here,
 * with a log line naming why.
 */
export class RequestRouter {
  private readonly broker: Broker;
  private readonly handlers: ReadonlyMap<number, ApiHandler>;

  constructor(broker: Broker, handlers: ReadonlyMap<number, ApiHandler> = HANDLERS) {
    this.broker = broker;
    this.handlers = handlers;
  }

  async route(frame: Buffer, conn: Connection): Promise<Buffer | null> {
    const sasl = saslSessionOf(conn);
    if (sasl && !sasl.authenticated) return this.routeUnauthenticated(frame, conn, sasl);
    return this.routeRequest(frame, conn);
  }

  /**
   * A SASL listener before the client authenticated (Kafka's SaslServerAuthenticator): only
   * ApiVersions, SaslHandshake and SaslAuthenticate are read; after a v0 handshake the frames are
   * bare tokens; a failed exchange gets its answer and then the connection closes.
   */
  private async routeUnauthenticated(frame: Buffer, conn: Connection, sasl: SaslSession): Promise<Buffer | null> {
    if (sasl.stage === 'authenticate' && sasl.rawTokens) {
      const outcome = sasl.authenticate(frame);
      if (outcome.errorCode !== 0) {
        conn.close(sasl.failure ?? 'SASL authentication failed');
        return null;
      }
      if (sasl.authenticated) conn.setFrameLimit(this.broker.config.socketRequestMaxBytes, 'socket.request.max.bytes');
      const out = Buffer.allocUnsafe(4 + outcome.authBytes.length);
      out.writeInt32BE(outcome.authBytes.length, 0);
      outcome.authBytes.copy(out, 4);
      return out;
    }
    if (frame.length < 8) {
      conn.close(
        `request of ${frame.length} bytes is too short for a request header (SASL listener, not authenticated)`,
      );
      return null;
    }
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const handler = this.handlers.get(apiKey);
    const admission = sasl.admit(
      apiKey,
      handler !== undefined && apiVersion >= handler.minVersion && apiVersion <= handler.maxVersion,
    );
    if (!admission.serve) {
      if (!admission.answerIllegalState) {
        conn.close(admission.reason);
        return null;
      }
      await sleep(sasl.config.failedAuthenticationDelayMs);
      const answer = await this.routeRequest(frame, conn, illegalSaslStateResponse);
      conn.closeAfterResponse(admission.reason);
      return answer;
    }
    const response = await this.routeRequest(frame, conn);
    if (sasl.stage === 'failed') conn.closeAfterResponse(sasl.failure ?? 'SASL authentication failed');
    else if (sasl.authenticated)
      conn.setFrameLimit(this.broker.config.socketRequestMaxBytes, 'socket.request.max.bytes');
    return response;
  }

  /**
   * Reads, checks and decodes one request and answers it with its API's handler, or with
   * `instead(apiKey, body)` when given (undefined from it: close without an answer).
   */
  private async routeRequest(
    frame: Buffer,
    conn: Connection,
    instead?: (apiKey: number, body: unknown) => unknown,
  ): Promise<Buffer | null> {
    if (frame.length < 8) {
      conn.close(`request of ${frame.length} bytes is too short for a request header`);
      return null;
    }
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const handler = this.handlers.get(apiKey);
    if (!handler) {
      const name = API_NAMES[apiKey];
      conn.close(name ? `API ${name} (key ${apiKey}) is not enabled on this broker` : `unknown API key ${apiKey}`);
      return null;
    }
    // Codecs load on an API's first request, not at start: a test's broker is ready sooner, and
    // most clients use a handful of the APIs served.
    if (!codecsLoaded(apiKey)) await loadCodecs([apiKey]);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) {
        // KIP-511: answer an ApiVersions we cannot parse with a v0 response listing what we support.
        return encodeResponse(ApiKey.ApiVersions, 0, correlationId, apiVersionsFallback(this.handlers));
      }
      conn.close(
        `unsupported version ${apiVersion} of ${API_NAMES[apiKey]} (this broker serves ${handler.minVersion}-${handler.maxVersion})`,
      );
      return null;
    }
    const descriptor = requestCodec(apiKey)!;
    let body: unknown;
    let clientId: string | null;
    try {
      const r = new Reader(frame);
      const header = decodeRequestHeader(r);
      clientId = header.clientId;
      // Bytes after the last field are ignored, as Kafka's AbstractRequest.parseRequest does for
      // every API and version (see DecodeRequestOptions.trailingBytes in frame-codec.ts).
      body = descriptor.decode(r, apiVersion);
    } catch (err) {
      if (err instanceof DecodeError) {
        conn.close(
          `malformed ${API_NAMES[apiKey]} v${apiVersion} request (correlation id ${correlationId}): ${err.message}`,
        );
        return null;
      }
      throw err;
    }
    if (instead) {
      const answer = instead(apiKey, body);
      if (answer === undefined) {
        conn.close(`no answer for ${API_NAMES[apiKey]} in this state`);
        return null;
      }
      return encodeResponse(apiKey, apiVersion, correlationId, answer);
    }
    const user = saslSessionOf(conn)?.user;
    const principal = {
      principal: `User:${user ?? 'ANONYMOUS'}`,
      // Kafka compares ACL hosts with the address as InetAddress prints it: an IPv4 peer without the IPv6 mapping prefix
      host: conn.remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, ''),
    };
    const ctx: RequestContext = {
      apiVersion,
      correlationId,
      clientId,
      connection: conn,
      broker: this.broker,
      principal,
    };
    const response = await handler.handle(body, ctx);
    if (response === null || conn.isClosed) return null;
    return encodeResponse(apiKey, apiVersion, correlationId, response);
  }
}
