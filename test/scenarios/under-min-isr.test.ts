/**
 * under-min-isr (strict min ISR, KIP-966) on a 3-node cluster, no --faults: the scenario pauses a
 * follower itself. Kafka 4.4.0 keeps acks=1 records written while the ISR is below
 * min.insync.replicas invisible until the ISR recovers; so must the reference cluster (before its
 * fix it advanced the high watermark under min ISR and this failed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runOnCluster } from './failover-runs.ts';
import { scratchDir } from './scenario-runs.ts';

const scratch = scratchDir('under-min-isr');
afterAll(() => scratch.remove());

describe('under-min-isr on a 3-node cluster', () => {
  for (const target of ['reference', 'kafka@4.4.0']) {
    it(`${target}: records acknowledged under min ISR stay invisible until the ISR recovers, then show`, async () => {
      const r = await runOnCluster(target, {
        scenario: 'under-min-isr',
        seed: 1,
        records: 3,
        faults: [],
        dir: scratch.dir,
      });
      const c = r.checks.find((x) => x.checker === 'under-min-isr');
      const why = JSON.stringify({
        error: r.error,
        checks: r.checks.filter((x) => x.valid !== true).map((x) => [x.checker, x.valid, x.summary]),
      });
      expect(c, why).toBeDefined();
      expect(c!.valid, why).toBe(true);
      expect(c!.summary).toMatch(
        /^3 record\(s\) acknowledged at acks=1 while the ISR was below min.insync.replicas: invisible to 1 read\(s\)/,
      );
      expect(r.checks.filter((x) => x.valid !== true).map((x) => `${x.checker}: ${x.summary}`)).toEqual([]);
    }, 600_000);
  }
});
