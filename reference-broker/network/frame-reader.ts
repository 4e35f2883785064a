/** Why a connection's byte stream cannot be read as frames any more. */
export interface FrameError {
  reason: string;
}

/**
 * Splits a TCP byte stream into Kafka frames (int32 size prefix + body).
 * Chunks are kept in a list and joined only when a whole frame is there, so a frame
 * arriving a byte at a time costs no quadratic copying. A size prefix that is negative
 * or larger than `maxFrameBytes` (socket.request.max.bytes) is a protocol error: the
 * caller closes the connection, as Kafka does, rather than buffering up to that size.
 */
export class FrameReader {
  /**
   * The largest frame accepted. Mutable because the limit depends on the connection's state:
   * before SASL authentication Kafka reads at most `sasl.server.max.receive.size` bytes.
   */
  maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** The config the limit comes from, for the reason given when a frame is over it. */
  limitName = 'socket.request.max.bytes';

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received and not yet returned as frames. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns the complete frames it finished (bodies without the size prefix), or an error. */
  push(chunk: Buffer): Buffer[] | FrameError {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < 0) return { reason: `negative frame size ${size}` };
      if (size > this.maxFrameBytes) {
        return { reason: `frame of ${size} bytes is larger than ${this.limitName} (${this.maxFrameBytes})` };
      }
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 8)).subarray(0, 4);
    return head.readInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }
}
