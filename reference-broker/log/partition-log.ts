import type { LogConfig } from './log-config.ts';
import type { EpochEntry } from './leader-epoch-cache.ts';

/** What one append did. */
export interface AppendResult {
  /** Offset given to the first record appended. */
  baseOffset: number;
  /** Offset of the last record appended. */
  lastOffset: number;
  /** `nowMs` when a batch asked for LogAppendTime (its header stamped by the validator), else -1, as ProduceResponse wants it. */
  logAppendTimeMs: number;
  /** Largest batch maxTimestamp appended. */
  maxTimestamp: number;
}

/** What a read returned, with the log's offsets at that moment (a Fetch response carries them). */
export interface ReadResult {
  /** Whole batches concatenated, possibly empty. */
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
}

/** A ListOffsets answer: an offset and the timestamp that selected it. */
export interface TimestampOffset {
  offset: number;
  timestamp: number;
}

/**
 * A fetch or DeleteRecords offset outside what the log holds: Kafka's OffsetOutOfRangeException,
 * which the broker turns into the OFFSET_OUT_OF_RANGE error code.
 */
export class OffsetOutOfRangeError extends Error {
  readonly offset: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;

  constructor(message: string, offset: number, logStartOffset: number, logEndOffset: number) {
    super(message);
    this.name = 'OffsetOutOfRangeError';
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }
}

/**
 * The log of one partition. It stores record batches v2 as raw bytes and reads back whole
 * batches; it never decodes records, only batch headers, and trusts them (the broker validated
 * every batch before the append), so its answers have batch granularity.
 *
 * Offsets are dense: every batch starts where the previous one ended.
 * Invariant: segment base ≤ logStartOffset ≤ highWatermark ≤ logEndOffset.
 */
export interface PartitionLog {
  /** First offset a consumer may read; moved by DeleteRecords and retention. */
  readonly logStartOffset: number;
  /** Offset the next appended record gets. */
  readonly logEndOffset: number;
  /**
   * Moved by the broker only (single node: set it to logEndOffset after each append; the log
   * never advances it itself). Clamped to [logStartOffset, logEndOffset], as Kafka's
   * updateHighWatermark does. A disk log opens with it at the recovered logEndOffset.
   */
  highWatermark: number;
  /** Bytes of all segments, the figure size retention compares with retention.bytes. */
  readonly sizeInBytes: number;
  /** Segments held, the active one included. */
  readonly segmentCount: number;

  /**
   * Assigns offsets densely from logEndOffset: patches baseOffset and partitionLeaderEpoch of
   * each batch in `batches` (one or more whole v2 batches) in place and appends them.
   * The log takes ownership of the buffer (a memory log keeps it): pass one nothing else will
   * touch. Records the epoch in the leader-epoch history when `leaderEpoch >= 0`.
   * Throws on an empty or malformed buffer: the broker's validator should have refused it.
   */
  append(batches: Buffer, leaderEpoch: number, nowMs: number): AppendResult;

  /**
   * Whole batches starting with the one containing `fetchOffset` and ending before the first
   * batch whose last offset is at or past `maxOffset` (pass the high watermark for consumers, the
   * log end for followers), up to `maxBytes` in all, crossing segments. With `minOneBatch` (the
   * default) the first batch comes back even when it alone is larger than maxBytes (KIP-74).
   * At logEndOffset: empty records. Throws {@link OffsetOutOfRangeError} when `fetchOffset` is
   * below logStartOffset or above logEndOffset.
   */
  read(fetchOffset: number, maxBytes: number, maxOffset: number, minOneBatch?: boolean): ReadResult;

  /**
   * ListOffsets by timestamp (ts ≥ 0): the first batch at or after logStartOffset whose
   * maxTimestamp ≥ ts, answered with its base offset (no lower than logStartOffset) and that
   * maxTimestamp; null when no batch qualifies. Kafka answers with the first *record* whose
   * timestamp ≥ ts; the batch is where that record is, and a broker that wants record precision
   * decodes the batch this offset reads back.
   */
  offsetForTimestamp(ts: number): TimestampOffset | null;

  /**
   * ListOffsets MAX_TIMESTAMP (-3, KIP-734): among batches at or after logStartOffset, the first
   * with the largest maxTimestamp, answered with that timestamp and the batch's last offset
   * (where a producer's increasing timestamps put the record that has it); null on an empty log.
   */
  maxTimestampOffset(): TimestampOffset | null;

  /**
   * DeleteRecords: moves logStartOffset up to `offset` (never down). Throws
   * {@link OffsetOutOfRangeError} when `offset` is negative or above the high watermark, as
   * Kafka does. Segments wholly below it are deleted by the next {@link applyRetention}.
   */
  deleteRecordsBefore(offset: number): void;

  /**
   * Drops every batch that holds an offset ≥ `offset` (a batch is never split, so the new
   * logEndOffset is `offset` or the base of the batch containing it), for replication.
   * Below the first segment it empties the log and restarts it at `offset`, as Kafka's
   * truncateFullyAndStartAt. logStartOffset and highWatermark follow the new end down.
   */
  truncateTo(offset: number): void;

  /**
   * Kafka's retention pass: deletes whole segments from the oldest while they are past
   * retention.ms (by their largest timestamp), past retention.bytes (total size minus the
   * segment still ≥ retention.bytes), or wholly below logStartOffset; only segments wholly
   * below the high watermark go, and when every segment would go a new empty one is rolled at
   * logEndOffset first. logStartOffset moves up to the first remaining segment.
   */
  applyRetention(nowMs: number): void;

  /**
   * Takes new settings (a topic's configs changed through AlterConfigs): later appends roll,
   * flush and later retention passes delete by them, as Kafka's UnifiedLog.updateConfig. Settings
   * left out take the defaults; `verifyBatch` (recovery only) is kept.
   */
  reconfigure(settings: Partial<LogConfig>): void;

  /** The leader-epoch history, oldest first, for OffsetForLeaderEpoch and ListOffsets v4+. */
  epochEntries(): EpochEntry[];

  /**
   * Records that `epoch` starts at the current logEndOffset: a replica that becomes leader does
   * this before its first append, as Kafka's makeLeader does, so OffsetForLeaderEpoch can tell
   * followers where the previous epoch ended even when the new leader has not written yet.
   */
  assignLeaderEpoch(epoch: number): void;

  /** fsync everything written (a memory log has nothing to do). */
  flush(): void;
  /** Flushes and releases files; the log cannot be used afterwards. */
  close(): void;
  /** Closes and removes the log's files (DeleteTopics). */
  delete(): void;
}
