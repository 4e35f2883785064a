import type { BatchMeta } from './batch-meta.ts';

/** Batches read from one segment. */
export interface SegmentRead {
  /** Whole batches, in order (their bytes concatenated are the answer). */
  chunks: Buffer[];
  bytes: number;
  /** Every batch up to the segment's end was taken, so a read may go on in the next segment. */
  reachedEnd: boolean;
}

/** A batch as a search over a segment answers it. */
export interface FoundBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

/**
 * One segment of a partition log: a run of dense batches starting at `baseOffset`. Memory and
 * file segments implement it; the log above them (segmented-log.ts) holds every rule about
 * offsets, rolling, retention and truncation, so both kinds of log behave the same.
 */
export interface Segment {
  readonly baseOffset: number;
  readonly sizeInBytes: number;
  /** Offset after the last batch (baseOffset when empty). */
  readonly nextOffset: number;
  /** Largest batch maxTimestamp, -1 when empty. */
  readonly maxTimestamp: number;

  /** Appends batches whose headers are final; `batches` describe them, positions relative to `data`. */
  append(data: Buffer, batches: readonly BatchMeta[]): void;

  /**
   * Whole batches from the one containing `offset` (which is in [baseOffset, nextOffset]) while
   * their last offset is below `maxOffset` and they fit in `maxBytes`; with `minOneBatch` the
   * first one is taken whatever its size.
   */
  read(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): SegmentRead;

  /** The first batch ending at or after `startOffset` whose maxTimestamp ≥ `ts`, or null. */
  findByTimestamp(ts: number, startOffset: number): FoundBatch | null;

  /** Among batches ending at or after `startOffset`, the first with the largest maxTimestamp, or null. */
  maxTimestampBatch(startOffset: number): { lastOffset: number; maxTimestamp: number } | null;

  /** Removes every batch whose last offset is ≥ `offset`. */
  truncateTo(offset: number): void;

  /** The segment stops being the active one: finish its indexes and make it durable. */
  seal(): void;

  flush(): void;
  close(): void;
  /** Closes and removes the segment's files. */
  delete(): void;
}
