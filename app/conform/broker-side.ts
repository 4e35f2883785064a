import { RawClient, RawClientError } from '../../protocol/client/raw-client.ts';
import { encodeRequest } from '../../protocol/messages/frames.ts';
import { IdentityMap, PLACEHOLDER } from './identity-map.ts';
import { normalizeOutcome, type NormalizeContext, type Normalized, type Outcome } from './normalize.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** Which of the two brokers: the one under test, or the real Kafka it is compared with. */
export type Role = 'target' | 'against';

/** A request as a case sends it: placeholders in it are resolved by each side. */
export interface SideRequest {
  apiKey: number;
  version: number;
  body: unknown;
  /** Produce with acks=0: no answer is expected; a probe tells whether the connection stayed open. */
  noResponse?: boolean;
  timeoutMs?: number;
}

/** A raw frame (size prefix included), for what the codec refuses to encode (unknown versions). */
export interface RawRequest {
  frame: Buffer;
  correlationId: number;
  /** How to decode the answer. */
  decodeAs: { apiKey: number; version: number };
  timeoutMs?: number;
}

const UNRESOLVED_MEMBER = 'kconform-unresolved-member';
/** ApiVersions v0, the probe after an acks=0 produce (v0 carries none of these fields). */
const PROBE = { clientSoftwareName: 'kconform-conform', clientSoftwareVersion: '1.0' };

/**
 * One broker of a conform run: a connection (opened again after the broker closes it), its
 * identity map, and how to send a request template and normalize what comes back.
 */
export class BrokerSide {
  readonly role: Role;
  readonly bootstrap: string;
  readonly ids = new IdentityMap();
  readonly ctx: NormalizeContext;
  private client: RawClient | undefined;
  private readonly defaultTimeoutMs: number;

  constructor(role: Role, bootstrap: string, ctx: Omit<NormalizeContext, 'ids'>, defaultTimeoutMs = 10_000) {
    this.role = role;
    this.bootstrap = bootstrap;
    this.ctx = { ...ctx, ids: this.ids };
    this.defaultTimeoutMs = defaultTimeoutMs;
  }

  /** Replaces the placeholders of a request template by this side's own values. */
  resolve(template: unknown): unknown {
    if (typeof template === 'string') {
      const m = PLACEHOLDER.exec(template);
      if (!m) return template;
      const v = this.ids.resolve(template);
      if (v !== undefined) return v;
      // a placeholder the other side handed out but this one never did: send something it cannot know
      if (m[1] === 'member') return UNRESOLVED_MEMBER;
      if (m[1] === 'pid') return 987_654_321n;
      if (m[1] === 'node') return 987_654;
      return template;
    }
    if (Array.isArray(template)) return template.map((x) => this.resolve(x));
    if (typeof template === 'object' && template !== null && !Buffer.isBuffer(template)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(template)) out[k] = this.resolve(v);
      return out;
    }
    return template;
  }

  private async connection(): Promise<RawClient> {
    if (this.client && !this.client.closed) return this.client;
    this.client = await RawClient.connect(this.bootstrap, 'kconform-conform', 5000);
    return this.client;
  }

  /** Sends a request and reports what the broker did with it. */
  async send(req: SideRequest): Promise<Outcome> {
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    let client: RawClient;
    try {
      client = await this.connection();
    } catch (err) {
      return { kind: 'undecodable', error: `cannot connect: ${(err as Error).message}` };
    }
    const body = this.resolve(req.body);
    try {
      // encode first, so a template the codec refuses is a clear error and not a broken connection
      encodeRequest({ apiKey: req.apiKey, apiVersion: req.version, correlationId: 0, clientId: 'x' }, body);
    } catch (err) {
      return { kind: 'undecodable', error: `kconform cannot encode this request: ${(err as Error).message}` };
    }
    try {
      if (req.noResponse) {
        // Cases are built from the specs at run time, for any API key: the codec checks the body.
        client.requestNoResponseUnchecked(req.apiKey, req.version, body);
        // Requests on one connection are answered in order: once the probe is answered, the
        // broker has handled the acks=0 produce without closing the connection.
        await client.request(ApiKey.ApiVersions, 0, PROBE, timeoutMs);
        return { kind: 'no-answer' };
      }
      return { kind: 'answer', body: await client.requestUnchecked(req.apiKey, req.version, body, timeoutMs) };
    } catch (err) {
      return this.failure(err, timeoutMs);
    }
  }

  /** Sends a raw frame and decodes the answer as `decodeAs`. */
  async sendRaw(req: RawRequest): Promise<Outcome> {
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    try {
      const client = await this.connection();
      return {
        kind: 'answer',
        body: await client.sendRaw(
          req.frame,
          { correlationId: req.correlationId, apiKey: req.decodeAs.apiKey, apiVersion: req.decodeAs.version },
          timeoutMs,
        ),
      };
    } catch (err) {
      return this.failure(err, timeoutMs);
    }
  }

  private failure(err: unknown, timeoutMs: number): Outcome {
    const message = (err as Error).message;
    if (err instanceof RawClientError) {
      if (/no response .* within/.test(message)) {
        // a late answer must not be taken for the next request's: start a new connection
        this.client?.close();
        this.client = undefined;
        return { kind: 'timeout', ms: timeoutMs };
      }
      this.client = undefined;
      return { kind: 'closed' };
    }
    this.client?.close();
    this.client = undefined;
    return { kind: 'undecodable', error: message };
  }

  /** Normalizes an outcome of a request of `apiKey` at `version` with this side's identities. */
  normalize(apiKey: number, version: number, outcome: Outcome): Normalized {
    return normalizeOutcome(apiKey, version, outcome, this.ctx);
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }
}
