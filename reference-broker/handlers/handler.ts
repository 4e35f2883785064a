import type { Broker } from '../broker.ts';
import type { RequestPrincipal } from '../acls/authorizer.ts';

/** What a handler knows about the connection a request came on. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** True once the connection is closed (a waiting request can stop early). */
  readonly isClosed: boolean;
  /** Closes the connection after logging why (acks=0 produce errors do this, as in Kafka). */
  close(reason: string): void;
}

/** Everything a handler may use besides the decoded request body. */
export interface RequestContext {
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly connection: ConnectionInfo;
  readonly broker: Broker;
  /** Who sent the request: `User:NAME` after SASL, `User:ANONYMOUS` on PLAINTEXT, and from which address. */
  readonly principal: RequestPrincipal;
}

/**
 * The handler of one API key. `handle` returns the response body, or `null` when the protocol
 * says no response is sent (Produce with acks=0). Kafka errors are values in the response;
 * a thrown exception is a bug and closes the connection.
 */
// biome-ignore lint/suspicious/noExplicitAny: handlers of every API share one table; each names its own body types
export interface ApiHandler<Req = any, Res = any> {
  readonly apiKey: number;
  /** The versions this broker serves (advertised in ApiVersions). */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: Req, ctx: RequestContext): Res | null | Promise<Res | null>;
}
