import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { TRANSACTIONAL_FLAG_MASK } from '../../protocol/records/batch-header.ts';
import { validateBatchForAppend } from '../../protocol/records/record-batch.ts';
import type { Broker } from '../broker.ts';
import type { Partition } from '../topics/topic-registry.ts';
import { maxMessageBytes, minInsyncReplicas } from '../topics/topic-config.ts';
import { acceptsFencedEpoch } from '../bugs/txn-bugs.ts';

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

/** A failure before the log was reached (or one Kafka reports without it): log start offset -1. */
export function refused(errorCode: number, errorMessage: string | null): PartitionAppendOutcome {
  return { errorCode, errorMessage, baseOffset: -1, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

/** A failure the log reported: Kafka's ReplicaManager.processFailedRecord adds the partition's log start offset. */
export function failedInLog(partition: Partition, errorCode: number, errorMessage: string): PartitionAppendOutcome {
  return { ...refused(errorCode, errorMessage), logStartOffset: partition.log.logStartOffset };
}

/**
 * Errors ReplicaManager.appendToLocalLog answers without the log start offset (UnknownTopicOrPartition,
 * NotLeaderOrFollower, RecordTooLarge, RecordBatchTooLarge, CorruptRecord, KafkaStorage, UnknownTopicId);
 * every other append failure carries it.
 */
const WITHOUT_LOG_START: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

/** Options of {@link appendRecords}. */
export interface AppendOptions {
  /** Produce request version (zstd needs v7+); default the newest. */
  apiVersion?: number;
  /** Kafka lets only its admin client (client id `__admin_client`) write to internal topics. */
  internalTopicsAllowed?: boolean;
  /** The Produce request's transactional id (null: none). */
  transactionalId?: string | null;
}

/**
 * The error a transactional batch gets when the coordinator did not verify its partition
 * (KIP-890 part 1), translated as Kafka's AddPartitionsToTxnManager and ReplicaManager do for
 * producers: fenced → INVALID_PRODUCER_EPOCH, not in the transaction → INVALID_TXN_STATE (Produce
 * v11+: TRANSACTION_ABORTABLE), retriable coordinator errors → NOT_ENOUGH_REPLICAS.
 */
export function verificationError(code: number, apiVersion: number): number {
  switch (code) {
    case ErrorCode.PRODUCER_FENCED:
      return ErrorCode.INVALID_PRODUCER_EPOCH;
    case ErrorCode.TRANSACTION_ABORTABLE:
      return apiVersion > 10 ? ErrorCode.TRANSACTION_ABORTABLE : ErrorCode.INVALID_TXN_STATE;
    case ErrorCode.CONCURRENT_TRANSACTIONS:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return ErrorCode.NOT_ENOUGH_REPLICAS;
    default:
      return code;
  }
}

/**
 * Appends the records a producer sent for one partition, as Kafka's ReplicaManager.appendToLocalLog,
 * Partition.appendRecordsToLeader and UnifiedLog.appendAsLeader do on the leader, in their order:
 * internal topic, leadership, min.insync.replicas for acks=all, the batch checks of
 * analyzeAndValidateRecords and LogValidator (validateBatchForAppend), idempotent-producer
 * sequence rules, then the append, which assigns offsets densely and stamps the leader epoch.
 * Bytes after the one whole batch are dropped, as UnifiedLog's trimInvalidBytes does.
 * The request-level and validateRecords checks of KafkaApis come before (produce-checks.ts).
 * A transactional batch whose producer has no transaction open here yet is first verified with
 * the transaction coordinator (KIP-890 part 1); its append opens the transaction on this partition.
 */
export function appendRecords(
  broker: Broker,
  partition: Partition,
  records: Buffer,
  acks: number,
  opts: AppendOptions = {},
): PartitionAppendOutcome {
  const topic = broker.topics.get(partition.topic);
  if (topic?.internal && !opts.internalTopicsAllowed) {
    return refused(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${partition.topic}`);
  }
  if (!broker.replication.isLeader(partition)) {
    return refused(
      ErrorCode.NOT_LEADER_OR_FOLLOWER,
      `This server is not the leader for topic-partition ${partition.topic}-${partition.index}`,
    );
  }
  // acks=all needs min.insync.replicas in sync before the append. Kafka caps it at the replication
  // factor (Partition.effectiveMinIsr), so a single node never refuses: checked against Kafka 4.4.0.
  const minIsr = effectiveMinIsr(broker, partition);
  if (acks === -1 && partition.isr.length < minIsr) {
    return failedInLog(
      partition,
      ErrorCode.NOT_ENOUGH_REPLICAS,
      `The size of the current ISR Set(${partition.isr.join(', ')}) is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${partition.topic}-${partition.index}`,
    );
  }
  const checked = validateBatchForAppend(records, {
    apiVersion: opts.apiVersion,
    maxMessageBytes: maxMessageBytes(topic?.configs ?? new Map(), broker.config.messageMaxBytes),
    topicPartition: `${partition.topic}-${partition.index}`,
  });
  if (!checked.ok) {
    return WITHOUT_LOG_START.has(checked.errorCode)
      ? refused(checked.errorCode, checked.reason)
      : failedInLog(partition, checked.errorCode, checked.reason);
  }
  const header = checked.header;
  const transactional = (header.attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
  // known bug 'no-fence': a fenced epoch's transactional write passes both the verification and the epoch check
  const fencedAccepted =
    transactional &&
    acceptsFencedEpoch(broker.bugs, partition.producers.epochOf(header.producerId), header.producerEpoch);
  if (
    transactional &&
    !fencedAccepted &&
    partition.producers.needsTransactionVerification(header.producerId, header.producerEpoch)
  ) {
    const verified = broker.transactions.verifyPartition(
      opts.transactionalId ?? '',
      header.producerId,
      header.producerEpoch,
      {
        topic: partition.topic,
        partition: partition.index,
      },
    );
    if (verified !== null && verified !== ErrorCode.NONE) {
      const code = verificationError(verified, opts.apiVersion ?? 13);
      return failedInLog(
        partition,
        code,
        code === ErrorCode.INVALID_TXN_STATE
          ? 'Partition was not added to the transaction'
          : `transaction verification failed (error ${verified})`,
      );
    }
  }
  const producer =
    header.producerId >= 0
      ? {
          producerId: header.producerId,
          producerEpoch: header.producerEpoch,
          baseSequence: header.baseSequence,
          count: checked.count,
        }
      : null;
  if (producer) {
    const seq = fencedAccepted ? ({ kind: 'append' } as const) : partition.producers.check(producer);
    if (seq.kind === 'error') return failedInLog(partition, seq.errorCode, seq.message);
    if (seq.kind === 'duplicate' && !broker.bugs.strikes('duplicate-retried-batch')) {
      // Kafka answers a duplicate with the BatchMetadata it kept: the original offsets, and as
      // "log append time" the timestamp it recorded for the batch, its maxTimestamp
      // (UnifiedLog.append: appendInfo.setLogAppendTime(duplicate.timestamp)), even on a CreateTime topic.
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        baseOffset: seq.baseOffset,
        lastOffset: seq.lastOffset,
        logAppendTimeMs: seq.logAppendTimeMs,
        logStartOffset: partition.log.logStartOffset,
      };
    }
  }
  if (broker.bugs.strikes('drop-acked-write')) {
    // the broker believes it wrote the batch: its producer state moves on as if it had. A retry of
    // this batch is answered as it was (lastOffset -1, as below): recording end + count - 1 made
    // the retry's acks=all wait for a high watermark the log never reaches, the whole request
    // timeout on every retry (an idempotence run under this bug took minutes, not seconds).
    const end = partition.log.logEndOffset;
    if (producer) partition.producers.record(producer, end, -1, checked.maxTimestamp);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: end,
      lastOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: partition.log.logStartOffset,
    };
  }
  // The log patches offsets into the buffer; copy so the request's frame is not aliased by the log.
  const now = Date.now();
  broker.bugs.noteHighWatermark(`${partition.topic}-${partition.index}`, partition.log.highWatermark);
  const appended = partition.log.append(Buffer.from(records.subarray(0, checked.size)), partition.leaderEpoch, now);
  // Kafka's producer state keeps the batch's maxTimestamp (ProducerAppendInfo.append), which a retry of this batch is answered with.
  if (producer) partition.producers.record(producer, appended.baseOffset, appended.lastOffset, checked.maxTimestamp);
  if (producer && transactional) partition.producers.recordTransactional(producer.producerId, appended.baseOffset);
  broker.replication.afterLeaderAppend(partition);
  broker.notifyAppend();
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    baseOffset: appended.baseOffset,
    lastOffset: appended.lastOffset,
    logAppendTimeMs: appended.logAppendTimeMs,
    logStartOffset: partition.log.logStartOffset,
  };
}

/** min.insync.replicas of the partition's topic, capped at its replication factor as Kafka's Partition.effectiveMinIsr. */
export function effectiveMinIsr(broker: Broker, partition: Partition): number {
  const configured = minInsyncReplicas(
    broker.topics.get(partition.topic)?.configs ?? new Map(),
    broker.config.minInsyncReplicas,
  );
  return Math.min(configured, partition.replicas.length);
}
