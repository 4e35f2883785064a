/**
 * The client matrix on the replicated 3-node reference cluster (`kconform broker --brokers 3`
 * as processes): topics with replication factor 3, so leaders, followers and the high
 * watermark are in play (acks=1 records become visible once followers have them). Every
 * client, every feature.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, runCellsOn } from '../../app/clients/run-matrix.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { unexpectedCells } from './expected-outcomes.ts';

let cluster: StartedReferenceProcesses;

beforeAll(async () => {
  cluster = await startReferenceProcesses({ brokers: 3 });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('client matrix on the 3-node reference cluster', () => {
  it.each(DRIVERS.map((d) => [d.id, d] as const))(
    '%s: every feature has the outcome the matrix reports',
    async (_id, driver) => {
      const m = await runCellsOn(cluster.bootstrap, 3, 'reference3', { clients: [driver] });
      expect(unexpectedCells(m.cells, m.target)).toEqual([]);
    },
    300_000,
  );
});
