/**
 * Idempotent-producer state of one partition, as Kafka's ProducerStateManager keeps it
 * (KIP-98; duplicate window of 5 batches from KIP-98/KAFKA-5494; new-epoch rules from KIP-360).
 *
 * - A batch equal (same epoch, first and last sequence) to one of the last five batches of
 *   its producer is a duplicate: it is not appended and the produce answers NONE with the
 *   offset of the original, which is how Kafka lets a retried batch succeed exactly once.
 * - An older epoch is fenced: INVALID_PRODUCER_EPOCH.
 * - A newer epoch must start at sequence 0 (OUT_OF_ORDER_SEQUENCE_NUMBER otherwise), except for a
 *   producer the partition has no state for, whose first batch is accepted at any sequence.
 * - Within an epoch the first sequence must follow the last one (wrapping at 2^31 - 1).
 */

/** Kafka error codes this module answers with. */
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const INVALID_PRODUCER_EPOCH = 47;

/** Batches remembered per producer for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
export const BATCHES_TO_RETAIN = 5;

/** What a batch says about its producer. */
export interface ProducerBatchInfo {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Records in the batch (lastSequence = baseSequence + count - 1, wrapping). */
  count: number;
}

/** A batch remembered for duplicate detection. */
interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
  logAppendTimeMs: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

/** The outcome of checking a batch before it is appended. */
export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number; logAppendTimeMs: number }
  | { kind: 'error'; errorCode: number; message: string };

function lastSequenceOf(b: ProducerBatchInfo): number {
  return (b.baseSequence + b.count - 1) % 2 ** 31;
}

function follows(lastSeq: number, nextFirst: number): boolean {
  return nextFirst === (lastSeq === 2 ** 31 - 1 ? 0 : lastSeq + 1);
}

/** Producer state of one partition. Not persisted: a restarted broker rebuilds it from nothing. */
export class PartitionProducerState {
  private readonly producers = new Map<number, ProducerEntry>();

  /** Decides whether a batch with a producer id may be appended, is a duplicate, or is refused. */
  check(b: ProducerBatchInfo): SequenceCheck {
    const entry = this.producers.get(b.producerId);
    if (!entry) return { kind: 'append' };
    if (b.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        errorCode: INVALID_PRODUCER_EPOCH,
        message: `Epoch of producer ${b.producerId} at offset is ${b.producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      };
    }
    if (b.producerEpoch > entry.epoch) {
      if (b.baseSequence !== 0) {
        return {
          kind: 'error',
          errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `Invalid sequence number for new epoch of producer ${b.producerId}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${entry.epoch} (current producer epoch)`,
        };
      }
      return { kind: 'append' };
    }
    const last = lastSequenceOf(b);
    const dup = entry.batches.find((c) => c.firstSeq === b.baseSequence && c.lastSeq === last);
    if (dup)
      return {
        kind: 'duplicate',
        baseOffset: dup.baseOffset,
        lastOffset: dup.lastOffset,
        logAppendTimeMs: dup.logAppendTimeMs,
      };
    const current = entry.batches.at(-1);
    if (current && !follows(current.lastSeq, b.baseSequence)) {
      return {
        kind: 'error',
        errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `Out of order sequence number for producer ${b.producerId} at offset: ${b.baseSequence} (incoming seq. number), ${current.lastSeq} (current end sequence number)`,
      };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch. */
  record(b: ProducerBatchInfo, baseOffset: number, lastOffset: number, logAppendTimeMs: number): void {
    let entry = this.producers.get(b.producerId);
    if (!entry || b.producerEpoch > entry.epoch) {
      entry = { epoch: b.producerEpoch, batches: [] };
      this.producers.set(b.producerId, entry);
    }
    entry.batches.push({
      firstSeq: b.baseSequence,
      lastSeq: lastSequenceOf(b),
      baseOffset,
      lastOffset,
      logAppendTimeMs,
    });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
  }

  /** Forgets every producer (after the log was truncated or deleted). */
  clear(): void {
    this.producers.clear();
  }
}
