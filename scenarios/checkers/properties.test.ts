import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './index.ts';
import { PLANTABLE, plantAnomaly, simulateHistory, type SimulationOptions } from './simulated-history.ts';

/** Simulations small enough to check many times, big enough that every partition gets records. */
const simulations: fc.Arbitrary<SimulationOptions> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  ops: fc.integer({ min: 300, max: 1500 }),
  producers: fc.integer({ min: 2, max: 5 }),
  partitions: fc.integer({ min: 2, max: 4 }),
  consumers: fc.integer({ min: 1, max: 3 }),
  maxInFlight: fc.integer({ min: 1, max: 4 }),
  infoRate: fc.constantFrom(0, 0.05, 0.2),
  failRate: fc.constantFrom(0, 0.05),
  transactions: fc.boolean(),
});

// The consumers drain every partition before the final read, so unseen is checkable too.
const CONFIG = { consumersSeeAll: true };
const failing = (ops: ReturnType<typeof simulateHistory>) =>
  checkHistory(ops, CONFIG)
    .filter((r) => r.valid !== true)
    .map((r) => `${r.checker}: ${r.summary}`);

describe('checkers on simulated histories', () => {
  it('pass every history of a correct log (info sends, in-flight batches, transactions, faults)', () => {
    fc.assert(
      fc.property(simulations, (o) => {
        expect(failing(simulateHistory(o))).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('fail exactly the matching checker when one anomaly is planted', () => {
    fc.assert(
      fc.property(simulations, fc.constantFrom(...PLANTABLE), (o, kind) => {
        const bad = failing(plantAnomaly(simulateHistory(o), kind)).map((f) => f.split(':')[0]);
        expect(bad).toEqual([kind]);
      }),
      { numRuns: 150 },
    );
  });

  it('plant every kind at least once into one history', () => {
    const ops = simulateHistory({ seed: 5, ops: 800, transactions: true });
    for (const kind of PLANTABLE)
      expect(
        failing(plantAnomaly(ops, kind)).map((f) => f.split(':')[0]),
        kind,
      ).toEqual([kind]);
  });
});
