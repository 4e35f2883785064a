import { closeSync, fstatSync, fsyncSync, ftruncateSync, writeSync } from 'node:fs';
import { readFully } from './file-window.ts';

/**
 * A file of fixed-size entries that only grows at the end or is cut back, as Kafka's index
 * files are (without their preallocation: the file is exactly its entries). Appended entries
 * are staged and written with one write by {@link writePending}.
 */
export class IndexFile {
  private readonly fd: number;
  private readonly entryBytes: number;
  private written = 0;
  private pending: Buffer[] = [];
  private dirty = false;

  constructor(fd: number, entryBytes: number) {
    this.fd = fd;
    this.entryBytes = entryBytes;
  }

  /** The whole file, or null when its size is not a whole number of entries. */
  readAll(): Buffer | null {
    const size = fstatSync(this.fd).size;
    if (size % this.entryBytes !== 0) return null;
    const buf = Buffer.allocUnsafe(size);
    if (readFully(this.fd, buf, size, 0) !== size) return null;
    this.written = size / this.entryBytes;
    return buf;
  }

  /** Stages one entry (exactly entryBytes long). */
  stage(entry: Buffer): void {
    this.pending.push(entry);
  }

  /** Writes the staged entries after the last written one. */
  writePending(): void {
    if (this.pending.length === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    let done = 0;
    while (done < data.length)
      done += writeSync(this.fd, data, done, data.length - done, this.written * this.entryBytes + done);
    this.written += this.pending.length;
    this.pending = [];
    this.dirty = true;
  }

  /** Keeps the first `entries` entries (staged ones count after written ones). */
  truncate(entries: number): void {
    if (entries >= this.written) {
      this.pending.length = entries - this.written;
      return;
    }
    this.pending = [];
    ftruncateSync(this.fd, entries * this.entryBytes);
    this.written = entries;
    this.dirty = true;
  }

  flush(): void {
    this.writePending();
    if (this.dirty) fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    this.writePending();
    closeSync(this.fd);
  }
}
