import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest } from '../messages/frame-codec.ts';
import { codecsLoaded, loadCodecs } from '../messages/codec-registry.ts';
import { splitHostPort } from './host-port.ts';

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
 * A Kafka client with no opinions: it sends exactly the API key, version and body a caller
 * gives (encoded by the generated codec) and returns the decoded response. Scenarios and
 * conformance tests use it to ask what a high-level client would never ask.
 */
export class RawClient {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private buffered: Buffer = Buffer.alloc(0);
  private closedError: Error | undefined;
  readonly clientId: string;

  private constructor(socket: Socket, clientId: string) {
    this.socket = socket;
    this.clientId = clientId;
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
        resolve(new RawClient(socket, clientId));
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

  /** Sends a request and resolves with the decoded response body. */
  async request<T = any>(apiKey: number, apiVersion: number, body: unknown, timeoutMs = 30_000): Promise<T> {
    // Checked first: replica fetchers send a request per fetch, and the codecs are almost always there.
    if (!codecsLoaded(apiKey)) await loadCodecs([apiKey]);
    const frame = encodeRequest({ apiKey, apiVersion, correlationId: this.nextCorrelationId, clientId: this.clientId }, body);
    return this.send(frame, apiKey, apiVersion, timeoutMs) as Promise<T>;
  }

  /** Sends a request for which the protocol sends no response (Produce with acks=0). */
  requestNoResponse(apiKey: number, apiVersion: number, body: unknown): void {
    const correlationId = this.nextCorrelationId++;
    this.socket.write(encodeRequest({ apiKey, apiVersion, correlationId, clientId: this.clientId }, body));
  }

  /**
   * Sends raw bytes (a whole frame, size prefix included, or any garbage) and, when
   * `expect` is given, waits for a response with that correlation id decoded as that API/version.
   */
  sendRaw(bytes: Buffer, expect?: { correlationId: number; apiKey: number; apiVersion: number }, timeoutMs = 30_000): Promise<unknown> {
    if (!expect) {
      this.socket.write(bytes);
      return Promise.resolve(undefined);
    }
    this.nextCorrelationId = Math.max(this.nextCorrelationId, expect.correlationId);
    return this.send(bytes, expect.apiKey, expect.apiVersion, timeoutMs, expect.correlationId);
  }

  /** Waits until the broker closes the connection, or rejects after `timeoutMs`. */
  waitForClose(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new RawClientError(`connection still open after ${timeoutMs} ms`)), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private send(frame: Buffer, apiKey: number, apiVersion: number, timeoutMs: number, correlationId = this.nextCorrelationId++): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RawClientError(`no response to ${apiKey} v${apiVersion} (correlation id ${correlationId}) within ${timeoutMs} ms`));
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
        p.resolve(decodeResponse(p.apiKey, p.apiVersion, frame).body);
      } catch (err) {
        p.reject(err as Error);
      }
    }
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
