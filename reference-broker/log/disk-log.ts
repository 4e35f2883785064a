import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckpointNumbers, readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { FileSegment, type FileSegmentOptions, type SegmentRecovery } from './file-segment.ts';
import { LeaderEpochCache, type EpochEntry } from './leader-epoch-cache.ts';
import { resolveLogConfig, type LogConfig } from './log-config.ts';
import type { PartitionLog } from './partition-log.ts';
import type { Segment } from './segment.ts';
import { parseSegmentFileName, segmentPaths } from './segment-files.ts';
import { SegmentedLog, type LogStorage } from './segmented-log.ts';

/** Kafka's name for the leader-epoch history of a partition. */
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
/** The log start offset of this partition (Kafka keeps one such file per data dir for all partitions). */
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset';

/**
 * Opens the partition log kept in `dir` (created when missing), recovering it first.
 *
 * Layout, as Kafka's: per segment `<base offset, 20 digits>.log`, `.index` (sparse offset index)
 * and `.timeindex`, plus `leader-epoch-checkpoint` and `log-start-offset` in Kafka's checkpoint
 * text format.
 *
 * Recovery: Kafka recovers every segment after its recovery point; this log recovers only the
 * active (last) segment, which is enough because a segment is fsynced when it is rolled and
 * never written again. Any older segment whose index files are missing or inconsistent is
 * recovered too, as is one whose index disagrees with it (an entry not pointing at its batch, a
 * file that does not end where the next segment starts, an empty index: file-segment.ts).
 * Recovering a segment checks each batch (magic 2, a sane length within the file, the next dense
 * offset, and `verifyBatch`: the CRC-32C by default), cuts the torn or corrupt tail after the
 * last good batch, and rebuilds both indexes. If that cuts an older segment short, the segments
 * after it are kept: their records are intact, and a read that finds nothing more in the cut
 * segment goes on in the next one, as Kafka's log read does (a gap in offsets, as compaction
 * leaves). Each repair is reported through `report` (segment, why, bytes and records cut).
 * The start offset is the checkpointed one, at least the first segment's
 * base; if it lies past the recovered end (a lost tail that had been deleted anyway) the log
 * restarts empty there. The leader-epoch history loses entries past the recovered end. The high
 * watermark opens at the log end offset (single node; a replicated broker sets its own).
 *
 * Two brokers never open one directory: the broker takes the data directory's `.lock` first
 * (state/data-dir.ts), as Kafka's LogManager does.
 */
export function openDiskLog(
  dir: string,
  config: Partial<LogConfig> = {},
  report: (line: string) => void = () => {},
): PartitionLog {
  const resolved = resolveLogConfig(config);
  mkdirSync(dir, { recursive: true });
  const opts: FileSegmentOptions = {
    indexIntervalBytes: resolved.indexIntervalBytes,
    verifyBatch: resolved.verifyBatch,
  };
  const storage = diskStorage(dir, opts);
  const segments: Segment[] = [];
  try {
    const bases = listSegmentBases(dir);
    const savedStart = readLogStartOffset(dir);
    if (bases.length === 0) segments.push(storage.createSegment(savedStart ?? 0));
    for (let i = 0; i < bases.length; i++) {
      const nextBase = i + 1 < bases.length ? bases[i + 1]! : null;
      const { segment, recovery } = FileSegment.open(dir, bases[i]!, opts, nextBase);
      segments.push(segment);
      if (recovery) reportRecovery(recovery, nextBase, report);
      if (nextBase !== null && segment.nextOffset > nextBase) {
        // Overlapping the next segment cannot be read consistently: what follows goes.
        report(
          `${recovery?.file ?? dir}: runs past offset ${nextBase} where the next segment starts; removing the ${bases.length - i - 1} segment(s) after it`,
        );
        for (const base of bases.slice(i + 1).reverse()) removeSegmentFiles(dir, base);
        break;
      }
    }
    const start = Math.max(savedStart ?? 0, segments[0]!.baseOffset);
    const epochs = new LeaderEpochCache(readEpochs(dir));
    let epochsChanged = false;
    if (start > segments[segments.length - 1]!.nextOffset) {
      for (const s of segments.splice(0).reverse()) s.delete();
      segments.push(storage.createSegment(start));
      epochsChanged = epochs.clear();
    }
    if (start !== savedStart) storage.saveLogStartOffset(start);
    const end = segments[segments.length - 1]!.nextOffset;
    // Kafka drops entries from the log end on; one starting exactly there is kept, as the running
    // log keeps it (DeleteRecords up to the end leaves one), so a reopen changes nothing. It is
    // harmless: the next append either continues that epoch or replaces the entry.
    epochsChanged = epochs.truncateFromEnd(end + 1) || epochsChanged;
    epochsChanged = epochs.truncateFromStart(start) || epochsChanged;
    if (epochsChanged) storage.saveEpochs(epochs.entries());
    return new SegmentedLog(resolved, storage, { segments, logStartOffset: start, epochs });
  } catch (err) {
    for (const s of segments) s.close();
    throw err;
  }
}

function reportRecovery(r: SegmentRecovery, nextBase: number | null, report: (line: string) => void): void {
  const lost =
    nextBase !== null && r.nextOffset < nextBase
      ? `; offsets ${r.nextOffset}..${nextBase - 1} are lost, reads continue at ${nextBase} in the next segment`
      : '';
  if (r.cutBytes === 0 && lost === '') {
    // The active segment is checked on every start: only a repair is news.
    if (nextBase !== null) report(`${r.file}: ${r.why}; rebuilt its indexes (nothing cut)`);
    return;
  }
  report(
    `${r.file}: ${r.why}; recovered: cut ${r.cutBytes} bytes (${r.cutRecords} whole record(s)) after offset ${r.nextOffset - 1}${lost}`,
  );
}

function diskStorage(dir: string, opts: FileSegmentOptions): LogStorage {
  return {
    createSegment: (baseOffset) => FileSegment.create(dir, baseOffset, opts),
    saveLogStartOffset: (offset) => writeCheckpoint(join(dir, LOG_START_OFFSET_CHECKPOINT), [String(offset)]),
    saveEpochs: (entries) =>
      writeCheckpoint(
        join(dir, LEADER_EPOCH_CHECKPOINT),
        entries.map((e) => `${e.epoch} ${e.startOffset}`),
      ),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Base offsets of the segments in `dir`, ascending; index files without a log are removed. */
function listSegmentBases(dir: string): number[] {
  const logs = new Set<number>();
  const indexes: { name: string; baseOffset: number }[] = [];
  for (const name of readdirSync(dir)) {
    const parsed = parseSegmentFileName(name);
    if (!parsed) continue;
    if (parsed.kind === 'log') logs.add(parsed.baseOffset);
    else indexes.push({ name, baseOffset: parsed.baseOffset });
  }
  // Left behind by a crash while a segment was being deleted.
  for (const i of indexes) if (!logs.has(i.baseOffset)) rmSync(join(dir, i.name), { force: true });
  return [...logs].sort((a, b) => a - b);
}

function removeSegmentFiles(dir: string, baseOffset: number): void {
  const paths = segmentPaths(dir, baseOffset);
  for (const p of [paths.log, paths.index, paths.timeIndex]) rmSync(p, { force: true });
}

function readLogStartOffset(dir: string): number | null {
  const path = join(dir, LOG_START_OFFSET_CHECKPOINT);
  const entries = readCheckpoint(path);
  if (!entries || entries.length === 0) return null;
  return parseCheckpointNumbers(path, entries[0]!, 1)[0]!;
}

function readEpochs(dir: string): EpochEntry[] {
  const path = join(dir, LEADER_EPOCH_CHECKPOINT);
  return (readCheckpoint(path) ?? []).map((line) => {
    const [epoch, startOffset] = parseCheckpointNumbers(path, line, 2);
    return { epoch: epoch!, startOffset: startOffset! };
  });
}
