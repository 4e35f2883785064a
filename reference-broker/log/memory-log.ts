import { LeaderEpochCache } from './leader-epoch-cache.ts';
import { resolveLogConfig, type LogConfig } from './log-config.ts';
import { MemorySegment } from './memory-segment.ts';
import type { PartitionLog } from './partition-log.ts';
import { SegmentedLog, type LogStorage } from './segmented-log.ts';

const memoryStorage: LogStorage = {
  createSegment: (baseOffset) => new MemorySegment(baseOffset),
  saveLogStartOffset: () => {},
  saveEpochs: () => {},
  destroy: () => {},
};

/**
 * A partition log in memory, empty, starting at offset 0. It follows the same rules as the disk
 * log (segments roll at segmentBytes, retention deletes whole segments), so a broker behaves the
 * same with or without `--data-dir`; `verifyBatch` and the flush settings have nothing to act on.
 */
export function createMemoryLog(config: Partial<LogConfig> = {}): PartitionLog {
  return new SegmentedLog(resolveLogConfig(config), memoryStorage, {
    segments: [new MemorySegment(0)],
    logStartOffset: 0,
    epochs: new LeaderEpochCache(),
  });
}
