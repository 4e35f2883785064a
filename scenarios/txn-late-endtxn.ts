/**
 * txn-late-endtxn (issue 15, the KAFKA-17754 shape): a transactional producer's EndTxn is held
 * back by the Kafka-aware proxy in front of the transaction coordinator; the producer times out,
 * retries the EndTxn on a new connection (answered), begins its next transaction and writes its
 * first record; then the proxy delivers the held EndTxn, late. Under transaction version 1 the
 * late request carries the current epoch, so the coordinator takes it for the end of the next
 * transaction: that transaction's first write is committed or aborted early and the rest of it
 * goes on as a new transaction (aborted reads, lost committed writes, torn transactions). Under
 * version 2 (KIP-890 part 2) every EndTxn bumped the epoch and the late one is PRODUCER_FENCED.
 *
 * The producer speaks the raw protocol, as Kafka's Java producer does: version 2 (Produce v12
 * adding partitions implicitly, EndTxn v5) when the broker finalizes `transaction.version` ≥ 2,
 * else version 1 (AddPartitionsToTxn v3, Produce v9, EndTxn v4); `txn-late-endtxn-v1` always
 * speaks version 1, as pre-4.0 Java clients and kafkajs do. The transaction version is recorded
 * in every `txn-begin`, and the delivery of each late EndTxn (with the broker's answer) as a
 * `late-end-txn` op of the nemesis: the checkers allow version 1's anomalies only in a history
 * that shows both (checkers/txn-version.ts). Outcomes alternate commit / abort, so each late
 * EndTxn ends a transaction the opposite way to the one it belonged to.
 */
import {
  LATE_END_TXN,
  END_TXN,
  FINAL_READ,
  FINAL_READ_UNCOMMITTED,
  REPLAY_READ,
  SEND,
  TXN_BEGIN,
} from '../harness/history/ops.ts';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { startTcpProxy } from '../harness/nemesis/tcp-proxy.ts';
import { ErrorCode } from '../protocol/errors/generated/error-codes.ts';
import { RawClient } from '../protocol/client/raw-client.ts';
import { decodeResponse } from '../protocol/messages/frames.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../protocol/records/batch-builder.ts';
import { produceBody } from '../harness/drivers/request-bodies.ts';
import { recordPlan } from './plan-ops.ts';
import { transactionsUnsupported } from './scenario-needs.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { LeaderRouter } from './leader-router.ts';
import { createTopicsReady } from './topic-setup.ts';
import { endOffsets, readAtIsolation } from './txn-read.ts';

const PARTITIONS = 2;
/** Transactions in a run: each but the last has its EndTxn delivered late, into the next one. */
const TRANSACTIONS = 5;
/** How long the producer waits for an EndTxn answer before it retries on a new connection (request.timeout.ms). */
const END_TXN_TIMEOUT_MS = 1_000;
const PROCESS = 'producer';

/**
 * Retriable answers: the coordinator is still writing the previous transaction's markers, or
 * loading, or (a new __transaction_state partition) not yet serving the id it was found for.
 */
const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_ENOUGH_REPLICAS,
]);

async function retried<T>(f: () => Promise<T>, code: (t: T) => number, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const r = await f();
    if (!RETRIABLE.has(code(r)) || i >= 200) return r;
    await new Promise((res) => setTimeout(res, 50));
    if (i === 199) throw new Error(`${what}: still error ${code(r)}`);
  }
}

const errorName = (code: number) => Object.entries(ErrorCode).find(([, v]) => v === code)?.[0] ?? String(code);

/** The transaction version a Java client would run against this broker (finalized feature and EndTxn v5). */
async function brokerTransactionVersion(c: RawClient): Promise<number> {
  const av = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '0.1.0' });
  const finalized = av.finalizedFeatures.find((f) => f.name === 'transaction.version')?.maxVersionLevel ?? 0;
  const endTxnMax = av.apiKeys.find((a) => a.apiKey === ApiKey.EndTxn)?.maxVersion ?? 0;
  return av.finalizedFeaturesEpoch >= 0n && finalized >= 2 && endTxnMax >= 5 ? 2 : 1;
}

/** The version of `apiKey` to send: the newest the broker and the codec share, at most `max` (old brokers serve fewer). */
const versionOf = (c: RawClient, apiKey: number, max: number, min?: number) => c.negotiate(apiKey, { max, min });

function makeScenario(name: string, forceV1: boolean): Scenario {
  return {
    name,
    description: forceV1
      ? '(study, by name only) txn-late-endtxn with a transaction-version-1 producer (EndTxn v4): the late EndTxn ends the next transaction; its anomalies are reported as allowed (KAFKA-17754)'
      : "the proxy delivers a producer's EndTxn late, into its next transaction (KAFKA-17754); the producer runs the transaction version the broker finalizes: version 2 refuses the late EndTxn",
    needs: ['transactions'],
    checkConfig: { transactional: true, idempotent: true, acks: -1 },
    // Its fault is the held EndTxn, at the one moment that makes it late; a seeded schedule of
    // cuts or kills on top would only break the exchange it times, so the run's faults stay off.
    ownFaults: true,
    async run(ctx: ScenarioContext): Promise<void> {
      const topic = ctx.topicName(name);
      const transactionalId = `kconform-${ctx.runId}-late`;
      const runFaultsNotApplied = ctx.faults?.length ? [...ctx.faults] : undefined;
      recordPlan(ctx.history, {
        scenario: name,
        topic,
        transactionalId,
        transactions: TRANSACTIONS,
        runFaultsNotApplied,
      });
      if (runFaultsNotApplied)
        ctx.progress(
          `${name}: its own fault only (the late EndTxn); --faults ${runFaultsNotApplied.join(',')} not applied`,
        );
      const unsupported = transactionsUnsupported(ctx);
      if (unsupported) return unsupported();
      await createTopicsReady(ctx, [{ topic, numPartitions: PARTITIONS }]);
      await runProducer(ctx, topic, transactionalId, forceV1);
      await ctx.quiesce();
      const ends = endOffsets(ctx.kafka, ctx.target.nodes, topic);
      const b = ctx.target.nodes;
      await readAtIsolation(b, ends, topic, PARTITIONS, FINAL_READ, 'read_committed', ctx.history);
      await readAtIsolation(b, ends, topic, PARTITIONS, REPLAY_READ, 'read_committed', ctx.history);
      await readAtIsolation(b, ends, topic, PARTITIONS, FINAL_READ_UNCOMMITTED, 'read_uncommitted', ctx.history);
    },
  };
}

async function runProducer(ctx: ScenarioContext, topic: string, transactionalId: string, forceV1: boolean) {
  const h: HistoryRecorder = ctx.history;
  // ApiVersions and FindCoordinator go to any node; each Produce to its partition's leader
  const direct = await RawClient.connect(ctx.target.nodes[0]!.bootstrap, 'kconform-late-endtxn');
  const router = new LeaderRouter(ctx.target.nodes, 'kconform-late-endtxn');
  try {
    const tv = forceV1 ? 1 : await brokerTransactionVersion(direct);
    // FindCoordinator v4 batches keys; v0-3 (Kafka 2.7.0) answer one key at the top level
    const fv = await versionOf(direct, ApiKey.FindCoordinator, 4);
    const coord = await retried(
      () =>
        direct.request(ApiKey.FindCoordinator, fv, {
          key: transactionalId,
          keyType: 1,
          coordinatorKeys: [transactionalId],
        }),
      (r) => (fv >= 4 ? r.coordinators[0]!.errorCode : r.errorCode),
      'FindCoordinator',
    );
    const c0 = fv >= 4 ? coord.coordinators[0]! : coord;
    const coordinator = await RawClient.connect(`${c0.host}:${c0.port}`, 'kconform-late-endtxn');
    await using proxy = await startTcpProxy({ host: c0.host, port: c0.port });
    const viaProxy = `${proxy.listen.host}:${proxy.listen.port}`;
    try {
      // version 1: the newest versions before version 2 that the broker serves (Kafka 2.7.0 serves fewer)
      const v = {
        init: tv === 2 ? 5 : await versionOf(coordinator, ApiKey.InitProducerId, 4),
        add: await versionOf(coordinator, ApiKey.AddPartitionsToTxn, 3),
        produce: tv === 2 ? 12 : await versionOf(direct, ApiKey.Produce, 9),
        end: tv === 2 ? 5 : await versionOf(coordinator, ApiKey.EndTxn, 4),
      };
      const init = await retried(
        () =>
          coordinator.request(ApiKey.InitProducerId, v.init, {
            transactionalId,
            transactionTimeoutMs: 60_000,
            producerId: -1n,
            producerEpoch: -1,
            enable2Pc: false,
            keepPreparedTxn: false,
          }),
        (r) => r.errorCode,
        'InitProducerId',
      );
      if (init.errorCode !== ErrorCode.NONE) throw new Error(`InitProducerId: ${errorName(init.errorCode)}`);
      const pid = init.producerId;
      let epoch = init.producerEpoch;
      const seqs = new Array<number>(PARTITIONS).fill(0);
      let released = false;
      for (let t = 0; t < TRANSACTIONS; t++) {
        const tag = { id: `${transactionalId}#${t}`, transactionalId };
        const outcome: 'commit' | 'abort' = t % 2 === 0 ? 'commit' : 'abort';
        h.invoke(PROCESS, TXN_BEGIN, tag).ok({ ...tag, producerId: Number(pid), epoch, transactionVersion: tv });
        if (tv === 2) seqs.fill(0); // a bumped epoch starts its sequences again
        let failed = false;
        for (let p = 0; p < PARTITIONS; p++) {
          if (p === 1 && !released && t > 0) {
            // the nemesis delivers the previous transaction's held EndTxn now, after this one's first write
            const op = h.invoke('nemesis', LATE_END_TXN, { transactionalId, into: tag.id });
            const late = await proxy.releaseHeld();
            op.ok({
              transactionalId,
              into: tag.id,
              answers: late.map((a) =>
                a.response
                  ? errorName(decodeResponse<{ errorCode: number }>(a.apiKey, a.apiVersion, a.response).body.errorCode)
                  : 'no answer',
              ),
            });
            released = true;
          }
          if (tv === 1) {
            const add = await retried(
              () =>
                coordinator.request(ApiKey.AddPartitionsToTxn, v.add, {
                  transactions: [],
                  v3AndBelowTransactionalId: transactionalId,
                  v3AndBelowProducerId: pid,
                  v3AndBelowProducerEpoch: epoch,
                  v3AndBelowTopics: [{ name: topic, partitions: [p] }],
                }),
              (r) => r.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode,
              'AddPartitionsToTxn',
            );
            const code = add.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode;
            if (code !== ErrorCode.NONE) {
              failed = true;
              continue;
            }
          }
          const value = JSON.stringify({ run: ctx.runId, t, p });
          const op = h.invoke(PROCESS, SEND, { topic, partition: p, key: null, value, txn: tag });
          const batch = buildRecordBatch([{ value }], {
            producerId: Number(pid),
            producerEpoch: epoch,
            baseSequence: seqs[p]!,
            transactional: true,
          });
          const r = await retried(
            () =>
              router.call(
                'produce',
                topic,
                p,
                (raw) =>
                  raw.request(ApiKey.Produce, v.produce, {
                    ...produceBody(topic, batch, { partition: p }),
                    transactionalId,
                  }),
                (x) => x.responses[0]!.partitionResponses[0]!.errorCode,
              ),
            (x) => x.responses[0]!.partitionResponses[0]!.errorCode,
            'Produce',
          );
          const pr = r.responses[0]!.partitionResponses[0]!;
          if (pr.errorCode === ErrorCode.NONE) {
            seqs[p]!++;
            op.ok({ topic, partition: p, offset: Number(pr.baseOffset), key: null, value, txn: tag });
          } else {
            failed = true;
            op.fail(errorName(pr.errorCode));
          }
        }
        // a refused write makes the transaction abortable: the client aborts it, as Kafka's producer does
        const asked = failed ? 'abort' : outcome;
        const end = h.invoke(PROCESS, END_TXN, { id: tag.id, outcome: asked });
        const body = { transactionalId, producerId: pid, producerEpoch: epoch, committed: asked === 'commit' };
        if (t < TRANSACTIONS - 1) {
          // the first attempt goes through the proxy, which holds it; the client times out and retries
          proxy.holdRequests({ apiKey: ApiKey.EndTxn, count: 1 });
          const held = await RawClient.connect(viaProxy, 'kconform-late-endtxn');
          await held.request(ApiKey.EndTxn, v.end, body, END_TXN_TIMEOUT_MS).catch(() => undefined);
          held.close();
          released = false;
        }
        const retry = await RawClient.connect(viaProxy, 'kconform-late-endtxn');
        try {
          const r = await retried(
            () => retry.request(ApiKey.EndTxn, v.end, body),
            (x) => x.errorCode,
            'EndTxn',
          );
          if (r.errorCode === ErrorCode.NONE) {
            end.ok({ id: tag.id, outcome: asked });
            if (tv === 2) epoch = r.producerEpoch;
          } else end.fail(errorName(r.errorCode), { id: tag.id, outcome: asked });
        } finally {
          retry.close();
        }
      }
    } finally {
      coordinator.close();
    }
  } finally {
    direct.close();
    router.closeAll();
  }
}

/** The producer runs the transaction version the broker finalizes (version 2 on Kafka 4.x and the reference broker). */
export const txnLateEndTxnScenario: Scenario = makeScenario('txn-late-endtxn', false);
/** The same with a producer of transaction version 1 (EndTxn v4), as kafkajs and pre-4.0 Java clients. */
export const txnLateEndTxnV1Scenario: Scenario = makeScenario('txn-late-endtxn-v1', true);
