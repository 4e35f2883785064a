import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import { FrameReader } from './frame-reader.ts';
import { LogRateLimiter } from './log-rate-limiter.ts';

/** Handles one request frame; resolves to the response frame (size-prefixed) or null for none. */
export type FrameHandler = (frame: Buffer, conn: Connection) => Promise<Buffer | null>;

/** How a connection reads and when it gives up on a client. */
export interface ConnectionOptions {
  /** socket.request.max.bytes: a size prefix above this closes the connection before anything is buffered. */
  maxFrameBytes: number;
  /** connections.max.idle.ms: no byte read or written for this long closes the connection (0: never). */
  idleTimeoutMs: number;
  handle: FrameHandler;
  log: Logger;
  /** Shared by the connections of one listener so a flood of bad clients cannot flood the log. */
  closeLog?: LogRateLimiter;
  /**
   * Answers written and not yet taken by the kernel above which no further request is handled
   * (and nothing more read) until the client has read them: default {@link MAX_UNSENT_RESPONSE_BYTES}.
   */
  maxUnsentResponseBytes?: number;
}

/**
 * Default bound on a connection's answers the client has not read yet. Kafka mutes a channel
 * from the moment a request arrives until its response is completely sent, so it holds at most
 * one response per connection; this allows a little pipelining (small answers are written
 * back to back) yet keeps a client that never reads from costing more than this plus one response.
 */
export const MAX_UNSENT_RESPONSE_BYTES = 1024 * 1024;

let nextConnectionId = 1;
// After an answer that ends the conversation, how long the client gets to read it before the socket is torn down.
const LINGER_MS = 2_000;

/**
 * One client connection. Frames are handled strictly one after another and their responses
 * written in request order, as Kafka's network processor does (it mutes a channel while a
 * request is in flight); a long-polling Fetch therefore holds back later requests on the
 * same connection, but never other connections.
 *
 * Memory per connection is bounded: a frame is buffered only as far as the client actually sent
 * it (never allocated up front from its size prefix, unlike Kafka's NetworkReceive), a size over
 * `maxFrameBytes` closes the connection, and reading stops while a request is in flight, so a
 * pipelining client leaves its backlog in the kernel's socket buffer, not in ours. Answers are
 * bounded the same way: once more than `maxUnsentResponseBytes` of them wait for the client to
 * read, the connection stops handling requests (and reading) until they drain, as Kafka keeps a
 * channel muted until its response is sent.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly socket: Socket;
  private readonly frames: FrameReader;
  private readonly handle: FrameHandler;
  private readonly log: Logger;
  private readonly closeLog: LogRateLimiter;
  private readonly maxUnsentResponseBytes: number;
  private queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  /** The client closed its side: requests it sent before are still handled (acks=0 produces), their answers dropped. */
  private peerGone = false;
  private endAfterResponse: string | undefined;

  constructor(socket: Socket, options: ConnectionOptions) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '?';
    this.remotePort = socket.remotePort ?? 0;
    this.frames = new FrameReader(options.maxFrameBytes);
    this.handle = options.handle;
    this.log = options.log;
    this.closeLog = options.closeLog ?? new LogRateLimiter(options.log);
    this.maxUnsentResponseBytes = options.maxUnsentResponseBytes ?? MAX_UNSENT_RESPONSE_BYTES;
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      // Node resets this timer on every read and write, which is what Kafka's idle expiry counts too.
      socket.setTimeout(options.idleTimeoutMs);
      socket.on('timeout', () => this.close(`idle for ${options.idleTimeoutMs} ms (connections.max.idle.ms)`, 'debug'));
    }
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug(`connection ${this.describe()}: ${err.message}`));
    // As Kafka's Selector closes a channel gracefully: requests received before the client went
    // away are still processed (an acks=0 producer that disconnects right after sending keeps its
    // records); only the answers have nowhere to go.
    socket.on('close', () => {
      this.peerGone = true;
    });
  }

  describe(): string {
    return `#${this.id} ${this.remoteAddress}:${this.remotePort}`;
  }

  /** True once either side closed: handlers stop waiting (a long poll) and answers are not encoded. */
  get isClosed(): boolean {
    return this.closed || this.peerGone;
  }

  /**
   * What this connection costs in memory: bytes received and not yet handled (partial frame plus
   * queued frames) and answers written that the kernel has not taken yet.
   */
  get bufferedBytes(): number {
    let n = this.frames.pendingBytes + this.socket.writableLength;
    for (const f of this.queue) n += f.length;
    return n;
  }

  /**
   * Changes the largest frame this connection accepts from now on (SASL: `sasl.server.max.receive.size`
   * until the client authenticated, then `socket.request.max.bytes`).
   */
  setFrameLimit(maxFrameBytes: number, configName: string): void {
    this.frames.maxFrameBytes = maxFrameBytes;
    this.frames.limitName = configName;
  }

  /** Closes the connection, logging why; requests still queued are dropped, as when Kafka closes a channel. */
  close(reason: string, level: 'warn' | 'debug' = 'warn'): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    if (level === 'warn') this.closeLog.warn(`closing connection ${this.describe()}: ${reason}`);
    else this.log.debug(`closing connection ${this.describe()}: ${reason}`);
    this.socket.destroy();
  }

  /**
   * Sends the answer to the request being handled, then closes: what Kafka does after a failed
   * SASL authentication (the client reads the error, then the channel is closed). Requests the
   * client sent after that one are dropped.
   */
  closeAfterResponse(reason: string): void {
    this.endAfterResponse ??= reason;
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.endAfterResponse !== undefined) return;
    const got = this.frames.push(chunk);
    if (!Array.isArray(got)) {
      this.close(got.reason);
      return;
    }
    if (got.length === 0) return;
    this.queue.push(...got);
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    // Stop reading while requests are in flight so a client that pipelines cannot make us buffer without bound.
    this.socket.pause();
    try {
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        let response: Buffer | null;
        try {
          response = await this.handle(frame, this);
        } catch (err) {
          this.close(
            `internal error handling a request: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
          );
          return;
        }
        if (response && !this.closed && !this.peerGone) this.socket.write(response);
        if (this.endAfterResponse !== undefined) {
          this.finish(this.endAfterResponse);
          return;
        }
        // A client that does not read its answers: handle nothing more until it has read them.
        if (!this.peerGone && this.socket.writableLength > this.maxUnsentResponseBytes) await this.writesDrained();
      }
    } finally {
      this.busy = false;
      if (!this.closed && !this.peerGone) this.socket.resume();
    }
  }

  /** Resolves once the socket has handed every written byte to the kernel, or is closed. */
  private writesDrained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Flushes what was written, then closes (and tears the socket down if the client does not close its side). */
  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.closeLog.warn(`closing connection ${this.describe()} after the answer: ${reason}`);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }
}
