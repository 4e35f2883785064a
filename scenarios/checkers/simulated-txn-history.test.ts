import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { checkHistory } from './index.ts';
import { simulateTxnHistory } from './simulated-txn-history.ts';
import { checkTransactions } from './transactions.ts';

const shape = { producers: 4, partitions: 5, consumers: 4 };

/** The transactional verdicts by checker name. */
const verdicts = (history: readonly Op[]) =>
  Object.fromEntries(checkTransactions(history).map((r) => [r.checker, r.valid]));

describe('simulated transactional histories', () => {
  it.each([1, 2, 3, 4, 5])('pass every checker (seed %i)', (seed) => {
    const history = simulateTxnHistory({ ...shape, ops: 4000, seed });
    const failed = checkHistory(history).filter((r) => r.valid !== true);
    expect(failed).toEqual([]);
    // Interleaved transactions of concurrent producers: write cycles Kafka allows, and reads inside transactions.
    const g0 = checkTransactions(history).find((r) => r.checker === 'txn-g0')!;
    expect(g0.valid).toBe(true);
  });

  it('are caught when a read_committed consumer is handed an aborted record', () => {
    const history = simulateTxnHistory({ ...shape, ops: 4000, seed: 9 });
    const aborted = history.find(
      (o) => o.f === 'end-txn' && o.type === 'invoke' && (o.value as { outcome: string }).outcome === 'abort',
    )!;
    const id = (aborted.value as { id: string }).id;
    const record = history.find(
      (o) => o.f === 'send' && o.type === 'ok' && (o.value as { txn: { id: string } }).txn.id === id,
    )!.value;
    const final = history.find((o) => o.process === 'final-read' && o.type === 'ok' && o.f === 'poll')!.value as {
      records: unknown[];
    };
    final.records.push(record);
    expect(verdicts(history)['txn-g1a']).toBe(false);
  });

  it('are caught when a committed transaction loses one record from the final read', () => {
    const history = simulateTxnHistory({ ...shape, ops: 4000, seed: 10 });
    const final = history.filter((o) => o.process === 'final-read' && o.type === 'ok' && o.f === 'poll');
    const poll = final.find((o) => (o.value as { records: unknown[] }).records.length > 0)!;
    (poll.value as { records: unknown[] }).records.shift();
    const v = verdicts(history);
    expect(v['txn-lost-write']).toBe(false);
  });
});
