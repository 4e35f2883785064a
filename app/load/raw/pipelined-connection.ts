/**
 * One broker connection with many requests in flight (pipelining). Kafka answers the requests of
 * a connection in the order they were sent, so the in-flight requests form a FIFO: each answer
 * must carry the correlation id at the head of the queue, and one that does not is a protocol
 * violation that fails the connection rather than being matched out of order.
 */
import { connect, type Socket } from 'node:net';
import { splitHostPort } from '../../../protocol/client/host-port.ts';

/** Called with an answer's frame (after the size prefix, header included), or with why there is none. */
export type OnAnswer = (frame: Buffer | null, err?: Error) => void;

interface InFlight {
  correlationId: number;
  onAnswer: OnAnswer;
}

/** A connection that writes requests back to back and hands answers back in order. */
export class PipelinedConnection {
  private readonly queue: InFlight[] = [];
  private head = 0;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private nextCorrelationId = 1;
  private corked = false;
  private failed: Error | undefined;

  private readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (c: Buffer) => this.onData(c));
    socket.on('error', (e) => this.fail(new Error(`connection error: ${e.message}`)));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Connects to `host:port`. */
  static open(address: string, timeoutMs = 10_000): Promise<PipelinedConnection> {
    const { host, port } = splitHostPort(address);
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`could not connect to ${address} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new PipelinedConnection(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${address}: ${e.message}`));
      });
    });
  }

  /** Requests written and not answered yet. */
  get inFlight(): number {
    return this.queue.length - this.head;
  }

  /** The correlation id the next request must carry. */
  takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === 0x7fffffff ? 1 : id + 1;
    return id;
  }

  /**
   * Writes a request (its parts back to back). With `onAnswer` an answer is expected and queued
   * for; without one (Produce at acks=0) `onWritten` is called once the bytes left for the kernel.
   * Writes of one tick go out in one writev.
   */
  write(parts: readonly Buffer[], correlationId: number, onAnswer?: OnAnswer, onWritten?: () => void): void {
    if (this.failed) {
      onAnswer?.(null, this.failed);
      return;
    }
    if (onAnswer) this.queue.push({ correlationId, onAnswer });
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      this.socket.write(parts[i]!, last && onWritten ? () => onWritten() : undefined);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      let buf = this.chunks[0]!;
      if (buf.length < 4) buf = this.flatten();
      const size = buf.readInt32BE(0);
      if (this.buffered < 4 + size) return;
      if (buf.length < 4 + size) buf = this.flatten();
      const frame = buf.subarray(4, 4 + size);
      if (buf.length === 4 + size) this.chunks.shift();
      else this.chunks[0] = buf.subarray(4 + size);
      this.buffered -= 4 + size;
      this.answer(frame);
      if (this.failed) return;
    }
  }

  private flatten(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }

  private answer(frame: Buffer): void {
    const expected = this.queue[this.head];
    const got = frame.readInt32BE(0);
    if (!expected || expected.correlationId !== got) {
      const err = new Error(
        `answer out of order: correlation id ${got}, expected ${expected ? expected.correlationId : 'none (nothing in flight)'}`,
      );
      this.fail(err);
      this.socket.destroy();
      return;
    }
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    expected.onAnswer(frame);
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    const waiting = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const w of waiting) w.onAnswer(null, err);
  }
}
