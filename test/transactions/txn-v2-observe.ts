/**
 * One raw request sequence of transaction version 2 (KIP-890 part 2) and, for contrast, the same
 * late EndTxn under version 1, returning what a client observes with producer ids, node ids and
 * times left out. txn-v2.test.ts runs it on the reference broker and on Kafka 4.4.0 and compares.
 * Versions: InitProducerId v5, Produce v12 (partitions added implicitly), EndTxn v5 (bumped epoch
 * in the answer) for version 2; AddPartitionsToTxn v3, Produce v9, EndTxn v4 for version 1.
 */
import { createTopicBody, fetchBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';

/** Calls `f` until `done` holds for its answer (retriable errors while a coordinator or topic comes up). */
async function until<T>(f: () => Promise<T>, done: (t: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 300; i++) {
    last = await f();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${JSON.stringify(last, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

/** Runs the sequence against the broker at `bootstrap`; `topic` must not exist yet. */
export async function observeTxnV2(bootstrap: string, topic = 'txn-v2'): Promise<Record<string, unknown>> {
  const c = await RawClient.connect(bootstrap);
  const seen: Record<string, unknown> = {};
  try {
    // ApiVersions v3 leaves out supported features whose minimum is 0 (Java clients before 3.9 refused
    // them, KAFKA-17011); v4 lists them
    const av = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' });
    const av4 = await c.request(ApiKey.ApiVersions, 4, { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' });
    const feature = (list: { name: string }[]) => list.filter((f) => f.name === 'transaction.version');
    seen.supportedV3 = feature(av.supportedFeatures);
    seen.supportedV4 = feature(av4.supportedFeatures);
    seen.finalized = [feature(av.finalizedFeatures), feature(av4.finalizedFeatures)];
    seen.finalizedEpochKnown = av.finalizedFeaturesEpoch >= 0n;
    const max = (k: number) => av.apiKeys.find((a) => a.apiKey === k)?.maxVersion;
    seen.maxVersions = [ApiKey.Produce, ApiKey.AddPartitionsToTxn, ApiKey.EndTxn].map(max);

    await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic, { partitions: 2 }));
    const session = async (txnId: string) => {
      await until(
        () => c.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: [txnId] }),
        (r) => r.coordinators[0]?.errorCode === 0,
        'FindCoordinator',
      );
      const init = await until(
        () =>
          c.request(ApiKey.InitProducerId, 5, {
            transactionalId: txnId,
            transactionTimeoutMs: 60_000,
            producerId: -1n,
            producerEpoch: -1,
            enable2Pc: false,
            keepPreparedTxn: false,
          }),
        (r) => r.errorCode === 0,
        'InitProducerId',
      );
      const pid = init.producerId;
      const produce = async (v: number, partition: number, epoch: number, seq: number, values: string[]) => {
        const batch = buildRecordBatch(
          values.map((value) => ({ value })),
          { producerId: Number(pid), producerEpoch: epoch, baseSequence: seq, transactional: true },
        );
        const r = await c.request(ApiKey.Produce, v, {
          ...produceBody(topic, batch, { partition }),
          transactionalId: txnId,
        });
        return r.responses[0]!.partitionResponses[0]!.errorCode;
      };
      const end = async (v: number, epoch: number, commit: boolean) => {
        const r = await c.request(ApiKey.EndTxn, v, {
          transactionalId: txnId,
          producerId: pid,
          producerEpoch: epoch,
          committed: commit,
        });
        return {
          errorCode: r.errorCode,
          // v5+: the producer id and epoch of the next transaction
          samePid: v >= 5 ? r.producerId === pid : null,
          epoch: v >= 5 ? r.producerEpoch - init.producerEpoch : null,
        };
      };
      const describe = async () => {
        const r = await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [txnId] });
        const s = r.transactionStates[0]!;
        return {
          state: s.transactionState,
          epoch: s.producerEpoch - init.producerEpoch,
          partitions: s.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)).sort(),
        };
      };
      const settled = () =>
        until(describe, (d) => d.state === 'CompleteCommit' || d.state === 'CompleteAbort', 'transaction completed');
      const add = async (epoch: number, partitions: number[]) => {
        const r = await until(
          () =>
            c.request(ApiKey.AddPartitionsToTxn, 3, {
              transactions: [],
              v3AndBelowTransactionalId: txnId,
              v3AndBelowProducerId: pid,
              v3AndBelowProducerEpoch: epoch,
              v3AndBelowTopics: [{ name: topic, partitions }],
            }),
          (r) =>
            r.resultsByTopicV3AndBelow.every((t) => t.resultsByPartition.every((p) => p.partitionErrorCode !== 51)),
          'AddPartitionsToTxn',
        );
        return r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode));
      };
      return { pid, epoch0: init.producerEpoch, produce, end, describe, settled, add };
    };

    // ---- transaction version 2 ----
    const s = await session('txn-v2-a');
    const e = s.epoch0;
    seen.v2ProduceImplicit = await s.produce(12, 0, e, 0, ['a1']);
    seen.v2ProduceV11NotAdded = await s.produce(11, 1, e, 0, ['a-v11']);
    seen.v2DescribeOngoing = await s.describe();
    seen.v2Commit = await s.end(5, e, true);
    seen.v2Completed = await s.settled();
    seen.v2CommitRetry = await s.end(5, e, true);
    seen.v2AbortOldEpoch = await s.end(5, e, false);
    // next transaction, at the bumped epoch
    seen.v2Produce2 = await s.produce(12, 1, e + 1, 0, ['b1']);
    seen.v2LateProduceOldEpoch = await s.produce(12, 0, e, 1, ['late']);
    seen.v2LateCommit = await s.end(5, e, true);
    seen.v2LateAbort = await s.end(5, e, false);
    seen.v2LateAbortV4 = await s.end(4, e, false);
    seen.v2DescribeAfterLate = await s.describe();
    seen.v2Abort2 = await s.end(5, e + 1, false);
    seen.v2Completed2 = await s.settled();
    seen.v2Produce3 = await s.produce(12, 0, e + 2, 0, ['c1']);
    seen.v2Commit3 = await s.end(5, e + 2, true);
    await s.settled();
    const fetch = async (partition: number) => {
      const r = await c.request(ApiKey.Fetch, 12, {
        ...fetchBody(topic, 0n, { partition }),
        isolationLevel: 1,
      });
      const p = r.responses[0]!.partitions[0]!;
      return decodeRecordBatches(p.records ?? Buffer.alloc(0)).map((b) => ({
        control: (b.attributes & 0x20) !== 0,
        epoch: b.producerId === Number(s.pid) ? b.producerEpoch - e : null,
        values: b.attributes & 0x20 ? [b.records[0]!.key?.[3]] : b.records.map((x) => x.value?.toString() ?? null),
        aborted: (p.abortedTransactions ?? []).map((a) => Number(a.firstOffset)),
      }));
    };
    seen.v2Fetch = [await fetch(0), await fetch(1)];

    // ---- transaction version 1 (EndTxn v4): a late EndTxn of the same epoch ends the next transaction ----
    const t = await session('txn-v2-b');
    const f = t.epoch0;
    seen.v1Add = await t.add(f, [0]);
    seen.v1Produce = await t.produce(9, 0, f, 0, ['d1']);
    seen.v1Commit = await t.end(4, f, true);
    await t.settled();
    seen.v1Add2 = await t.add(f, [0]);
    seen.v1Produce2 = await t.produce(9, 0, f, 1, ['e1']);
    seen.v1LateCommit = await t.end(4, f, true);
    seen.v1DescribeAfterLate = await t.settled();
    seen.v1Produce2b = await t.produce(9, 0, f, 2, ['e2']);
  } finally {
    c.close();
  }
  return seen;
}
