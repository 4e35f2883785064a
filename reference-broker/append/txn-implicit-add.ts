/**
 * Transaction version 2's implicit add (KIP-890 part 2): a Produce v12+ carrying a transactional
 * batch for a partition where its producer has no transaction open yet makes the partition's
 * leader add the partition to the transaction at the coordinator before the append, as Kafka's
 * ReplicaManager does through AddPartitionsToTxnManager (operation `addPartition`: an
 * AddPartitionsToTxn v5, not `verify_only`, to the coordinator; CONCURRENT_TRANSACTIONS — the
 * previous transaction's markers still in flight — is tried again for a short while). Older
 * Produce versions keep version 1's verification in appendRecords.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-890%3A+Transactions+Server-Side+Defense
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import {
  CONTROL_FLAG_MASK,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  TRANSACTIONAL_FLAG_MASK,
} from '../../protocol/records/batch-header.ts';
import type { Broker } from '../broker.ts';
import type { Partition } from '../topics/topic-registry.ts';
import { failedInLog, type PartitionAppendOutcome, verificationError } from './append-records.ts';

/** The first Produce version of transaction version 2 (ProduceRequest: version > 11 adds partitions). */
export const PRODUCE_TV2_MIN_VERSION = 12;

/**
 * Adds `partition` to the batch's transaction when transaction version 2 asks for it; null when
 * there is nothing to add (or it was added), else the refusal the partition answers.
 */
export async function addPartitionImplicitly(
  broker: Broker,
  partition: Partition,
  records: Buffer,
  transactionalId: string | null,
  apiVersion: number,
): Promise<PartitionAppendOutcome | null> {
  if (apiVersion < PRODUCE_TV2_MIN_VERSION || records.length < RECORD_BATCH_OVERHEAD) return null;
  const h = readBatchHeader(records);
  // a batch that is not a valid v2 batch is refused by appendRecords' checks, not here
  if (h.magic !== 2) return null;
  if ((h.attributes & TRANSACTIONAL_FLAG_MASK) === 0 || (h.attributes & CONTROL_FLAG_MASK) !== 0) return null;
  if (h.producerId < 0 || !broker.replication.isLeader(partition)) return null;
  if (!partition.producers.needsTransactionVerification(h.producerId, h.producerEpoch)) return null;
  const code = await broker.transactions.addPartitionForProduce(transactionalId ?? '', h.producerId, h.producerEpoch, {
    topic: partition.topic,
    partition: partition.index,
  });
  if (code === ErrorCode.NONE) return null;
  const mapped = verificationError(code, apiVersion);
  return failedInLog(partition, mapped, `adding the partition to the transaction failed (error ${code})`);
}
