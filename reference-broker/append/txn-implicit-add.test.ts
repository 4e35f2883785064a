import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import type { Broker } from '../broker.ts';
import { PartitionProducerState } from '../producers/producer-state.ts';
import type { Partition } from '../topics/topic-registry.ts';
import type { TxnPartition } from '../transactions/txn-metadata.ts';
import { addPartitionImplicitly } from './txn-implicit-add.ts';

const PID = 7;

/**
 * A leader of one partition whose producer 7 has a transaction open at epoch 0 (its marker not
 * written here yet), and a coordinator that answers each implicit add with `answer`.
 */
function leaderWithOpenTransaction(answer: number) {
  const producers = new PartitionProducerState();
  producers.record({ producerId: PID, producerEpoch: 0, baseSequence: 0, count: 1 }, 0, 0, 0);
  producers.recordTransactional(PID, 0);
  const partition = { topic: 't', index: 0, producers, log: { logStartOffset: 0 } } as unknown as Partition;
  const asked: { producerEpoch: number; topic: string; partition: number }[] = [];
  const broker = {
    bugs: { has: () => false },
    replication: { isLeader: () => true },
    transactions: {
      addPartitionForProduce: async (_id: string, _pid: number, producerEpoch: number, tp: TxnPartition) => {
        asked.push({ producerEpoch, ...tp });
        return answer;
      },
    },
  } as unknown as Broker;
  return { broker, partition, asked };
}

const txnBatch = (producerEpoch: number, baseSequence: number) =>
  buildRecordBatch([{ value: 'v' }], { producerId: PID, producerEpoch, baseSequence, transactional: true });

describe('addPartitionImplicitly (transaction version 2, Produce v12+)', () => {
  it("a batch of the open transaction's epoch is appended without asking the coordinator", async () => {
    const { broker, partition, asked } = leaderWithOpenTransaction(ErrorCode.NONE);
    expect(await addPartitionImplicitly(broker, partition, txnBatch(0, 1), 'tx', 12)).toBeNull();
    expect(asked).toEqual([]);
  });

  it('the next transaction (epoch bumped by EndTxn v5) is added at the coordinator even while the previous one is open here', async () => {
    const { broker, partition, asked } = leaderWithOpenTransaction(ErrorCode.NONE);
    expect(await addPartitionImplicitly(broker, partition, txnBatch(1, 0), 'tx', 12)).toBeNull();
    expect(asked).toEqual([{ producerEpoch: 1, topic: 't', partition: 0 }]);
  });

  it("the coordinator's CONCURRENT_TRANSACTIONS (the previous marker not in yet) keeps the batch out, retriably", async () => {
    const { broker, partition } = leaderWithOpenTransaction(ErrorCode.CONCURRENT_TRANSACTIONS);
    const o = await addPartitionImplicitly(broker, partition, txnBatch(1, 0), 'tx', 12);
    expect(o?.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
  });

  it('an epoch older than the one here is left to the epoch check (INVALID_PRODUCER_EPOCH), not added', async () => {
    const { broker, partition, asked } = leaderWithOpenTransaction(ErrorCode.NONE);
    partition.producers.record({ producerId: PID, producerEpoch: 2, baseSequence: 0, count: 1 }, 1, 1, 0);
    expect(await addPartitionImplicitly(broker, partition, txnBatch(1, 0), 'tx', 12)).toBeNull();
    expect(asked).toEqual([]);
  });
});
