import type { PartitionLog } from '../log/index.ts';

/**
 * The leader epoch that wrote `offset`: the last epoch entry starting at or before it
 * (-1 when the log has no entries). ListOffsets v4+ returns it with the offset (KIP-320).
 */
export function epochForOffset(log: PartitionLog, offset: number, currentEpoch: number): number {
  const entries = log.epochEntries();
  if (offset >= log.logEndOffset) return entries.length ? entries[entries.length - 1]!.epoch : currentEpoch;
  let epoch = -1;
  for (const e of entries) {
    if (e.startOffset > offset) break;
    epoch = e.epoch;
  }
  return epoch;
}
