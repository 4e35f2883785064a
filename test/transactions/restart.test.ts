/**
 * Transactions across a restart of the reference broker (--data-dir): the partitions rebuild their
 * producer state from the log (an open transaction still holds the last stable offset, the aborted
 * index still reaches read_committed fetches) and the coordinator reloads __transaction_state, so
 * the producer can finish its transaction after the restart, as with Kafka.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTopicBody, fetchBody, listOffsetsBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import { startTestBroker } from '../helpers/reference.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function until<T>(f: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const t = await f();
    if (done(t)) return t;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached');
}

describe('transactions across a reference broker restart', () => {
  it('keeps open and aborted transactions, and the producer commits after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kconform-txn-'));
    dirs.push(dataDir);
    const topic = 'txn-restart';
    const txnId = 'restart-txn';
    let broker = await startTestBroker({ dataDir });
    let c = await RawClient.connect(broker.bootstrap);
    const init = () =>
      until(
        () =>
          c.request(ApiKey.InitProducerId, 3, {
            transactionalId: txnId,
            transactionTimeoutMs: 60_000,
            producerId: -1n,
            producerEpoch: -1,
            enable2Pc: false,
            keepPreparedTxn: false,
          }),
        (r) => r.errorCode === 0,
      );
    const add = (pid: bigint, epoch: number) =>
      c.request(ApiKey.AddPartitionsToTxn, 3, {
        transactions: [],
        v3AndBelowTransactionalId: txnId,
        v3AndBelowProducerId: pid,
        v3AndBelowProducerEpoch: epoch,
        v3AndBelowTopics: [{ name: topic, partitions: [0] }],
      });
    const produce = async (pid: bigint, epoch: number, seq: number, value: string) => {
      const batch = buildRecordBatch([{ value }], {
        producerId: Number(pid),
        producerEpoch: epoch,
        baseSequence: seq,
        transactional: true,
      });
      const r = await c.request(ApiKey.Produce, 9, { ...produceBody(topic, batch), transactionalId: txnId });
      return r.responses[0]!.partitionResponses[0]!.errorCode;
    };
    const end = (pid: bigint, epoch: number, committed: boolean) =>
      c.request(ApiKey.EndTxn, 3, { transactionalId: txnId, producerId: pid, producerEpoch: epoch, committed });
    const lso = async () =>
      Number(
        (await c.request(ApiKey.ListOffsets, 5, { ...listOffsetsBody(topic, -1n), isolationLevel: 1 })).topics[0]!
          .partitions[0]!.offset,
      );
    const readCommitted = async () => {
      const r = await c.request(ApiKey.Fetch, 11, { ...fetchBody(topic, 0n), isolationLevel: 1 });
      const p = r.responses[0]!.partitions[0]!;
      return {
        aborted: p.abortedTransactions?.map((a) => Number(a.firstOffset)),
        values: decodeRecordBatches(p.records ?? Buffer.alloc(0))
          .filter((b) => (b.attributes & 0x20) === 0)
          .map((b) => [b.baseOffset, b.records[0]!.value!.toString()]),
      };
    };
    try {
      await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
      // as a client: find the coordinator first (this creates __transaction_state)
      await until(
        () => c.request(ApiKey.FindCoordinator, 3, { key: txnId, keyType: 1, coordinatorKeys: [] }),
        (r) => r.errorCode === 0,
      );
      const { producerId: pid, producerEpoch: epoch } = await init();
      expect((await add(pid, epoch)).resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(0);
      expect(await produce(pid, epoch, 0, 'aborted')).toBe(0); // offset 0
      expect((await end(pid, epoch, false)).errorCode).toBe(0); // marker at 1
      await until(lso, (o) => o === 2);
      await until(
        () => add(pid, epoch),
        (r) => r.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode === 0,
      );
      expect(await produce(pid, epoch, 1, 'open')).toBe(0); // offset 2, left open
      expect(await lso()).toBe(2);

      c.close();
      await broker.close();
      broker = await startTestBroker({ dataDir });
      c = await RawClient.connect(broker.bootstrap);

      // the rebuilt producer state: the open transaction still holds the LSO, the aborted one is indexed
      expect(await until(lso, (o) => o >= 0)).toBe(2);
      expect(await readCommitted()).toEqual({ aborted: [0], values: [[0, 'aborted']] });
      // the reloaded coordinator knows the open transaction: the producer commits it
      expect(
        (
          await until(
            () => end(pid, epoch, true),
            (r) => r.errorCode !== 15 && r.errorCode !== 14,
          )
        ).errorCode,
      ).toBe(0);
      await until(lso, (o) => o === 4);
      expect(await readCommitted()).toEqual({
        aborted: [0],
        values: [
          [0, 'aborted'],
          [2, 'open'],
        ],
      });
    } finally {
      c.close();
      await broker.close();
    }
  }, 60_000);
});
