/**
 * Transaction version 2 (KIP-890 part 2), request by request, on the reference broker and Apache
 * Kafka 4.4.0: the `transaction.version` feature in ApiVersions, a Produce v12 adding its
 * partition implicitly, EndTxn v5 bumping the epoch (answered with the next epoch), markers at the
 * bumped epoch, a late EndTxn / Produce of the old epoch refused — and, for contrast, a late
 * EndTxn v4 (version 1) of the same epoch ending the next transaction, on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';
import { observeTxnV2 } from './txn-v2-observe.ts';

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker({})]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

describe(`transaction version 2, request by request: reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('answers the sequence as Kafka does', async () => {
    const [ref, real] = await Promise.all([observeTxnV2(reference.bootstrap), observeTxnV2(kafka.bootstrap)]);
    // what carries the meaning, on the reference, so both being wrong alike cannot pass
    expect(ref.finalized).toEqual([
      [{ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 }],
      [{ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 }],
    ]);
    expect(ref.v2ProduceImplicit).toBe(0);
    expect(ref.v2Commit).toEqual({ errorCode: 0, samePid: true, epoch: 1 });
    expect(ref.v2LateCommit).toMatchObject({ errorCode: 90 }); // PRODUCER_FENCED
    expect(ref.v1LateCommit).toMatchObject({ errorCode: 0 }); // version 1: the late commit ends the next transaction
    expect(ref.v1Produce2b).toBe(48); // INVALID_TXN_STATE: the rest of that transaction is refused
    for (const key of new Set([...Object.keys(ref), ...Object.keys(real)]))
      expect([key, ref[key]]).toEqual([key, real[key]]);
  }, 120_000);
});
