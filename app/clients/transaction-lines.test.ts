import { describe, expect, it } from 'vitest';
import { transactionOutcomes } from './transaction-lines.ts';

const send = (value: string, offset: number) => ({ send: { key: value, value, partition: 0, offset } });

describe('transactionOutcomes', () => {
  it('gives each transaction its sends and its end', () => {
    const lines = [{ begun: 0 }, send('a', 0), { ended: 0 }, { begun: 1 }, send('b', 2), { ended: 1 }];
    expect(transactionOutcomes(lines, 2)).toEqual([
      { begun: true, sends: [send('a', 0).send], ended: true },
      { begun: true, sends: [send('b', 2).send], ended: true },
    ]);
  });

  it('puts an error on the transaction it broke', () => {
    const got = transactionOutcomes([{ begun: 0 }, send('a', 0)], 2, 'boom');
    expect(got).toEqual([{ begun: true, sends: [send('a', 0).send], ended: false, error: 'boom' }]);
  });

  it('puts an error before any begin on a transaction that never began', () => {
    expect(transactionOutcomes([], 2, 'no coordinator')).toEqual([
      { begun: false, sends: [], ended: false, error: 'no coordinator' },
    ]);
  });
});
