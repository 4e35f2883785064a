import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest } from '../messages/frame-codec.ts';
import { codecsLoaded, loadCodecs } from '../messages/codec-registry.ts';
import { ApiKey, type RequestOf, type ResponseOf } from '../messages/generated/api-keys.ts';
import { splitHostPort } from './host-port.ts';
import {
  codecVersions,
  pickVersion,
  servedVersions,
  type ServedVersions,
  type WantedVersions,
} from './api-version-negotiation.ts';

export {
  UnsupportedApiError,
  type ServedVersions,
  type VersionRange,
  type WantedVersions,
} from './api-version-negotiation.ts';

const UNSUPPORTED_VERSION = 35;
/** How kconform names itself in ApiVersions (KIP-511; the broker shows it in its client metrics). */
const SOFTWARE = { clientSoftwareName: 'kconform', clientSoftwareVersion: '0.1.0' } as const;

/** Options of {@link RawClient.send}. */
export interface SendOptions {
  /** The versions the caller can build the body (and read the answer) at; default the codec's whole range. */
  versions?: WantedVersions;
  /** Longest wait for the answer (and for the ApiVersions exchange on a fresh connection); default 30 s. */
  timeoutMs?: number;
}

/** A request body, or (for {@link RawClient.send}) a function of the negotiated version that builds one. */
export type BodyFor<K extends ApiKey> = RequestOf<K> | ((version: number) => RequestOf<K>);

/** Why a raw request got no answer. */
export class RawClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RawClientError';
  }
}

interface Pending {
  apiKey: number;
  apiVersion: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A Kafka client with no opinions about content: {@link send} negotiates the version as real
 * clients do (the highest the broker's ApiVersions, the codec and the caller all allow) and
 * returns the decoded response; {@link request} sends exactly the version given, for
 * conformance and fuzz tests that probe how a broker handles versions. Scenarios and
 * conformance tests use it to ask what a high-level client would never ask.
 */
export class RawClient {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private buffered: Buffer = Buffer.alloc(0);
  private closedError: Error | undefined;
  private served: Promise<ServedVersions> | undefined;
  readonly clientId: string;
  /** The `host:port` this client connected to (named in errors). */
  readonly address: string;

  private constructor(socket: Socket, clientId: string, address: string) {
    this.socket = socket;
    this.clientId = clientId;
    this.address = address;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => this.failAll(new RawClientError('connection closed by the broker')));
    socket.on('error', (err) => this.failAll(new RawClientError(`connection error: ${err.message}`)));
  }

  /** Connects to `host:port`; rejects after `timeoutMs`. */
  static connect(bootstrap: string, clientId = 'kconform-raw', timeoutMs = 5000): Promise<RawClient> {
    const { host, port } = splitHostPort(bootstrap);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RawClientError(`could not connect to ${bootstrap} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RawClient(socket, clientId, bootstrap));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new RawClientError(`could not connect to ${bootstrap}: ${err.message}`));
      });
    });
  }

  /** True once the broker (or we) closed the connection. */
  get closed(): boolean {
    return this.closedError !== undefined || this.socket.destroyed;
  }

  /**
   * Sends a request at exactly `apiVersion` and resolves with the decoded response body. A
   * version the broker does not serve usually closes the connection: use {@link send} unless
   * the version itself is what is being tested.
   */
  async request<K extends ApiKey>(
    apiKey: K,
    apiVersion: number,
    body: RequestOf<K>,
    timeoutMs = 30_000,
  ): Promise<ResponseOf<K>> {
    // The codec of `apiKey` decodes the answer, so its type is ResponseOf<K>.
    return (await this.requestUnchecked(apiKey, apiVersion, body, timeoutMs)) as ResponseOf<K>;
  }

  /**
   * {@link request} for a body built from data at run time, of an API key known only then
   * (conform's generated cases): the codec checks the body as it encodes it, and the answer is
   * `unknown` until the caller narrows it. Code that knows its API key uses {@link request}.
   */
  async requestUnchecked(apiKey: number, apiVersion: number, body: unknown, timeoutMs = 30_000): Promise<unknown> {
    // Checked first: replica fetchers send a request per fetch, and the codecs are almost always there.
    if (!codecsLoaded(apiKey)) await loadCodecs([apiKey]);
    const frame = encodeRequest(
      { apiKey, apiVersion, correlationId: this.nextCorrelationId, clientId: this.clientId },
      body,
    );
    return this.sendFrame(frame, apiKey, apiVersion, timeoutMs);
  }

  /** Sends a request at exactly `apiVersion` for which the protocol sends no response (Produce with acks=0). */
  requestNoResponse<K extends ApiKey>(apiKey: K, apiVersion: number, body: RequestOf<K>): void {
    this.requestNoResponseUnchecked(apiKey, apiVersion, body);
  }

  /** {@link requestNoResponse} for a body built from data at run time (see {@link requestUnchecked}); the codec must be loaded. */
  requestNoResponseUnchecked(apiKey: number, apiVersion: number, body: unknown): void {
    const correlationId = this.nextCorrelationId++;
    this.socket.write(encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.clientId }, body));
  }

  /**
   * The versions the broker serves, by API key: asked once per connection with ApiVersions, as
   * Kafka's clients do. The newest ApiVersions the codec knows is sent first; a broker that
   * does not serve it answers v0 with UNSUPPORTED_VERSION and its range (KIP-511), and the
   * request is sent again at the highest version both serve.
   */
  serverVersions(timeoutMs = 30_000): Promise<ServedVersions> {
    if (!this.served) {
      const asking = this.askApiVersions(timeoutMs);
      this.served = asking;
      // A failed exchange (timeout, closed connection) is asked again by the next caller.
      asking.catch(() => {
        if (this.served === asking) this.served = undefined;
      });
    }
    return this.served;
  }

  /**
   * The version {@link send} uses for `apiKey`: the highest the broker serves, the codec knows
   * and the caller can build (`want`).
   *
   * @throws UnsupportedApiError when there is none (the connection stays open)
   */
  async negotiate(apiKey: number, want: WantedVersions = {}, timeoutMs = 30_000): Promise<number> {
    return pickVersion(apiKey, await this.serverVersions(timeoutMs), want, `the broker at ${this.address}`);
  }

  /**
   * Sends a request at the negotiated version ({@link negotiate}) and resolves with the decoded
   * response body. `body` may depend on the version (a function of it); fields a version lacks
   * are skipped by the encoder, so one body usually serves every version.
   *
   * @throws UnsupportedApiError when the broker serves no version kconform can send
   */
  async send<K extends ApiKey>(apiKey: K, body: BodyFor<K>, opts: SendOptions = {}): Promise<ResponseOf<K>> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const version = await this.negotiate(apiKey, opts.versions, timeoutMs);
    return this.request(apiKey, version, bodyAt(body, version), timeoutMs);
  }

  /** {@link send} for a request the protocol answers with nothing (Produce with acks=0); resolves once written. */
  async sendNoResponse<K extends ApiKey>(apiKey: K, body: BodyFor<K>, opts: SendOptions = {}): Promise<void> {
    const version = await this.negotiate(apiKey, opts.versions, opts.timeoutMs);
    if (!codecsLoaded(apiKey)) await loadCodecs([apiKey]);
    this.requestNoResponse(apiKey, version, bodyAt(body, version));
  }

  private async askApiVersions(timeoutMs: number): Promise<ServedVersions> {
    const newest = codecVersions(ApiKey.ApiVersions).max;
    let answer = await this.request(ApiKey.ApiVersions, newest, SOFTWARE, timeoutMs);
    if (answer.errorCode === UNSUPPORTED_VERSION) {
      const theirs = answer.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
      if (!theirs)
        throw new RawClientError(
          `the broker at ${this.address} refused ApiVersions v${newest} and did not say which versions it serves`,
        );
      answer = await this.request(ApiKey.ApiVersions, Math.min(newest, theirs.maxVersion), SOFTWARE, timeoutMs);
    }
    if (answer.errorCode !== 0)
      throw new RawClientError(`ApiVersions at ${this.address} answered error code ${answer.errorCode}`);
    return servedVersions(answer.apiKeys);
  }

  /**
   * Sends raw bytes (a whole frame, size prefix included, or any garbage) and, when
   * `expect` is given, waits for a response with that correlation id decoded as that API/version.
   */
  sendRaw(
    bytes: Buffer,
    expect?: { correlationId: number; apiKey: number; apiVersion: number },
    timeoutMs = 30_000,
  ): Promise<unknown> {
    if (!expect) {
      this.socket.write(bytes);
      return Promise.resolve(undefined);
    }
    this.nextCorrelationId = Math.max(this.nextCorrelationId, expect.correlationId);
    return this.sendFrame(bytes, expect.apiKey, expect.apiVersion, timeoutMs, expect.correlationId);
  }

  /** Waits until the broker closes the connection, or rejects after `timeoutMs`. */
  waitForClose(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RawClientError(`connection still open after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private sendFrame(
    frame: Buffer,
    apiKey: number,
    apiVersion: number,
    timeoutMs: number,
    correlationId = this.nextCorrelationId++,
  ): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(
          new RawClientError(
            `no response to ${apiKey} v${apiVersion} (correlation id ${correlationId}) within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(correlationId, { apiKey, apiVersion, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) break;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const p = this.pending.get(correlationId);
      if (!p) continue;
      this.pending.delete(correlationId);
      clearTimeout(p.timer);
      try {
        p.resolve(decodeResponse(p.apiKey, this.answeredVersion(p, frame), frame).body);
      } catch (err) {
        p.reject(err as Error);
      }
    }
  }

  /**
   * The version an answer is written in: the request's, except that a broker answers an
   * ApiVersions it does not serve in v0 with UNSUPPORTED_VERSION (KIP-511; the error code is the
   * body's first field in every version, after ApiVersions' 4-byte v0 response header).
   */
  private answeredVersion(p: Pending, frame: Buffer): number {
    if (
      p.apiKey === ApiKey.ApiVersions &&
      p.apiVersion > 0 &&
      frame.length >= 6 &&
      frame.readInt16BE(4) === UNSUPPORTED_VERSION
    )
      return 0;
    return p.apiVersion;
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

/** The body of a {@link BodyFor} at `version`. */
function bodyAt<K extends ApiKey>(body: BodyFor<K>, version: number): RequestOf<K> {
  return typeof body === 'function' ? body(version) : body;
}
