import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { batchSizeAt, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, TRANSACTIONAL_FLAG_MASK } from '../../protocol/records/batch-header.ts';
import { validateBatchForAppend } from '../../protocol/records/record-batch.ts';
import type { Broker } from '../broker.ts';
import type { Partition } from '../topics/topic-registry.ts';
import { maxMessageBytes, minInsyncReplicas } from '../topics/topic-config.ts';

/** The outcome of appending one partition's records of a Produce request. */
export interface PartitionAppendOutcome {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  /** Offset of the last record appended (or of the duplicate's last record); -1 on failure. */
  lastOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

function failure(partition: Partition | undefined, errorCode: number, errorMessage: string): PartitionAppendOutcome {
  return { errorCode, errorMessage, baseOffset: -1, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: partition ? partition.log.logStartOffset : -1 };
}

/**
 * Validates and appends the records a producer sent for one partition, as Kafka's
 * ReplicaManager/UnifiedLog do for a leader: exactly one v2 batch (Produce v3+), CRC and record
 * checks (LogValidator), message.max.bytes, idempotent-producer sequence rules, then the append,
 * which assigns offsets densely and stamps the leader epoch. Transactions are not served
 * (see SKIPPED_FEATURES.md), so a transactional batch is refused.
 */
export function appendRecords(broker: Broker, partition: Partition, records: Buffer | null, acks: number): PartitionAppendOutcome {
  if (!broker.replication.isLeader(partition)) {
    return failure(partition, ErrorCode.NOT_LEADER_OR_FOLLOWER, `This server is not the leader for topic-partition ${partition.topic}-${partition.index}`);
  }
  if (!records || records.length === 0) {
    return failure(partition, ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must have exactly one record batch per partition');
  }
  if (records.length < RECORD_BATCH_OVERHEAD || batchSizeAt(records) !== records.length) {
    const size = records.length >= LOG_OVERHEAD ? batchSizeAt(records) : -1;
    const errorCode = size > records.length || size < RECORD_BATCH_OVERHEAD ? ErrorCode.CORRUPT_MESSAGE : ErrorCode.INVALID_RECORD;
    return failure(partition, errorCode, 'Produce requests with version 3 and above must have exactly one record batch per partition');
  }
  const maxBytes = maxMessageBytes(broker.topics.get(partition.topic)?.configs ?? new Map(), broker.config.messageMaxBytes);
  if (records.length > maxBytes) {
    return failure(partition, ErrorCode.MESSAGE_TOO_LARGE, `The record batch size in the append to ${partition.topic}-${partition.index} is ${records.length} bytes which exceeds the maximum configured value of ${maxBytes}.`);
  }
  // acks=all needs min.insync.replicas in sync before the append. Kafka caps it at the replication
  // factor (Partition.effectiveMinIsr), so a single node never refuses: checked against Kafka 4.4.0.
  const minIsr = effectiveMinIsr(broker, partition);
  if (acks === -1 && partition.isr.length < minIsr) {
    return failure(partition, ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR Set(${partition.isr.join(', ')}) is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${partition.topic}-${partition.index}`);
  }
  const checked = validateBatchForAppend(records);
  if (!checked.ok) return failure(partition, checked.errorCode, checked.reason);
  const header = checked.header;
  if ((header.attributes & TRANSACTIONAL_FLAG_MASK) !== 0) {
    return failure(partition, ErrorCode.INVALID_TXN_STATE, 'transactions are not supported by the reference broker (see SKIPPED_FEATURES.md)');
  }
  const producer = header.producerId >= 0 ? { producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence, count: checked.count } : null;
  if (producer) {
    const seq = partition.producers.check(producer);
    if (seq.kind === 'error') return failure(partition, seq.errorCode, seq.message);
    if (seq.kind === 'duplicate' && !broker.bugs.strikes('duplicate-retried-batch')) {
      return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: seq.baseOffset, lastOffset: seq.lastOffset, logAppendTimeMs: -1, logStartOffset: partition.log.logStartOffset };
    }
  }
  if (broker.bugs.strikes('drop-acked-write')) {
    // the broker believes it wrote the batch: its producer state moves on as if it had
    const end = partition.log.logEndOffset;
    if (producer) partition.producers.record(producer, end, end + checked.count - 1, Date.now());
    return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: end, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: partition.log.logStartOffset };
  }
  // The log patches offsets into the buffer; copy so the request's frame is not aliased by the log.
  const now = Date.now();
  broker.bugs.noteHighWatermark(`${partition.topic}-${partition.index}`, partition.log.highWatermark);
  const appended = partition.log.append(Buffer.from(records), partition.leaderEpoch, now);
  if (producer) partition.producers.record(producer, appended.baseOffset, appended.lastOffset, now);
  broker.replication.afterLeaderAppend(partition);
  broker.notifyAppend();
  return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: appended.baseOffset, lastOffset: appended.lastOffset, logAppendTimeMs: -1, logStartOffset: partition.log.logStartOffset };
}

/** min.insync.replicas of the partition's topic, capped at its replication factor as Kafka's Partition.effectiveMinIsr. */
export function effectiveMinIsr(broker: Broker, partition: Partition): number {
  const configured = minInsyncReplicas(broker.topics.get(partition.topic)?.configs ?? new Map(), broker.config.minInsyncReplicas);
  return Math.min(configured, partition.replicas.length);
}
