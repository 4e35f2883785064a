/**
 * Sequence numbers of an idempotent producer, per partition (KIP-98): each batch's base
 * sequence is the one after the previous batch's last record, wrapping from 2^31-1 to 0 as
 * Kafka's producer does. A sequence reused within a producer epoch is a duplicate to the broker.
 */
const MAX_SEQUENCE = 0x7fffffff;

/** Hands out base sequences per partition; never the same range twice. */
export class PartitionSequences {
  private readonly next = new Map<number, number>();

  /** The base sequence for a batch of `records` records to `partition`, and advances past it. */
  take(partition: number, records: number): number {
    if (!(records >= 1)) throw new RangeError(`a batch has at least one record, got ${records}`);
    const base = this.next.get(partition) ?? 0;
    const after = base + records;
    this.next.set(partition, after > MAX_SEQUENCE ? after - MAX_SEQUENCE - 1 : after);
    return base;
  }

  /** The next base sequence of `partition` (0 before the first batch). */
  peek(partition: number): number {
    return this.next.get(partition) ?? 0;
  }
}
