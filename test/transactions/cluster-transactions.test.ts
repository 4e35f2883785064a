/**
 * Transactions on the replicated reference cluster (3 node processes, `kconform broker --brokers 3`):
 * a kafkajs transactional producer writes partitions led by each node, so the coordinator (the
 * leader of the id's __transaction_state partition) sends markers to the other nodes with
 * WriteTxnMarkers; read_committed sees committed transactions whole and nothing of aborted ones,
 * and offsets sent in a transaction are committed with it even when the group's coordinator is
 * another node.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { createTopic, patientKafka } from '../targets/fault-checks.ts';
import { fetchBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';

let scratch: string;
let cluster: StartedReferenceProcesses;
let kafka: Kafka;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kconform-txn-cluster-'));
  cluster = await startReferenceProcesses({ brokers: 3, dataDir: join(scratch, 'cluster') });
  kafka = patientKafka(cluster.bootstrap);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Reads until every partition p delivered `${last}-${p}`; the values per partition. */
async function readAll(topic: string, partitions: number, readUncommitted: boolean, last: string) {
  const consumer = kafka.consumer({ groupId: uniqueTopic('g'), readUncommitted, maxWaitTimeInMs: 100 });
  const got = new Map<number, string[]>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sentinel not seen: ${JSON.stringify([...got])}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const values = got.get(partition) ?? [];
          values.push(message.value!.toString());
          got.set(partition, values);
          if ([...Array(partitions).keys()].every((p) => got.get(p)?.includes(`${last}-${p}`))) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return Object.fromEntries([...got].sort(([a], [b]) => a - b));
}

describe('transactions on the replicated reference cluster (3 node processes)', () => {
  it('writes markers to partitions led by every node and commits offsets with the transaction', async () => {
    const topic = uniqueTopic('txn3');
    await createTopic(kafka, {
      topic,
      replicaAssignment: [
        { partition: 0, replicas: [1, 2, 3] },
        { partition: 1, replicas: [2, 3, 1] },
        { partition: 2, replicas: [3, 1, 2] },
      ],
    });
    const groupId = uniqueTopic('eos');
    const producer = kafka.producer({ transactionalId: uniqueTopic('tid'), idempotent: true, maxInFlightRequests: 1 });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    try {
      const send = async (prefix: string, commit: boolean, offset?: string) => {
        const t = await producer.transaction();
        await t.send({
          topic,
          messages: [0, 1, 2].map((partition) => ({ value: `${prefix}-${partition}`, partition })),
        });
        if (offset)
          await t.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic, partitions: [{ partition: 0, offset }] }],
          });
        await (commit ? t.commit() : t.abort());
      };
      await send('c1', true, '3');
      await send('a1', false, '7');
      await send('c2', true);
      await send('end', true);
      expect(await readAll(topic, 3, false, 'end')).toEqual({
        0: ['c1-0', 'c2-0', 'end-0'],
        1: ['c1-1', 'c2-1', 'end-1'],
        2: ['c1-2', 'c2-2', 'end-2'],
      });
      expect(await readAll(topic, 3, true, 'end')).toEqual({
        0: ['c1-0', 'a1-0', 'c2-0', 'end-0'],
        1: ['c1-1', 'a1-1', 'c2-1', 'end-1'],
        2: ['c1-2', 'a1-2', 'c2-2', 'end-2'],
      });
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(offsets[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('3');
    } finally {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    }
  }, 180_000);

  it('transaction version 2: a leader (and the TxnOffsetCommit v5 of a group coordinator) on another node than the coordinator adds its partition (AddPartitionsToTxn v5) before the append', async () => {
    const topic = uniqueTopic('txn3v2');
    await createTopic(kafka, {
      topic,
      replicaAssignment: [
        { partition: 0, replicas: [1, 2, 3] },
        { partition: 1, replicas: [2, 3, 1] },
        { partition: 2, replicas: [3, 1, 2] },
      ],
    });
    const txnId = uniqueTopic('tid2');
    const clients = new Map<number, RawClient>();
    for (const n of cluster.nodes) clients.set(n.id, await RawClient.connect(n.bootstrap));
    const retry = async <T>(f: () => Promise<T>, ok: (t: T) => boolean): Promise<T> => {
      for (let i = 0; ; i++) {
        const r = await f();
        if (ok(r) || i > 200) return r;
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    try {
      const any = clients.get(1)!;
      const found = await retry(
        () => any.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [txnId] }),
        (r) => r.coordinators[0]!.errorCode === 0,
      );
      const coordinator = clients.get(found.coordinators[0]!.nodeId)!;
      const init = await retry(
        () =>
          coordinator.request(ApiKey.InitProducerId, 5, {
            transactionalId: txnId,
            transactionTimeoutMs: 60_000,
            producerId: -1n,
            producerEpoch: -1,
            enable2Pc: false,
            keepPreparedTxn: false,
          }),
        (r) => r.errorCode === 0,
      );
      const pid = init.producerId;
      // partition p is led by node p + 1: two of the three leaders are not the coordinator
      const codes: number[] = [];
      for (const p of [0, 1, 2]) {
        const batch = buildRecordBatch([{ value: `v2-${p}` }], {
          producerId: Number(pid),
          producerEpoch: init.producerEpoch,
          baseSequence: 0,
          transactional: true,
        });
        const r = await retry(
          () =>
            clients.get(p + 1)!.request(ApiKey.Produce, 12, {
              ...produceBody(topic, batch, { partition: p }),
              transactionalId: txnId,
            }),
          (x) => x.responses[0]!.partitionResponses[0]!.errorCode !== 19, // NOT_ENOUGH_REPLICAS while the ISR forms
        );
        codes.push(r.responses[0]!.partitionResponses[0]!.errorCode);
      }
      expect(codes).toEqual([0, 0, 0]);
      // TxnOffsetCommit v5 at a group coordinator that is not the transaction coordinator: it adds
      // the group's __consumer_offsets partition there with AddPartitionsToTxn v5
      let group = '';
      let groupNode = -1;
      for (let i = 0; groupNode < 0 || groupNode === found.coordinators[0]!.nodeId; i++) {
        group = uniqueTopic(`g${i}`);
        const g = await retry(
          () => any.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [group] }),
          (r) => r.coordinators[0]!.errorCode === 0,
        );
        groupNode = g.coordinators[0]!.nodeId;
      }
      const groupCoordinator = clients.get(groupNode)!;
      const offsets = await retry(
        () =>
          groupCoordinator.request(ApiKey.TxnOffsetCommit, 5, {
            transactionalId: txnId,
            groupId: group,
            producerId: pid,
            producerEpoch: init.producerEpoch,
            generationId: -1,
            memberId: '',
            groupInstanceId: null,
            topics: [
              {
                name: topic,
                partitions: [
                  { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' },
                ],
              },
            ],
          }),
        (r) => r.topics[0]!.partitions[0]!.errorCode !== 15, // COORDINATOR_NOT_AVAILABLE while the ISR forms
      );
      expect(offsets.topics[0]!.partitions[0]!.errorCode).toBe(0);
      const described = await coordinator.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [txnId] });
      const added = described.transactionStates[0]!.topics;
      expect(
        added
          .filter((t) => t.topic === topic)
          .flatMap((t) => t.partitions)
          .sort(),
      ).toEqual([0, 1, 2]);
      expect(added.some((t) => t.topic === '__consumer_offsets')).toBe(true);
      const end = await coordinator.request(ApiKey.EndTxn, 5, {
        transactionalId: txnId,
        producerId: pid,
        producerEpoch: init.producerEpoch,
        committed: true,
      });
      expect([end.errorCode, end.producerEpoch - init.producerEpoch]).toEqual([0, 1]);
      // every leader got the commit marker, at the bumped epoch: read_committed reaches the record
      for (const p of [0, 1, 2]) {
        const r = await retry(
          () =>
            clients
              .get(p + 1)!
              .request(ApiKey.Fetch, 12, { ...fetchBody(topic, 0n, { partition: p }), isolationLevel: 1 }),
          (x) => Number(x.responses[0]!.partitions[0]!.lastStableOffset) === 2,
        );
        const batches = decodeRecordBatches(r.responses[0]!.partitions[0]!.records ?? Buffer.alloc(0));
        expect(batches.map((b) => [b.attributes & 0x20, b.producerEpoch - init.producerEpoch])).toEqual([
          [0, 0],
          [0x20, 1],
        ]);
      }
      // the offsets commit with the transaction
      const fetched = await retry(
        () =>
          groupCoordinator.request(ApiKey.OffsetFetch, 7, {
            groupId: group,
            topics: [{ name: topic, partitionIndexes: [0] }],
            groups: [],
            requireStable: true,
          }),
        (r) => r.topics[0]!.partitions[0]!.errorCode === 0,
      );
      expect(Number(fetched.topics[0]!.partitions[0]!.committedOffset)).toBe(1);
    } finally {
      for (const c of clients.values()) c.close();
    }
  }, 180_000);
});
