import { assignOffsets } from './batch-meta.ts';
import { resolveLogConfig, type LogConfig } from './log-config.ts';
import type { EpochEntry, LeaderEpochCache } from './leader-epoch-cache.ts';
import {
  OffsetOutOfRangeError,
  type AppendResult,
  type PartitionLog,
  type ReadResult,
  type TimestampOffset,
} from './partition-log.ts';
import type { Segment } from './segment.ts';

/** Where a log keeps its segments and checkpoints: memory or a directory. */
export interface LogStorage {
  createSegment(baseOffset: number): Segment;
  saveLogStartOffset(offset: number): void;
  saveEpochs(entries: readonly EpochEntry[]): void;
  /** Removes whatever the storage holds besides segments (the log is being deleted). */
  destroy(): void;
}

/** A log's state when it is opened: at least one segment, dense, oldest first. */
export interface LogState {
  segments: Segment[];
  logStartOffset: number;
  epochs: LeaderEpochCache;
}

/** Largest offset distance from a segment's base that its int32 relative index offsets hold. */
const MAX_RELATIVE_OFFSET = 0x7fffffff;

/**
 * The rules of a partition log, over segments of any kind: dense offset assignment, rolling,
 * reads across segments, timestamp lookups, truncation, retention, the leader-epoch history
 * and flushing — Kafka's UnifiedLog/LocalLog, minus what a single-node reference broker does
 * not need (no producer snapshots, no transactions index, no compaction).
 */
export class SegmentedLog implements PartitionLog {
  private config: LogConfig;
  private readonly storage: LogStorage;
  private readonly segments: Segment[];
  private readonly epochs: LeaderEpochCache;
  private start: number;
  private hw: number;
  private unflushedRecords = 0;
  private lastFlushMs: number | null = null;
  private closed = false;

  constructor(config: LogConfig, storage: LogStorage, state: LogState) {
    if (state.segments.length === 0) throw new RangeError('a log needs at least one segment');
    this.config = config;
    this.storage = storage;
    this.segments = state.segments;
    this.epochs = state.epochs;
    this.start = state.logStartOffset;
    this.hw = this.logEndOffset;
  }

  get logStartOffset(): number {
    return this.start;
  }

  get logEndOffset(): number {
    return this.active().nextOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  set highWatermark(offset: number) {
    this.hw = Math.min(Math.max(offset, this.start), this.logEndOffset);
  }

  get sizeInBytes(): number {
    let size = 0;
    for (const s of this.segments) size += s.sizeInBytes;
    return size;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  append(batches: Buffer, leaderEpoch: number, nowMs: number): AppendResult {
    this.ensureOpen();
    const baseOffset = this.logEndOffset;
    const assigned = assignOffsets(batches, baseOffset, leaderEpoch);
    const lastOffset = assigned.batches[assigned.batches.length - 1]!.lastOffset;
    const active = this.active();
    const full = active.sizeInBytes + batches.length > this.config.segmentBytes;
    if (active.sizeInBytes > 0 && (full || lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET)) this.roll();
    if (leaderEpoch >= 0 && this.epochs.assign(leaderEpoch, baseOffset)) this.storage.saveEpochs(this.epochs.entries());
    this.active().append(batches, assigned.batches);
    this.unflushedRecords += lastOffset - baseOffset + 1;
    this.lastFlushMs ??= nowMs;
    if (this.unflushedRecords >= this.config.flushMessages || nowMs - this.lastFlushMs >= this.config.flushMs) {
      this.flush();
      this.lastFlushMs = nowMs;
    }
    return {
      baseOffset,
      lastOffset,
      logAppendTimeMs: assigned.logAppendTime ? nowMs : -1,
      maxTimestamp: assigned.maxTimestamp,
    };
  }

  read(fetchOffset: number, maxBytes: number, maxOffset: number, minOneBatch = true): ReadResult {
    this.ensureOpen();
    const end = this.logEndOffset;
    if (!(fetchOffset >= this.start && fetchOffset <= end)) {
      throw new OffsetOutOfRangeError(
        `Received request for offset ${fetchOffset}, but we only have log segments in the range ${this.start} to ${end}.`,
        fetchOffset,
        this.start,
        end,
      );
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const r = segment.read(
        Math.max(fetchOffset, segment.baseOffset),
        maxBytes - bytes,
        maxOffset,
        minOneBatch && bytes === 0,
      );
      for (const c of r.chunks) chunks.push(c);
      bytes += r.bytes;
      if (!r.reachedEnd || bytes >= maxBytes) break;
    }
    const records = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
    return { records, highWatermark: this.hw, logStartOffset: this.start, logEndOffset: end };
  }

  offsetForTimestamp(ts: number): TimestampOffset | null {
    this.ensureOpen();
    if (!(ts >= 0))
      throw new RangeError(
        `offsetForTimestamp needs a timestamp >= 0, got ${ts}; the broker answers the special ListOffsets timestamps`,
      );
    for (let i = this.segmentIndexFor(this.start); i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      if (segment.maxTimestamp < ts) continue;
      const found = segment.findByTimestamp(ts, Math.max(this.start, segment.baseOffset));
      if (found) return { offset: Math.max(found.baseOffset, this.start), timestamp: found.maxTimestamp };
    }
    return null;
  }

  maxTimestampOffset(): TimestampOffset | null {
    this.ensureOpen();
    let best: { lastOffset: number; maxTimestamp: number } | null = null;
    for (let i = this.segmentIndexFor(this.start); i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const found = segment.maxTimestampBatch(Math.max(this.start, segment.baseOffset));
      if (found && (best === null || found.maxTimestamp > best.maxTimestamp)) best = found;
    }
    return best && { offset: best.lastOffset, timestamp: best.maxTimestamp };
  }

  deleteRecordsBefore(offset: number): void {
    this.ensureOpen();
    if (!(offset >= 0 && offset <= this.hw)) {
      throw new OffsetOutOfRangeError(
        `Cannot increment the log start offset to ${offset} since it is larger than the high watermark ${this.hw}`,
        offset,
        this.start,
        this.logEndOffset,
      );
    }
    if (offset > this.start) this.moveLogStart(offset);
  }

  truncateTo(offset: number): void {
    this.ensureOpen();
    if (!(offset >= 0)) throw new RangeError(`cannot truncate to offset ${offset}`);
    if (offset >= this.logEndOffset) {
      // As Kafka's UnifiedLog.truncateTo: a replica that led an epoch without appending to it keeps
      // an epoch entry at its log end that the new leader never had. Left there, its fetches name
      // that epoch and the leader answers the same divergence forever; the replica never catches up.
      if (this.epochs.truncateFromEnd(this.logEndOffset)) this.storage.saveEpochs(this.epochs.entries());
      return;
    }
    if (offset < this.segments[0]!.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return;
    }
    const keep = this.segmentIndexFor(offset);
    // Newest first, so a crash in between leaves a shorter log, never one with a hole.
    while (this.segments.length > keep + 1) this.segments.pop()!.delete();
    this.segments[keep]!.truncateTo(offset);
    const end = this.logEndOffset;
    if (this.start > end) {
      this.start = end;
      this.storage.saveLogStartOffset(end);
    }
    if (this.hw > end) this.hw = end;
    if (this.epochs.truncateFromEnd(end)) this.storage.saveEpochs(this.epochs.entries());
  }

  reconfigure(settings: Partial<LogConfig>): void {
    this.config = resolveLogConfig({ ...settings, verifyBatch: this.config.verifyBatch });
  }

  applyRetention(nowMs: number): void {
    this.ensureOpen();
    const { retentionMs, retentionBytes } = this.config;
    if (retentionMs >= 0) this.deleteOldSegments((s) => nowMs - s.maxTimestamp > retentionMs);
    const size = this.sizeInBytes;
    if (retentionBytes >= 0 && size > retentionBytes) {
      let excess = size - retentionBytes;
      this.deleteOldSegments((s) => {
        if (excess - s.sizeInBytes < 0) return false;
        excess -= s.sizeInBytes;
        return true;
      });
    }
    this.deleteOldSegments((_, next) => next !== undefined && next.baseOffset <= this.start);
  }

  epochEntries(): EpochEntry[] {
    return this.epochs.entries();
  }

  assignLeaderEpoch(epoch: number): void {
    this.ensureOpen();
    if (this.epochs.assign(epoch, this.logEndOffset)) this.storage.saveEpochs(this.epochs.entries());
  }

  flush(): void {
    this.ensureOpen();
    // Older segments were made durable when they were sealed and are not written again.
    this.active().flush();
    this.unflushedRecords = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    for (const s of this.segments) s.close();
    this.closed = true;
  }

  delete(): void {
    this.closed = true;
    for (const s of this.segments) s.delete();
    this.storage.destroy();
  }

  private active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('the partition log is closed');
  }

  /** Index of the segment holding `offset`: the last one starting at or before it (0 below all). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(lo - 1, 0);
  }

  private roll(): void {
    this.active().seal();
    this.segments.push(this.storage.createSegment(this.logEndOffset));
  }

  private moveLogStart(offset: number): void {
    this.start = offset;
    this.storage.saveLogStartOffset(offset);
    if (this.epochs.truncateFromStart(offset)) this.storage.saveEpochs(this.epochs.entries());
  }

  private truncateFullyAndStartAt(offset: number): void {
    const old = this.segments.splice(0, this.segments.length, this.storage.createSegment(offset));
    this.start = offset;
    this.hw = offset;
    this.storage.saveLogStartOffset(offset);
    if (this.epochs.clear()) this.storage.saveEpochs([]);
    for (const s of old.reverse()) s.delete();
  }

  /**
   * Kafka's deleteOldSegments: takes segments from the oldest while `shouldDelete` holds and
   * they lie wholly below the high watermark (an empty active segment never goes). If that is
   * every segment, a new active one is rolled first so the log keeps its end offset.
   */
  private deleteOldSegments(shouldDelete: (segment: Segment, next: Segment | undefined) => boolean): void {
    let n = 0;
    while (n < this.segments.length) {
      const segment = this.segments[n]!;
      const next = this.segments[n + 1];
      const upperBound = next ? next.baseOffset : this.logEndOffset;
      const lastAndEmpty = next === undefined && segment.sizeInBytes === 0;
      if (!(shouldDelete(segment, next) && upperBound <= this.hw && !lastAndEmpty)) break;
      n++;
    }
    if (n === 0) return;
    if (n === this.segments.length) this.roll();
    const removed = this.segments.splice(0, n);
    // The new start is recorded before files go, so a crash in between leaves segments the next
    // retention pass deletes, never a start offset pointing into a deleted segment.
    const first = this.segments[0]!.baseOffset;
    if (first > this.start) this.moveLogStart(first);
    for (const s of removed) s.delete();
  }
}
