/**
 * TxnOffsetCommit v5 (KIP-890 part 2: a transaction version 2 client commits offsets without
 * AddOffsetsToTxn, the request adds the group's __consumer_offsets partition itself) on the
 * reference broker and Kafka 4.4.0, the same raw requests on both: what ApiVersions advertises,
 * the commit without AddOffsetsToTxn and the partition it adds, pending offsets (OffsetFetch with
 * and without require_stable), commit and abort by EndTxn v5, a fenced epoch, an unknown producer
 * id and transactional id, v4 without AddOffsetsToTxn in the same state, an unknown topic and an
 * empty group id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicBody } from '../../harness/drivers/request-bodies.ts';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { TargetNode } from '../../harness/nemesis/fault-control.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';
import { sleep, toCoordinator, TxnProducer } from './raw-txn-producer.ts';

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker({})]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

async function observeTxnOffsetCommitV5(bootstrap: string): Promise<Record<string, unknown>> {
  const nodes: TargetNode[] = [{ id: 1, bootstrap }];
  const seen: Record<string, unknown> = {};
  const topic = 'toc-v5';
  const group = 'toc-v5-group';
  const c = await RawClient.connect(bootstrap);
  try {
    const av = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' });
    const range = av.apiKeys.find((a) => a.apiKey === ApiKey.TxnOffsetCommit);
    // Kafka 4.4.0 advertises v6 (topic ids), which the codec cannot speak yet: v0-5 are compared
    seen.txnOffsetCommitMin = range?.minVersion;
    seen.txnOffsetCommitMax = range?.maxVersion;
    seen.created = (await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic))).topics[0]!.errorCode;
    // the group's coordinator (and __consumer_offsets) first, as a client finds it
    for (let i = 0; i < 300; i++) {
      const r = await c.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [group] });
      if (r.coordinators[0]!.errorCode === 0) break;
      await sleep(100);
    }
    const p = new TxnProducer(nodes, 'toc-v5-txn');
    await p.init();
    const e0 = p.epoch;
    const commitOffsets = async (
      v: number,
      opts: { offset?: bigint; epoch?: number; pid?: bigint; txnId?: string; topic?: string; group?: string } = {},
    ) => {
      const r = await c.request(ApiKey.TxnOffsetCommit, v, {
        transactionalId: opts.txnId ?? p.txnId,
        groupId: opts.group ?? group,
        producerId: opts.pid ?? p.pid,
        producerEpoch: opts.epoch ?? p.epoch,
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: opts.topic ?? topic,
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: opts.offset ?? 1n,
                committedLeaderEpoch: -1,
                committedMetadata: 'm',
              },
            ],
          },
        ],
      });
      return r.topics.map((t) => t.partitions.map((x) => x.errorCode));
    };
    const offsetFetch = async (requireStable: boolean) => {
      const r = await c.request(ApiKey.OffsetFetch, 7, {
        groupId: group,
        topics: [{ name: topic, partitionIndexes: [0] }],
        groups: [],
        requireStable,
      });
      const x = r.topics[0]?.partitions[0];
      return [r.errorCode, x?.errorCode ?? null, x ? Number(x.committedOffset) : null];
    };
    const describeTxn = async () => {
      const { answer } = await toCoordinator(nodes, p.txnId, async (k) => {
        const r = await k.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [p.txnId] });
        return r.transactionStates[0]!;
      });
      return {
        state: answer.transactionState,
        epoch: answer.producerEpoch - e0,
        topics: answer.topics.map((t) => t.topic).sort(),
      };
    };
    const settle = () => p.states((s) => s === 'CompleteCommit' || s === 'CompleteAbort');

    // ---- transaction 1: a record, offsets without AddOffsetsToTxn, commit ----
    seen.produce1 = await p.produce(topic, 0, 'r1', 0);
    seen.commitOffsets1 = await commitOffsets(5, { offset: 1n });
    seen.describe1 = await describeTxn();
    seen.offsetFetchPending = [await offsetFetch(false), await offsetFetch(true)];
    const end1 = await p.end(true);
    seen.end1 = { errorCode: end1.answer.errorCode, epoch: end1.answer.producerEpoch - e0 };
    p.epoch = end1.answer.producerEpoch;
    seen.settled1 = (await settle()).at(-1);
    seen.offsetFetchCommitted = [await offsetFetch(false), await offsetFetch(true)];

    // ---- transaction 2: offsets only (the first request of the transaction), abort ----
    seen.commitOffsets2 = await commitOffsets(5, { offset: 7n });
    seen.describe2 = await describeTxn();
    const end2 = await p.end(false);
    seen.end2 = { errorCode: end2.answer.errorCode, epoch: end2.answer.producerEpoch - e0 };
    p.epoch = end2.answer.producerEpoch;
    seen.settled2 = (await settle()).at(-1);
    seen.offsetFetchAfterAbort = [await offsetFetch(false), await offsetFetch(true)];

    // ---- refusals ----
    seen.fencedEpoch = await commitOffsets(5, { epoch: e0 });
    seen.unknownProducerId = await commitOffsets(5, { pid: p.pid + 1000n });
    seen.unknownTransactionalId = await commitOffsets(5, { txnId: 'toc-v5-nobody' });
    seen.unknownTopic = await commitOffsets(5, { topic: 'toc-v5-missing' });
    seen.emptyGroup = await commitOffsets(5, { group: '' });
    seen.describeAfterRefusals = await describeTxn();
    // transaction 3 opened by a record: v4 without AddOffsetsToTxn is refused, v5 adds the partition
    seen.produce3 = await p.produce(topic, 0, 'r3', 0);
    seen.v4NotAdded = await commitOffsets(4, { offset: 9n });
    seen.v3NotAdded = await commitOffsets(3, { offset: 9n });
    seen.v5Adds = await commitOffsets(5, { offset: 9n });
    seen.v4AfterAdd = await commitOffsets(4, { offset: 10n });
    seen.describe3 = await describeTxn();
    const end3 = await p.end(true);
    seen.end3 = end3.answer.errorCode;
    await settle();
    seen.offsetFetchEnd = [await offsetFetch(false), await offsetFetch(true)];
  } finally {
    c.close();
  }
  return seen;
}

describe(`TxnOffsetCommit v5 (transaction version 2): reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('adds the offsets partition itself and answers every case as Kafka does', async () => {
    const [ref, real] = await Promise.all([
      observeTxnOffsetCommitV5(reference.bootstrap),
      observeTxnOffsetCommitV5(kafka.bootstrap),
    ]);
    console.log(`[kconform] TxnOffsetCommit v5, reference: ${JSON.stringify(ref)}`);
    console.log(`[kconform] TxnOffsetCommit v5, kafka: ${JSON.stringify(real)}`);
    // what carries the meaning, on the reference, so both being wrong alike cannot pass
    expect(ref.commitOffsets1).toEqual([[0]]);
    expect(ref.describe1).toMatchObject({ state: 'Ongoing', topics: ['__consumer_offsets', 'toc-v5'] });
    expect(ref.offsetFetchCommitted).toEqual([
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(ref.offsetFetchAfterAbort).toEqual(ref.offsetFetchCommitted);
    expect(ref.txnOffsetCommitMax).toBe(5);
    expect(real.txnOffsetCommitMax).toBe(6);
    delete ref.txnOffsetCommitMax;
    delete real.txnOffsetCommitMax;
    for (const key of new Set([...Object.keys(ref), ...Object.keys(real)]))
      expect([key, ref[key]]).toEqual([key, real[key]]);
  }, 120_000);
});
