import { defaultVerifyBatch } from './verify-batch.ts';

/**
 * Settings of one partition log. Names follow Kafka's topic configs (in the comments), and so
 * do the defaults.
 */
export interface LogConfig {
  /** segment.bytes: a new segment is rolled when an append would grow the active one past this. At most 2^31 - 1, as positions in the index are int32. */
  segmentBytes: number;
  /** retention.bytes: -1 keeps everything. */
  retentionBytes: number;
  /** retention.ms: -1 keeps everything. */
  retentionMs: number;
  /** index.interval.bytes: bytes of batches between two entries of the sparse offset index. */
  indexIntervalBytes: number;
  /** flush.messages (log.flush.interval.messages): fsync after this many records; Infinity leaves it to the OS. */
  flushMessages: number;
  /** flush.ms: fsync when an append comes this long after the last flush (checked on append, there is no timer); Infinity leaves it to the OS. */
  flushMs: number;
  /**
   * Checks one whole batch found on disk during recovery; a batch that fails ends the log there.
   * The default checks the header and the CRC-32C. Appends are not checked: the broker validates
   * batches before they reach the log.
   */
  verifyBatch: (batch: Buffer) => boolean;
}

/** Kafka's defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  retentionBytes: -1,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  flushMessages: Infinity,
  flushMs: Infinity,
  verifyBatch: defaultVerifyBatch,
});

const MAX_SEGMENT_BYTES = 0x7fffffff;

/**
 * Fills in defaults and rejects settings the log cannot honour (a configuration bug, so it
 * throws a RangeError naming the setting).
 */
export function resolveLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const c: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const [key, value] of Object.entries(overrides) as [keyof LogConfig, unknown][]) {
    // An explicit undefined (an unset broker option) means "the default", not "no value".
    if (value !== undefined) (c as unknown as Record<string, unknown>)[key] = value;
  }
  check(
    Number.isInteger(c.segmentBytes) && c.segmentBytes >= 1 && c.segmentBytes <= MAX_SEGMENT_BYTES,
    'segmentBytes',
    c.segmentBytes,
  );
  check(
    c.retentionBytes === -1 || (Number.isFinite(c.retentionBytes) && c.retentionBytes >= 0),
    'retentionBytes',
    c.retentionBytes,
  );
  check(c.retentionMs === -1 || (Number.isFinite(c.retentionMs) && c.retentionMs >= 0), 'retentionMs', c.retentionMs);
  check(
    Number.isInteger(c.indexIntervalBytes) && c.indexIntervalBytes >= 0,
    'indexIntervalBytes',
    c.indexIntervalBytes,
  );
  check(c.flushMessages >= 1, 'flushMessages', c.flushMessages);
  check(c.flushMs >= 0, 'flushMs', c.flushMs);
  check(typeof c.verifyBatch === 'function', 'verifyBatch', c.verifyBatch);
  return c;
}

function check(ok: boolean, name: string, value: unknown): void {
  if (!ok) throw new RangeError(`invalid log config ${name}: ${String(value)}`);
}
