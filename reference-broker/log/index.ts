/**
 * Partition logs of the reference broker: in memory, or on disk in Kafka's layout with recovery.
 * See partition-log.ts for the contract and segmented-log.ts for the rules both share.
 */
export { createMemoryLog } from './memory-log.ts';
export { openDiskLog, LEADER_EPOCH_CHECKPOINT, LOG_START_OFFSET_CHECKPOINT } from './disk-log.ts';
export { DEFAULT_LOG_CONFIG, resolveLogConfig, type LogConfig } from './log-config.ts';
export {
  OffsetOutOfRangeError,
  type AppendResult,
  type PartitionLog,
  type ReadResult,
  type TimestampOffset,
} from './partition-log.ts';
export type { EpochEntry } from './leader-epoch-cache.ts';
export { defaultVerifyBatch } from './verify-batch.ts';
