import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { LATE_END_TXN, TXN_BEGIN } from '../../harness/history/ops.ts';
import { checkHistory } from './index.ts';
import { LATE_END_TXN_CHECKERS, lateEndTxnVictims } from './txn-version.ts';

/**
 * Recorded by `kconform run --target kafka@3.9.2 --scenarios txn-late-endtxn --seed 1` (Kafka 3.9.2
 * finalizes no transaction.version 2, so the producer ran version 1): the EndTxn of transactions
 * 0-3 was delivered late, each into the next transaction, and Kafka accepted all four (NONE):
 * transactions 1 and 3 (aborted) had their first record committed, 2 and 4 (committed) their
 * first record aborted — KAFKA-17754.
 */
const LATE_V1: Op[] = gunzipSync(readFileSync(new URL('./fixtures/k392-txn-late-endtxn.jsonl.gz', import.meta.url)))
  .toString('utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Op);
const CONFIG = { transactional: true, idempotent: true, acks: -1 as const };

const clone = (): Op[] => JSON.parse(JSON.stringify(LATE_V1)) as Op[];
const failing = (ops: Op[]) =>
  checkHistory(ops, CONFIG)
    .filter((r) => r.valid === false)
    .map((r) => r.checker)
    .sort();
const allowed = (ops: Op[]) =>
  checkHistory(ops, CONFIG)
    .filter((r) => r.allowed && LATE_END_TXN_CHECKERS.has(r.checker))
    .map((r) => r.checker)
    .sort();
const FAMILIES = ['aborted-read', 'lost-write', 'txn-g1a', 'txn-lost-write', 'txn-torn'];

describe('transaction version 1 allowance for a late EndTxn (KAFKA-17754)', () => {
  it('allows the anomalies of the transactions an accepted late EndTxn hit, under version 1', () => {
    expect([...lateEndTxnVictims(LATE_V1)].map((id) => id.split('#')[1]).sort()).toEqual(['1', '2', '3', '4']);
    expect(failing(clone())).toEqual([]);
    expect(allowed(clone())).toEqual(FAMILIES);
  });

  it('allows nothing when the producer ran transaction version 2 or did not record its version', () => {
    for (const version of [2, undefined]) {
      const ops = clone();
      for (const o of ops)
        if (o.f === TXN_BEGIN && o.type === 'ok')
          (o.value as { transactionVersion?: number }).transactionVersion = version;
      expect(failing(ops)).toEqual(FAMILIES);
    }
  });

  it('allows nothing when the broker refused the late EndTxn, or none was delivered', () => {
    const fenced = clone();
    for (const o of fenced)
      if (o.f === LATE_END_TXN && o.type === 'ok') (o.value as { answers: string[] }).answers = ['PRODUCER_FENCED'];
    expect(failing(fenced)).toEqual(FAMILIES);
    expect(failing(clone().filter((o) => o.f !== LATE_END_TXN))).toEqual(FAMILIES);
  });

  it('keeps a verdict failed when one witness is a transaction no late EndTxn hit', () => {
    const ops = clone();
    // transaction 2 was hit (its first record aborted early): say the late EndTxn went into 1 only
    let n = 0;
    for (const o of ops)
      if (o.f === LATE_END_TXN && o.type === 'ok' && n++ === 1) (o.value as { into: string }).into = 'elsewhere';
    expect(failing(ops)).toEqual(['lost-write', 'txn-lost-write', 'txn-torn']);
  });
});
