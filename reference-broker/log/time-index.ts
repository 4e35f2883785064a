import { IndexFile } from './index-file.ts';

const ENTRY_BYTES = 12;

/**
 * A segment's time index, Kafka's `.timeindex` layout: entries of (timestamp int64, offset
 * relative to the segment base int32), each saying "the largest timestamp up to this point of
 * the segment is `timestamp`, first reached by the batch ending at `offset`". Timestamps
 * strictly increase, so every batch ending at or before an entry's offset has a maxTimestamp
 * no larger than the entry's.
 */
export class TimeIndex {
  private readonly file: IndexFile;
  private readonly baseOffset: number;
  private readonly timestamps: number[] = [];
  private readonly offsets: number[] = [];

  constructor(fd: number, baseOffset: number) {
    this.file = new IndexFile(fd, ENTRY_BYTES);
    this.baseOffset = baseOffset;
  }

  get length(): number {
    return this.offsets.length;
  }

  /** Loads the file; false when it is not a valid time index for offsets up to `maxOffset`. */
  load(maxOffset: number): boolean {
    const buf = this.file.readAll();
    if (!buf) return false;
    let prevTs = -Infinity;
    let prevOffset = this.baseOffset;
    for (let at = 0; at < buf.length; at += ENTRY_BYTES) {
      const ts = Number(buf.readBigInt64BE(at));
      const offset = this.baseOffset + buf.readInt32BE(at + 8);
      if (ts <= prevTs || offset < prevOffset || offset > maxOffset) return false;
      this.timestamps.push(ts);
      this.offsets.push(offset);
      prevTs = ts;
      prevOffset = offset;
    }
    return true;
  }

  /** The last entry, or null. */
  lastEntry(): { timestamp: number; offset: number } | null {
    const n = this.offsets.length;
    return n ? { timestamp: this.timestamps[n - 1]!, offset: this.offsets[n - 1]! } : null;
  }

  /** Adds an entry when `timestamp` is larger than the last one's (Kafka's maybeAppend). */
  maybeAppend(timestamp: number, offset: number): void {
    const n = this.timestamps.length;
    if (timestamp < 0 || (n > 0 && timestamp <= this.timestamps[n - 1]!)) return;
    const e = Buffer.allocUnsafe(ENTRY_BYTES);
    e.writeBigInt64BE(BigInt(timestamp), 0);
    e.writeInt32BE(offset - this.baseOffset, 8);
    this.file.stage(e);
    this.timestamps.push(timestamp);
    this.offsets.push(offset);
  }

  writePending(): void {
    this.file.writePending();
  }

  /** Offset of the last entry whose timestamp is below `ts` (batches up to it are all below ts), or null. */
  lastOffsetBelow(ts: number): number | null {
    let lo = 0;
    let hi = this.timestamps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : this.offsets[lo - 1]!;
  }

  /** Drops entries whose offset is at or after `offset`. */
  truncateTo(offset: number): void {
    let n = this.offsets.length;
    while (n > 0 && this.offsets[n - 1]! >= offset) n--;
    this.offsets.length = n;
    this.timestamps.length = n;
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
