import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import { FrameReader } from './frame-reader.ts';

/** Handles one request frame; resolves to the response frame (size-prefixed) or null for none. */
export type FrameHandler = (frame: Buffer, conn: Connection) => Promise<Buffer | null>;

let nextConnectionId = 1;

/**
 * One client connection. Frames are handled strictly one after another and their responses
 * written in request order, as Kafka's network processor does (it mutes a channel while a
 * request is in flight); a long-polling Fetch therefore holds back later requests on the
 * same connection, but never other connections.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly socket: Socket;
  private readonly frames: FrameReader;
  private readonly handle: FrameHandler;
  private readonly log: Logger;
  private queue: Buffer[] = [];
  private busy = false;
  private closed = false;

  constructor(socket: Socket, maxFrameBytes: number, handle: FrameHandler, log: Logger) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '?';
    this.remotePort = socket.remotePort ?? 0;
    this.frames = new FrameReader(maxFrameBytes);
    this.handle = handle;
    this.log = log;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug(`connection ${this.describe()}: ${err.message}`));
    socket.on('close', () => {
      this.closed = true;
      this.queue = [];
    });
  }

  describe(): string {
    return `#${this.id} ${this.remoteAddress}:${this.remotePort}`;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection, logging why; requests still queued are dropped, as when Kafka closes a channel. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.log.warn(`closing connection ${this.describe()}: ${reason}`);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
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
          this.close(`internal error handling a request: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          return;
        }
        if (response && !this.closed) this.socket.write(response);
      }
    } finally {
      this.busy = false;
      if (!this.closed) this.socket.resume();
    }
  }
}
