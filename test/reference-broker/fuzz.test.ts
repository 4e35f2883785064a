/**
 * Random and mutated frames must never take the reference broker down, hang it, or lose what it
 * acknowledged. `node bench/fuzz.ts` runs the same with memory figures, and against real Kafka.
 */
import { describe, expect, it } from 'vitest';
import { fuzzBroker } from '../../harness/fuzz/fuzz-broker.ts';
import { startTestBroker } from '../helpers/reference.ts';

describe('fuzzing the reference broker', () => {
  it('keeps serving a well-behaved client through 100,000 random and mutated frames', async () => {
    const broker = await startTestBroker();
    try {
      const report = await fuzzBroker({ bootstrap: broker.bootstrap, frames: 100_000, seed: 20261125, connections: 4, healthEvery: 2000 });
      expect(report.healthFailures).toEqual([]);
      expect(report.unanswered).toBe(0);
      expect(report.sent).toBeGreaterThanOrEqual(100_000);
      expect(report.answered).toBeGreaterThan(0);
      expect(report.closedByBroker).toBeGreaterThan(0);
    } finally {
      await broker.close();
    }
  }, 300_000);
});
