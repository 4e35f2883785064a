import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, openSync, rmSync, writeSync } from 'node:fs';
import { RECORD_BATCH_OVERHEAD } from '../../protocol/records/batch-header.ts';
import { readHeaderSummary, type BatchMeta, type HeaderSummary } from './batch-meta.ts';
import { FileWindow, readFully } from './file-window.ts';
import { OffsetIndex } from './offset-index.ts';
import type { FoundBatch, Segment, SegmentRead } from './segment.ts';
import { segmentPaths, type SegmentPaths } from './segment-files.ts';
import { TimeIndex } from './time-index.ts';

/** The settings a file segment uses (a subset of LogConfig). */
export interface FileSegmentOptions {
  indexIntervalBytes: number;
  verifyBatch: (batch: Buffer) => boolean;
}

/** What opening a segment had to repair, for the log line that says so. */
export interface SegmentRecovery {
  /** The segment's `.log` file. */
  file: string;
  /** Why its indexes were not trusted (for the active segment: always recovered). */
  why: string;
  /** Bytes cut from the end of the log file, and the records in them (whole batches counted; a torn one adds none). */
  cutBytes: number;
  cutRecords: number;
  /** Where the segment ends after recovery. */
  nextOffset: number;
}

/** Read size when scanning a whole segment (recovery). */
const SCAN_CHUNK = 1024 * 1024;
/** Largest offset distance from the segment base that the int32 relative offsets of the indexes hold. */
const MAX_RELATIVE_OFFSET = 0x7fffffff;

const CREATE = constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC;
const OPEN = constants.O_RDWR | constants.O_CREAT;

/**
 * A segment on disk: `<base>.log` holds the batches back to back, `<base>.index` and
 * `<base>.timeindex` the sparse indexes (kept in memory too, mirrored to the files). Writes are
 * positional (pwrite) at the tracked end, so a truncated file is simply written over.
 */
export class FileSegment implements Segment {
  readonly baseOffset: number;
  private readonly paths: SegmentPaths;
  private readonly opts: FileSegmentOptions;
  private readonly logFd: number;
  private readonly offsetIndex: OffsetIndex;
  private readonly timeIndex: TimeIndex;
  private size = 0;
  private next: number;
  private maxTs = -1;
  /** Last offset of the first batch that has maxTs (-1 when none). */
  private maxTsOffset = -1;
  private bytesSinceIndexEntry = 0;
  private logDirty = false;
  private closed = false;

  private constructor(dir: string, baseOffset: number, opts: FileSegmentOptions, flags: number) {
    this.baseOffset = baseOffset;
    this.next = baseOffset;
    this.opts = opts;
    this.paths = segmentPaths(dir, baseOffset);
    this.logFd = openSync(this.paths.log, flags);
    this.offsetIndex = new OffsetIndex(openSync(this.paths.index, flags), baseOffset);
    this.timeIndex = new TimeIndex(openSync(this.paths.timeIndex, flags), baseOffset);
  }

  /** A new empty segment (files that happen to exist under its name are emptied). */
  static create(dir: string, baseOffset: number, opts: FileSegmentOptions): FileSegment {
    return new FileSegment(dir, baseOffset, opts, CREATE);
  }

  /**
   * Opens an existing segment. With `knownNextOffset` (an older segment: where the next one
   * starts) its indexes are trusted when they load cleanly; otherwise, or when they do not, the
   * segment is recovered: every batch is checked from the start and the log is cut at the
   * first bad one, and the indexes are rebuilt. `recovery` says why and what was cut (null:
   * the indexes were trusted).
   */
  static open(
    dir: string,
    baseOffset: number,
    opts: FileSegmentOptions,
    knownNextOffset: number | null,
  ): { segment: FileSegment; recovery: SegmentRecovery | null } {
    const segment = new FileSegment(dir, baseOffset, opts, OPEN);
    try {
      segment.size = fstatSync(segment.logFd).size;
      const why = knownNextOffset === null ? 'it is the active segment' : segment.loadIndexes(knownNextOffset);
      if (why === null) return { segment, recovery: null };
      const { cutBytes, cutRecords } = segment.recover();
      return { segment, recovery: { file: segment.paths.log, why, cutBytes, cutRecords, nextOffset: segment.next } };
    } catch (err) {
      segment.close();
      throw err;
    }
  }

  get sizeInBytes(): number {
    return this.size;
  }

  get nextOffset(): number {
    return this.next;
  }

  get maxTimestamp(): number {
    return this.maxTs;
  }

  append(data: Buffer, batches: readonly BatchMeta[]): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.logFd, data, done, data.length - done, this.size + done);
    this.logDirty = true;
    for (const b of batches) this.track(b.lastOffset, b.maxTimestamp, b.size, this.size + b.position);
    this.size += data.length;
    this.next = batches[batches.length - 1]!.lastOffset + 1;
    this.offsetIndex.writePending();
    this.timeIndex.writePending();
  }

  read(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): SegmentRead {
    const found = this.locate(offset, this.window());
    if (!found) return { chunks: [], bytes: 0, reachedEnd: true };
    const { pos, header } = found;
    if (header.lastOffset >= maxOffset) return { chunks: [], bytes: 0, reachedEnd: false };
    // A batch running past the file (damaged since it was opened) holds nothing readable: as
    // Kafka's LocalLog.read, the read goes on in the next segment rather than answer nothing forever.
    const nothingHere: SegmentRead = { chunks: [], bytes: 0, reachedEnd: true };
    if (pos + header.size > this.size) return nothingHere;
    if (header.size > maxBytes) {
      if (!minOneBatch) return { chunks: [], bytes: 0, reachedEnd: false };
      const one = this.tryReadBytes(pos, header.size);
      if (!one) return nothingHere;
      return { chunks: [one], bytes: one.length, reachedEnd: pos + header.size === this.size };
    }
    const buf = this.tryReadBytes(pos, Math.min(maxBytes, this.size - pos));
    if (!buf) return nothingHere;
    // Keep whole batches below maxOffset; the read may end inside a batch.
    let end = 0;
    while (end + RECORD_BATCH_OVERHEAD <= buf.length) {
      const h = readHeaderSummary(buf, end);
      if (h.lastOffset >= maxOffset || end + h.size > buf.length) break;
      end += h.size;
    }
    const chunk = buf.subarray(0, end);
    return { chunks: [chunk], bytes: end, reachedEnd: pos + end === this.size };
  }

  findByTimestamp(ts: number, startOffset: number): FoundBatch | null {
    if (ts > this.maxTs) return null;
    // Batches up to the last time-index entry below ts are all below ts: start after it.
    const below = this.timeIndex.lastOffsetBelow(ts);
    const from = below === null ? startOffset : Math.max(startOffset, below + 1);
    const w = this.window();
    const found = this.locate(from, w);
    if (!found) return null;
    for (let pos = found.pos; pos < this.size; ) {
      const h = this.headerAt(w, pos);
      if (h.maxTimestamp >= ts)
        return { baseOffset: h.baseOffset, lastOffset: h.lastOffset, maxTimestamp: h.maxTimestamp };
      pos += h.size;
    }
    return null;
  }

  maxTimestampBatch(startOffset: number): { lastOffset: number; maxTimestamp: number } | null {
    if (this.size === 0) return null;
    if (this.maxTsOffset >= startOffset) return { lastOffset: this.maxTsOffset, maxTimestamp: this.maxTs };
    // The batch with the segment's largest timestamp is below startOffset: scan what is left.
    const w = this.window();
    const found = this.locate(startOffset, w);
    if (!found) return null;
    let best = found.header;
    for (let pos = found.pos + best.size; pos < this.size; ) {
      const h = this.headerAt(w, pos);
      if (h.maxTimestamp > best.maxTimestamp) best = h;
      pos += h.size;
    }
    return { lastOffset: best.lastOffset, maxTimestamp: best.maxTimestamp };
  }

  truncateTo(offset: number): void {
    const found = this.locate(offset, this.window());
    if (!found) return;
    ftruncateSync(this.logFd, found.pos);
    this.size = found.pos;
    this.next = found.header.baseOffset;
    this.logDirty = true;
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.bytesSinceIndexEntry = 0;
    // The last time-index entry left is exact up to its offset; batches after it are scanned.
    const last = this.timeIndex.lastEntry();
    this.maxTs = last ? last.timestamp : -1;
    this.maxTsOffset = last ? last.offset : -1;
    const w = this.window();
    for (let pos = last ? this.offsetIndex.lookup(last.offset + 1) : 0; pos < this.size; ) {
      const h = this.headerAt(w, pos);
      if (h.lastOffset > this.maxTsOffset && h.maxTimestamp > this.maxTs) {
        this.maxTs = h.maxTimestamp;
        this.maxTsOffset = h.lastOffset;
      }
      pos += h.size;
    }
  }

  seal(): void {
    // Kafka's onBecomeInactiveSegment: the last time-index entry then holds the segment's
    // largest timestamp, which is how the next open learns it without a scan.
    this.timeIndex.maybeAppend(this.maxTs, this.maxTsOffset);
    this.timeIndex.writePending();
    this.flush();
  }

  flush(): void {
    if (this.logDirty) fsyncSync(this.logFd);
    this.logDirty = false;
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offsetIndex.close();
    this.timeIndex.close();
    closeSync(this.logFd);
  }

  delete(): void {
    this.close();
    for (const p of [this.paths.log, this.paths.index, this.paths.timeIndex]) rmSync(p, { force: true });
  }

  /**
   * Indexes trusted from disk for an older segment, as Kafka's sanity check of indexes on load
   * (and a little more): null when they hold together with the log file, else why not. Every
   * offset-index entry must point at the batch ending at its offset, and the batches after the
   * last entry must chain up to the file's end and end where the next segment starts (a file cut
   * mid-batch fails here). An empty index of a non-empty log counts as missing.
   */
  private loadIndexes(knownNextOffset: number): string | null {
    const maxOffset = knownNextOffset - 1;
    if (!this.offsetIndex.load(this.size, maxOffset)) return 'its offset index is not a valid index of it';
    if (!this.timeIndex.load(maxOffset)) return 'its time index is not a valid index of it';
    if (this.size === 0)
      return knownNextOffset === this.baseOffset
        ? this.trust(knownNextOffset)
        : `it is empty but the next segment starts at offset ${knownNextOffset}`;
    if (this.timeIndex.length === 0) return 'its time index is empty (counts as missing)';
    const w = this.window();
    for (let i = 0; i < this.offsetIndex.length; i++) {
      const { offset, position } = this.offsetIndex.entryAt(i);
      const at = w.view(position, RECORD_BATCH_OVERHEAD);
      const h = at < 0 ? null : readHeaderSummary(w.buf, at);
      if (h?.magic !== 2 || h.lastOffset !== offset)
        return `its offset index entry ${i} (offset ${offset} at byte ${position}) does not point at that batch`;
    }
    const emptyIndex = this.offsetIndex.length === 0;
    let pos = emptyIndex ? 0 : this.offsetIndex.entryAt(this.offsetIndex.length - 1).position;
    let expected = emptyIndex ? this.baseOffset : -1;
    while (pos < this.size) {
      // Without an entry, the batches before this one add up to at most the index interval (see track).
      if (emptyIndex && pos > this.opts.indexIntervalBytes) return 'its offset index is empty (counts as missing)';
      const at = w.view(pos, RECORD_BATCH_OVERHEAD);
      if (at < 0) return `its last batch is torn (${this.size - pos} bytes at byte ${pos})`;
      const h = readHeaderSummary(w.buf, at);
      if (h.magic !== 2 || h.size < RECORD_BATCH_OVERHEAD || (expected >= 0 && h.baseOffset !== expected))
        return `it holds no valid batch at byte ${pos}`;
      if (pos + h.size > this.size)
        return `its last batch is torn (${this.size - pos} of ${h.size} bytes at byte ${pos})`;
      expected = h.lastOffset + 1;
      pos += h.size;
    }
    if (expected !== knownNextOffset)
      return `it ends at offset ${expected - 1} but the next segment starts at offset ${knownNextOffset}`;
    return this.trust(knownNextOffset);
  }

  private trust(knownNextOffset: number): null {
    const last = this.timeIndex.lastEntry();
    this.maxTs = last ? last.timestamp : -1;
    this.maxTsOffset = last ? last.offset : -1;
    this.next = knownNextOffset;
    return null;
  }

  /**
   * Checks every batch from the start (magic 2, a sane length inside the file, the offset that
   * must come next, and `verifyBatch`), cuts the file after the last good one and rebuilds both
   * indexes. Returns the bytes cut and the records in the whole batches among them.
   */
  private recover(): { cutBytes: number; cutRecords: number } {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.maxTs = -1;
    this.maxTsOffset = -1;
    this.bytesSinceIndexEntry = 0;
    const w = new FileWindow(this.logFd, this.size, SCAN_CHUNK);
    let pos = 0;
    let expected = this.baseOffset;
    for (;;) {
      const at = w.view(pos, RECORD_BATCH_OVERHEAD);
      if (at < 0) break;
      const h = readHeaderSummary(w.buf, at);
      const sane =
        h.magic === 2 &&
        h.size >= RECORD_BATCH_OVERHEAD &&
        pos + h.size <= this.size &&
        h.baseOffset === expected &&
        h.lastOffset >= h.baseOffset &&
        h.lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET;
      if (!sane) break;
      const whole = w.view(pos, h.size);
      if (!this.opts.verifyBatch(w.buf.subarray(whole, whole + h.size))) break;
      this.track(h.lastOffset, h.maxTimestamp, h.size, pos);
      expected = h.lastOffset + 1;
      pos += h.size;
    }
    const cut = this.size - pos;
    let cutRecords = 0;
    // Count what is cut as far as batch headers still make sense, for the log line.
    for (let at = pos; ; ) {
      const v = w.view(at, RECORD_BATCH_OVERHEAD);
      if (v < 0) break;
      const h = readHeaderSummary(w.buf, v);
      if (h.magic !== 2 || h.size < RECORD_BATCH_OVERHEAD || at + h.size > this.size || h.lastOffset < h.baseOffset)
        break;
      cutRecords += h.lastOffset - h.baseOffset + 1;
      at += h.size;
    }
    if (cut > 0) {
      ftruncateSync(this.logFd, pos);
      this.size = pos;
      this.logDirty = true;
    }
    this.next = expected;
    this.offsetIndex.writePending();
    this.timeIndex.writePending();
    return { cutBytes: cut, cutRecords };
  }

  /** Kafka's LogSegment.append bookkeeping for one batch: the running max timestamp and the index entries. */
  private track(lastOffset: number, maxTimestamp: number, size: number, position: number): void {
    if (maxTimestamp > this.maxTs) {
      this.maxTs = maxTimestamp;
      this.maxTsOffset = lastOffset;
    }
    if (this.bytesSinceIndexEntry > this.opts.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTs, this.maxTsOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
  }

  /** A window sized to walk from an index entry to the batch sought in one read. */
  private window(): FileWindow {
    return new FileWindow(
      this.logFd,
      this.size,
      Math.min(SCAN_CHUNK, Math.max(8192, 2 * this.opts.indexIntervalBytes)),
    );
  }

  /** Position and header of the first batch ending at or after `offset`, or null past the end. */
  private locate(offset: number, w: FileWindow): { pos: number; header: HeaderSummary } | null {
    if (offset >= this.next) return null;
    for (let pos = this.offsetIndex.lookup(offset); pos < this.size; ) {
      const header = this.headerAt(w, pos);
      if (header.lastOffset >= offset) return { pos, header };
      pos += header.size;
    }
    throw new Error(`segment ${this.paths.log} ends before offset ${offset}`);
  }

  private headerAt(w: FileWindow, pos: number): HeaderSummary {
    const at = w.view(pos, RECORD_BATCH_OVERHEAD);
    if (at < 0) throw new Error(`segment ${this.paths.log} has a torn batch header at byte ${pos}`);
    return readHeaderSummary(w.buf, at);
  }

  /** The bytes, or null when the file ends before them (cut short by something other than this broker). */
  private tryReadBytes(pos: number, length: number): Buffer | null {
    const buf = Buffer.allocUnsafe(length);
    return readFully(this.logFd, buf, length, pos) === length ? buf : null;
  }
}
