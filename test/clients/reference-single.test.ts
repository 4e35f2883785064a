/**
 * The client matrix on the reference broker, one node (in process): every client, every
 * feature — produce with acks 0/1/all, idempotence, the four codecs, headers, a consumer group,
 * a rebalance of two members, commit and resume, seek — each judged by the history checkers and
 * by what the neutral reader finds stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, featuresOf, runCellsOn } from '../../app/clients/run-matrix.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';
import { unexpectedCells } from './expected-outcomes.ts';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

describe('client matrix on the reference broker (one node)', () => {
  it.each(DRIVERS.map((d) => [d.id, d] as const))(
    '%s: every feature has the outcome the matrix reports',
    async (_id, driver) => {
      const m = await runCellsOn(broker.bootstrap, 1, 'reference', { clients: [driver] });
      expect(m.cells.map((c) => c.feature)).toEqual(featuresOf(driver));
      expect(unexpectedCells(m.cells, m.target)).toEqual([]);
    },
    240_000,
  );
});
