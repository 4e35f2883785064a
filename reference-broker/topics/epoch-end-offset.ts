import type { PartitionLog } from '../log/index.ts';

/**
 * OffsetForLeaderEpoch's answer for one partition, as Kafka's LeaderEpochFileCache.endOffsetFor
 * computes it (KIP-101, KIP-279): for a requested epoch, the largest epoch at or below it and the
 * offset where the next higher epoch starts (the log end offset for the latest epoch); both -1
 * when there is no such epoch.
 */
export function epochEndOffset(log: PartitionLog, requestedEpoch: number): { leaderEpoch: number; endOffset: number } {
  const entries = log.epochEntries();
  const undefinedAnswer = { leaderEpoch: -1, endOffset: -1 };
  if (requestedEpoch < 0 || entries.length === 0) return undefinedAnswer;
  const latest = entries[entries.length - 1]!;
  if (requestedEpoch === latest.epoch) return { leaderEpoch: latest.epoch, endOffset: log.logEndOffset };
  const higherIndex = entries.findIndex((e) => e.epoch > requestedEpoch);
  if (higherIndex === -1) return undefinedAnswer;
  const higher = entries[higherIndex]!;
  const floor = higherIndex > 0 ? entries[higherIndex - 1]! : undefined;
  return { leaderEpoch: floor ? floor.epoch : requestedEpoch, endOffset: higher.startOffset };
}
