import { batchSizeAt, readBatchHeader, RECORD_BATCH_OVERHEAD } from '../../protocol/records/batch-header.ts';
import { observeBatch } from '../producers/observe-batch.ts';
import type { Partition } from '../topics/topic-registry.ts';

/** Bytes read from the log at a time while rebuilding. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Rebuilds the producer state of `p` (idempotent sequences, open transactions, the aborted-transactions
 * index) from the batches in its log, as Kafka's
 * ProducerStateManager does on recovery (Kafka starts from a snapshot; this reads the whole
 * log, fine for the sizes kconform writes). Needed after a truncation (the state may name
 * batches that are gone) and after a restart, so a retried batch is still recognised as a
 * duplicate by whichever replica leads next.
 */
export function rebuildProducerState(p: Partition): void {
  p.producers.clear();
  const log = p.log;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, CHUNK_BYTES, log.logEndOffset, true);
    if (records.length === 0) break;
    let pos = 0;
    while (pos + RECORD_BATCH_OVERHEAD <= records.length) {
      const size = batchSizeAt(records, pos);
      if (size < RECORD_BATCH_OVERHEAD || pos + size > records.length) break;
      const h = readBatchHeader(records, pos);
      const lastOffset = h.baseOffset + h.lastOffsetDelta;
      observeBatch(p.producers, h, records, pos, size);
      offset = lastOffset + 1;
      pos += size;
    }
  }
}
