import { describe, expect, it } from 'vitest';
import { validateHistory } from '../../harness/history/history-validator.ts';
import { PLANTABLE, plantAnomaly, simulateHistory } from './simulated-history.ts';

// Simulated histories stand in for recorded ones in the checker tests, so they must pass the
// recorder's own validator (harness/history/history-validator.ts), planted anomalies included.
describe('simulated histories are valid histories', () => {
  it('accepts what the recorder writes, clean or with an anomaly the checkers are there to find', () => {
    for (const seed of [1, 2, 3]) {
      const clean = simulateHistory({ seed, ops: 400, transactions: seed === 3 });
      expect(validateHistory(clean)).toEqual([]);
      for (const kind of PLANTABLE) expect(validateHistory(plantAnomaly(clean, kind)), kind).toEqual([]);
    }
  });
});
