import { IndexFile } from './index-file.ts';

const ENTRY_BYTES = 8;

/**
 * A segment's sparse offset index, Kafka's `.index` layout: entries of (offset relative to the
 * segment base int32, byte position int32), where the offset is the last offset of the batch
 * at that position. Held in memory for lookups; the file mirrors it for the next open.
 */
export class OffsetIndex {
  private readonly file: IndexFile;
  private readonly baseOffset: number;
  private readonly offsets: number[] = [];
  private readonly positions: number[] = [];

  constructor(fd: number, baseOffset: number) {
    this.file = new IndexFile(fd, ENTRY_BYTES);
    this.baseOffset = baseOffset;
  }

  get length(): number {
    return this.offsets.length;
  }

  /**
   * Loads the file; false when it cannot be the index of a segment holding offsets up to
   * `maxOffset` in `logSize` bytes (entries must increase and point inside), so the caller
   * rebuilds it.
   */
  load(logSize: number, maxOffset: number): boolean {
    const buf = this.file.readAll();
    if (!buf) return false;
    let prevOffset = this.baseOffset - 1;
    let prevPos = -1;
    for (let at = 0; at < buf.length; at += ENTRY_BYTES) {
      const offset = this.baseOffset + buf.readInt32BE(at);
      const pos = buf.readInt32BE(at + 4);
      if (offset <= prevOffset || offset > maxOffset || pos <= prevPos || pos >= logSize) return false;
      this.offsets.push(offset);
      this.positions.push(pos);
      prevOffset = offset;
      prevPos = pos;
    }
    return true;
  }

  /** Entry `i`: the batch at `position` ends at `offset`. */
  entryAt(i: number): { offset: number; position: number } {
    return { offset: this.offsets[i]!, position: this.positions[i]! };
  }

  /** Adds an entry: the batch at `position` ends at `lastOffset`. Written by {@link writePending}. */
  append(lastOffset: number, position: number): void {
    const e = Buffer.allocUnsafe(ENTRY_BYTES);
    e.writeInt32BE(lastOffset - this.baseOffset, 0);
    e.writeInt32BE(position, 4);
    this.file.stage(e);
    this.offsets.push(lastOffset);
    this.positions.push(position);
  }

  writePending(): void {
    this.file.writePending();
  }

  /**
   * A position to scan from for the batch containing `offset`: that of the last entry whose
   * batch ends at or before it (the batch sought is there or after), else 0.
   */
  lookup(offset: number): number {
    let lo = 0;
    let hi = this.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.positions[lo - 1]!;
  }

  /** Drops entries of batches ending at or after `offset` (they were truncated away). */
  truncateTo(offset: number): void {
    let n = this.offsets.length;
    while (n > 0 && this.offsets[n - 1]! >= offset) n--;
    this.offsets.length = n;
    this.positions.length = n;
    this.file.truncate(n);
  }

  clear(): void {
    this.truncateTo(-Infinity);
  }

  flush(): void {
    this.file.flush();
  }

  close(): void {
    this.file.close();
  }
}
