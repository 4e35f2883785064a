/**
 * Transactional id expiration (`transactional.id.expiration.ms`, Kafka's
 * TransactionStateManager.removeExpiredTransactionalIds) on the reference broker and Kafka 4.4.0,
 * both with a 5 s expiration checked every 500 ms, the same raw requests on both: an id whose
 * transaction committed and an id that only initialized expire (DescribeTransactions answers
 * TRANSACTIONAL_ID_NOT_FOUND, ListTransactions leaves them out, the old producer's EndTxn is
 * INVALID_PRODUCER_ID_MAPPING, a new InitProducerId gets another producer id at epoch 0); an id
 * with a transaction open does not. (The coordinator's abort of a transaction past its timeout is
 * compared in raw-transactions.test.ts.)
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

// long enough that the steps before the expected expiry finish in time on a loaded machine
const EXPIRATION_MS = 5_000;
const CLEANUP_INTERVAL_MS = 500;

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([
    startKafkaNode({
      version: LATEST_KAFKA_VERSION,
      serverProperties: {
        'transactional.id.expiration.ms': EXPIRATION_MS,
        'transaction.remove.expired.transaction.cleanup.interval.ms': CLEANUP_INTERVAL_MS,
      },
    }),
    startTestBroker({
      transactionalIdExpirationMs: EXPIRATION_MS,
      transactionRemoveExpiredTransactionalIdCleanupIntervalMs: CLEANUP_INTERVAL_MS,
    }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

/** DescribeTransactions of `p`'s id at its coordinator: the error and state. */
async function describeTxn(p: TxnProducer) {
  const { answer } = await toCoordinator(p.nodes, p.txnId, async (c) => {
    const r = await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [p.txnId] });
    return r.transactionStates[0]!;
  });
  return { errorCode: answer.errorCode, state: answer.transactionState };
}

/** The ids of `ids` that ListTransactions lists. */
async function listed(nodes: readonly TargetNode[], ids: string[]): Promise<string[]> {
  const c = await RawClient.connect(nodes[0]!.bootstrap);
  try {
    const r = await c.request(ApiKey.ListTransactions, 0, {
      stateFilters: [],
      producerIdFilters: [],
      durationFilter: -1n,
      transactionalIdPattern: null,
    });
    return r.transactionStates.map((s) => s.transactionalId).filter((id) => ids.includes(id));
  } finally {
    c.close();
  }
}

async function observeExpiration(bootstrap: string): Promise<Record<string, unknown>> {
  const nodes: TargetNode[] = [{ id: 1, bootstrap }];
  const seen: Record<string, unknown> = {};
  const topic = 'txn-expiration';
  const admin = await RawClient.connect(bootstrap);
  try {
    seen.created = (await admin.request(ApiKey.CreateTopics, 7, createTopicBody(topic))).topics[0]!.errorCode;
  } finally {
    admin.close();
  }
  const committed = new TxnProducer(nodes, 'expire-committed');
  const open = new TxnProducer(nodes, 'expire-open');
  const empty = new TxnProducer(nodes, 'expire-empty');
  await committed.init();
  seen.produceCommitted = await committed.produce(topic, 0, 'c', 0);
  const commit = await committed.end(true);
  seen.commit = commit.answer.errorCode;
  // the markers are written after the answer: wait for the completion, whose time the expiration counts from
  await committed.states((s) => s === 'CompleteCommit');
  // each id used at once after its InitProducerId, well within the expiration
  await open.init();
  seen.produceOpen = await open.produce(topic, 0, 'o', 0);
  await empty.init();
  seen.before = {
    committed: await describeTxn(committed),
    open: await describeTxn(open),
    empty: await describeTxn(empty),
  };
  const ids = [committed.txnId, open.txnId, empty.txnId];
  seen.listedBefore = (await listed(nodes, ids)).sort();
  // each expired within its expiration plus a few cleanup rounds (empty was used last, it goes last)
  const expiredBy = async (p: TxnProducer) => {
    const t0 = Date.now();
    let d = await describeTxn(p);
    while (d.errorCode === 0 && Date.now() - t0 < 30_000) {
      await sleep(100);
      d = await describeTxn(p);
    }
    return d;
  };
  seen.afterCommitted = await expiredBy(committed);
  seen.afterEmpty = await expiredBy(empty);
  seen.afterOpen = await describeTxn(open);
  seen.listedAfter = await listed(nodes, ids);
  // the old producer of the expired id is unknown; a new one starts over with another producer id
  seen.lateEndTxn = (await committed.end(false)).answer.errorCode;
  const oldPid = committed.pid;
  const again = await committed.init();
  seen.reinit = {
    errorCode: again.answer.errorCode,
    samePid: again.answer.producerId === oldPid,
    epoch: again.answer.producerEpoch,
  };
  seen.describeReinit = await describeTxn(committed);
  seen.abortOpen = (await open.end(false)).answer.errorCode;
  return seen;
}

describe(`transactional id expiration: reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('removes ids without an open transaction after transactional.id.expiration.ms, as Kafka does', async () => {
    const [ref, real] = await Promise.all([observeExpiration(reference.bootstrap), observeExpiration(kafka.bootstrap)]);
    console.log(`[kconform] expiration, reference: ${JSON.stringify(ref)}`);
    console.log(`[kconform] expiration, kafka: ${JSON.stringify(real)}`);
    // what carries the meaning, on the reference, so both being wrong alike cannot pass
    expect(ref.before).toEqual({
      committed: { errorCode: 0, state: 'CompleteCommit' },
      open: { errorCode: 0, state: 'Ongoing' },
      empty: { errorCode: 0, state: 'Empty' },
    });
    expect(ref.afterCommitted).toMatchObject({ errorCode: 105 }); // TRANSACTIONAL_ID_NOT_FOUND
    expect(ref.afterEmpty).toMatchObject({ errorCode: 105 });
    expect(ref.afterOpen).toEqual({ errorCode: 0, state: 'Ongoing' });
    expect(ref.listedAfter).toEqual(['expire-open']);
    expect(ref.reinit).toEqual({ errorCode: 0, samePid: false, epoch: 0 });
    for (const key of new Set([...Object.keys(ref), ...Object.keys(real)]))
      expect([key, ref[key]]).toEqual([key, real[key]]);
  }, 120_000);
});
