import type { BatchMeta } from './batch-meta.ts';
import type { FoundBatch, Segment, SegmentRead } from './segment.ts';

/**
 * A segment held in memory: one Buffer per batch with parallel arrays of offsets and
 * timestamps, searched by binary search. `prefixMax[i]` is the largest maxTimestamp of batches
 * 0..i; it never decreases, so the first batch reaching a timestamp is a binary search too.
 */
export class MemorySegment implements Segment {
  readonly baseOffset: number;
  private readonly buffers: Buffer[] = [];
  private readonly baseOffsets: number[] = [];
  private readonly lastOffsets: number[] = [];
  private readonly maxTimestamps: number[] = [];
  private readonly prefixMax: number[] = [];
  private size = 0;

  constructor(baseOffset: number) {
    this.baseOffset = baseOffset;
  }

  get sizeInBytes(): number {
    return this.size;
  }

  get nextOffset(): number {
    const n = this.lastOffsets.length;
    return n ? this.lastOffsets[n - 1]! + 1 : this.baseOffset;
  }

  get maxTimestamp(): number {
    const n = this.prefixMax.length;
    return n ? this.prefixMax[n - 1]! : -1;
  }

  append(data: Buffer, batches: readonly BatchMeta[]): void {
    // The buffer is the log's now (see PartitionLog.append), so batches are views, not copies.
    for (const b of batches) {
      this.buffers.push(data.subarray(b.position, b.position + b.size));
      this.baseOffsets.push(b.baseOffset);
      this.lastOffsets.push(b.lastOffset);
      this.maxTimestamps.push(b.maxTimestamp);
      this.prefixMax.push(Math.max(b.maxTimestamp, this.maxTimestamp));
    }
    this.size += data.length;
  }

  read(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): SegmentRead {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const n = this.buffers.length;
    let i = lowerBound(this.lastOffsets, offset);
    for (; i < n; i++) {
      if (this.lastOffsets[i]! >= maxOffset) break;
      const b = this.buffers[i]!;
      if (bytes + b.length > maxBytes && !(minOneBatch && chunks.length === 0)) break;
      chunks.push(b);
      bytes += b.length;
    }
    return { chunks, bytes, reachedEnd: i === n };
  }

  findByTimestamp(ts: number, startOffset: number): FoundBatch | null {
    const n = this.buffers.length;
    const first = lowerBound(this.prefixMax, ts);
    if (first === n) return null;
    const start = lowerBound(this.lastOffsets, startOffset);
    if (first >= start) return this.found(first);
    // The first batch reaching ts is below startOffset: look at the rest one by one.
    for (let i = start; i < n; i++) if (this.maxTimestamps[i]! >= ts) return this.found(i);
    return null;
  }

  maxTimestampBatch(startOffset: number): { lastOffset: number; maxTimestamp: number } | null {
    const n = this.buffers.length;
    const start = lowerBound(this.lastOffsets, startOffset);
    if (start === n) return null;
    let best = lowerBound(this.prefixMax, this.maxTimestamp);
    if (best < start) {
      best = start;
      for (let i = start + 1; i < n; i++) if (this.maxTimestamps[i]! > this.maxTimestamps[best]!) best = i;
    }
    return { lastOffset: this.lastOffsets[best]!, maxTimestamp: this.maxTimestamps[best]! };
  }

  truncateTo(offset: number): void {
    const keep = lowerBound(this.lastOffsets, offset);
    for (let i = keep; i < this.buffers.length; i++) this.size -= this.buffers[i]!.length;
    for (const a of [
      this.buffers,
      this.baseOffsets,
      this.lastOffsets,
      this.maxTimestamps,
      this.prefixMax,
    ] as unknown[][])
      a.length = keep;
  }

  seal(): void {}
  flush(): void {}
  close(): void {}
  delete(): void {}

  private found(i: number): FoundBatch {
    return { baseOffset: this.baseOffsets[i]!, lastOffset: this.lastOffsets[i]!, maxTimestamp: this.maxTimestamps[i]! };
  }
}

/** Index of the first element ≥ `x` in the non-decreasing array `a` (a.length when none). */
export function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
