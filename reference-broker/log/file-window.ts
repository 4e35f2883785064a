import { readSync } from 'node:fs';

/**
 * Shared read buffer of every file window. Log operations are synchronous and never nested,
 * so one buffer serves them all instead of one per segment (there may be thousands).
 */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
/** Bumped on every fill of `scratch`, so a window knows when another one overwrote it. */
let fills = 0;

/**
 * A cached window over a file for walking batch headers: `view(pos, n)` makes bytes
 * [pos, pos + n) available with one read of at least `chunkBytes`, and answers where they are
 * in {@link buf}. Use one window per operation: it does not see writes made after it read.
 */
export class FileWindow {
  private readonly fd: number;
  private readonly fileEnd: number;
  private readonly chunkBytes: number;
  private start = 0;
  private length = 0;
  private fill = -1;

  constructor(fd: number, fileEnd: number, chunkBytes: number) {
    this.fd = fd;
    this.fileEnd = fileEnd;
    this.chunkBytes = chunkBytes;
  }

  /** The buffer the offsets returned by {@link view} index into (valid until the next view). */
  get buf(): Buffer {
    return scratch;
  }

  /** Offset in {@link buf} of file bytes [pos, pos + n), or -1 when the file ends before. */
  view(pos: number, n: number): number {
    if (pos + n > this.fileEnd) return -1;
    if (this.fill === fills && pos >= this.start && pos + n <= this.start + this.length) return pos - this.start;
    const want = Math.min(Math.max(n, this.chunkBytes), this.fileEnd - pos);
    if (scratch.length < want) scratch = Buffer.allocUnsafeSlow(want);
    this.fill = ++fills;
    this.start = pos;
    this.length = readFully(this.fd, scratch, want, pos);
    if (this.length < n) throw new Error(`file ended at ${pos + this.length}, expected ${this.fileEnd} bytes`);
    return 0;
  }
}

/** Reads `length` bytes at `position` into `buf` (from 0), looping over short reads; returns bytes read. */
export function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
