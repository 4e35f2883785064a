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
  /** The batch's largest timestamp, which DescribeProducers reports as the producer's last one. */
  maxTimestamp?: number;
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
  /** Timestamp of its last batch or marker here, -1 when unknown (Kafka's ProducerStateEntry.lastTimestamp). */
  lastTimestamp: number;
  /** The coordinator epoch of its last marker here, -1 before one (ProducerStateEntry.coordinatorEpoch). */
  coordinatorEpoch: number;
}

/** One producer as DescribeProducers reports it (UnifiedLog.activeProducers). */
export interface ActiveProducer {
  producerId: number;
  producerEpoch: number;
  /** Last sequence of its last batch in this epoch, -1 when none. */
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of its open transaction here, -1 when none. */
  currentTxnStartOffset: number;
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

/** A transaction of one producer on this partition, from its first batch to its marker (Kafka's TxnMetadata). */
export interface CompletedTxn {
  producerId: number;
  /** Offset of the transaction's first batch here. */
  firstOffset: number;
  /** Offset of its commit or abort marker. */
  lastOffset: number;
}

/** An aborted transaction as Fetch reports it (FetchResponse.AbortedTransaction). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
}

/**
 * Producer state of one partition. Not persisted: a restarted broker rebuilds it from the log
 * (producer-state-rebuild.ts), open transactions and the aborted-transactions index included.
 */
export class PartitionProducerState {
  private readonly producers = new Map<number, ProducerEntry>();
  /** Open transactions: producer id → offset of its first batch here (Kafka's ongoingTxns). */
  private readonly ongoing = new Map<number, number>();
  /** Completed transactions whose marker may still be above the high watermark (Kafka's unreplicatedTxns). */
  private unreplicated: CompletedTxn[] = [];
  /** Aborted transactions, in marker order (Kafka's transaction index, one per log here). */
  private aborted: CompletedTxn[] = [];

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
      entry = {
        epoch: b.producerEpoch,
        batches: [],
        lastTimestamp: -1,
        coordinatorEpoch: entry?.coordinatorEpoch ?? -1,
      };
      this.producers.set(b.producerId, entry);
    }
    entry.lastTimestamp = b.maxTimestamp ?? logAppendTimeMs;
    entry.batches.push({
      firstSeq: b.baseSequence,
      lastSeq: lastSequenceOf(b),
      baseOffset,
      lastOffset,
      logAppendTimeMs,
    });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
  }

  /**
   * Notes a transactional batch appended at `baseOffset`: the first one of its producer since the
   * last marker opens a transaction here (ProducerAppendInfo's currentTxnFirstOffset).
   */
  recordTransactional(producerId: number, baseOffset: number): void {
    if (!this.ongoing.has(producerId)) this.ongoing.set(producerId, baseOffset);
  }

  /**
   * Applies a commit or abort marker written at `markerOffset` (ProducerAppendInfo.appendEndTxnMarker):
   * the producer's epoch moves up to the marker's (a newer epoch forgets its sequence window), its
   * open transaction here completes, and an aborted one goes into the aborted-transactions index.
   */
  recordMarker(
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    markerOffset: number,
    marker: { coordinatorEpoch: number; timestampMs: number } = { coordinatorEpoch: -1, timestampMs: -1 },
  ): void {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = { epoch: producerEpoch, batches: [], lastTimestamp: -1, coordinatorEpoch: -1 };
      this.producers.set(producerId, entry);
    } else if (producerEpoch > entry.epoch) {
      entry.epoch = producerEpoch;
      entry.batches = [];
    }
    entry.coordinatorEpoch = marker.coordinatorEpoch;
    entry.lastTimestamp = marker.timestampMs;
    const firstOffset = this.ongoing.get(producerId);
    if (firstOffset === undefined) return;
    this.ongoing.delete(producerId);
    const done = { producerId, firstOffset, lastOffset: markerOffset };
    this.unreplicated.push(done);
    if (!commit) this.aborted.push(done);
  }

  /** Every producer this partition has state for, by producer id (what DescribeProducers answers). */
  activeProducers(): ActiveProducer[] {
    return [...this.producers.entries()]
      .sort(([a], [b]) => a - b)
      .map(([producerId, e]) => ({
        producerId,
        producerEpoch: e.epoch,
        lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
        lastTimestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnStartOffset: this.ongoing.get(producerId) ?? -1,
      }));
  }

  /** The producer's epoch as this partition knows it, or undefined. */
  epochOf(producerId: number): number | undefined {
    return this.producers.get(producerId)?.epoch;
  }

  /**
   * True while `producerId` has a transaction open here; with `producerEpoch`, only when that
   * transaction's producer is at this epoch (Kafka 4.4.0's UnifiedLog.hasOngoingTransaction(pid,
   * epoch)). A batch of a newer epoch is the next transaction of transaction version 2 (EndTxn
   * bumped the epoch) while the previous one's marker is not written here yet: it is not part of
   * the open transaction and must be verified (added) at the coordinator, which refuses it with
   * CONCURRENT_TRANSACTIONS until that marker is in.
   */
  hasOngoingTransaction(producerId: number, producerEpoch?: number): boolean {
    if (!this.ongoing.has(producerId)) return false;
    return producerEpoch === undefined || this.producers.get(producerId)?.epoch === producerEpoch;
  }

  /**
   * Whether a transactional batch of `producerId` at `producerEpoch` must be verified at (transaction
   * version 2: added to) the transaction coordinator before it is appended, as Kafka 4.4.0's
   * UnifiedLog.maybeStartTransactionVerification decides: not when its epoch is older than the one
   * here (Kafka throws InvalidProducerEpochException first; {@link check} answers
   * INVALID_PRODUCER_EPOCH), not when a transaction at its own epoch is open here, else yes. The
   * epoch matters for transaction version 2: the batch of the next transaction (EndTxn v5 bumped the
   * epoch) may arrive while the previous transaction's marker is still on its way to this partition;
   * appended unverified it would join that transaction and be completed by its marker.
   */
  needsTransactionVerification(producerId: number, producerEpoch: number): boolean {
    const known = this.producers.get(producerId)?.epoch;
    if (known !== undefined && producerEpoch < known) return false;
    return !this.hasOngoingTransaction(producerId, producerEpoch);
  }

  /**
   * The last stable offset (UnifiedLog.lastStableOffset): the first offset of the oldest open
   * transaction, or of a completed one whose marker is not yet below the high watermark, else
   * the high watermark.
   */
  lastStableOffset(highWatermark: number): number {
    this.unreplicated = this.unreplicated.filter((t) => t.lastOffset >= highWatermark);
    let lso = highWatermark;
    for (const first of this.ongoing.values()) lso = Math.min(lso, first);
    for (const t of this.unreplicated) lso = Math.min(lso, t.firstOffset);
    return lso;
  }

  /**
   * The aborted transactions a read of [fetchOffset, upperBoundOffset) overlaps
   * (LogSegment.collectAbortedTxns: marker at or after the fetch offset, first offset before the bound).
   */
  abortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return this.aborted
      .filter((t) => t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset)
      .map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
  }

  /** Drops aborted transactions wholly below `logStartOffset` (their data is gone). */
  dropAbortedBefore(logStartOffset: number): void {
    this.aborted = this.aborted.filter((t) => t.lastOffset >= logStartOffset);
  }

  /** Forgets every producer and transaction (after the log was truncated or deleted). */
  clear(): void {
    this.producers.clear();
    this.ongoing.clear();
    this.unreplicated = [];
    this.aborted = [];
  }
}
