/**
 * Randomized safety: fast-check draws a schedule of partitions, message loss, crashes, restarts,
 * proposals and time steps on a 3- or 5-node simulated cluster. Whatever happens, Raft must keep
 * Election Safety (one leader per term), State Machine Safety (every node applies the same entry
 * at an index, also after restarts) and keep every acknowledged proposal; after a full heal the
 * cluster must elect a leader and every node must catch up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimCluster } from './sim-cluster.ts';

type Step =
  | { kind: 'advance'; ms: number }
  | { kind: 'propose' }
  | { kind: 'partition'; groups: number[] }
  | { kind: 'heal' }
  | { kind: 'drop'; rate: number }
  | { kind: 'crash'; node: number }
  | { kind: 'restart'; node: number };

const step = (size: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 400 }).map((ms): Step => ({ kind: 'advance', ms })) },
    { weight: 4, arbitrary: fc.constant<Step>({ kind: 'propose' }) },
    // each node's group number: nodes with the same number can talk
    {
      weight: 1,
      arbitrary: fc
        .array(fc.integer({ min: 0, max: 2 }), { minLength: size, maxLength: size })
        .map((groups): Step => ({ kind: 'partition', groups })),
    },
    { weight: 1, arbitrary: fc.constant<Step>({ kind: 'heal' }) },
    {
      weight: 1,
      arbitrary: fc.double({ min: 0, max: 0.4, noNaN: true }).map((rate): Step => ({ kind: 'drop', rate })),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: size }).map((node): Step => ({ kind: 'crash', node })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: size }).map((node): Step => ({ kind: 'restart', node })) },
  );

const scenario = fc.integer({ min: 0, max: 1 }).chain((big) => {
  const size = big ? 5 : 3;
  return fc.record({
    size: fc.constant(size),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    steps: fc.array(step(size), { minLength: 10, maxLength: 80 }),
  });
});

describe('raft safety (randomized)', () => {
  it('holds under random partitions, losses, crashes and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ size, seed, steps }) => {
        const c = new SimCluster({ size, seed });
        /** proposal id → the index its promise resolved with (acknowledged writes). */
        const acknowledged = new Map<number, number>();
        let nextProposal = 0;
        try {
          for (const s of steps) {
            switch (s.kind) {
              case 'advance':
                c.advance(s.ms);
                break;
              case 'propose':
                for (const leader of c.leaders()) {
                  const id = nextProposal++;
                  leader.propose({ proposal: id }).then(
                    (index) => acknowledged.set(id, index),
                    () => {},
                  );
                }
                break;
              case 'partition':
                c.network.partition(
                  c.ids
                    .map((id, i) => ({ id, g: s.groups[i]! }))
                    .reduce<number[][]>((acc, { id, g }) => {
                      (acc[g] ??= []).push(id);
                      return acc;
                    }, [])
                    .filter((g) => g.length > 0),
                );
                break;
              case 'heal':
                c.network.heal();
                break;
              case 'drop':
                c.network.dropRate = s.rate;
                break;
              case 'crash':
                // keep a majority of processes around most of the time, but allow total loss too
                c.crash(s.node);
                break;
              case 'restart':
                if (!c.nodes.has(s.node)) c.start(s.node);
                break;
            }
            await new Promise<void>((resolve) => setImmediate(resolve));
            expect(c.violations).toEqual([]);
          }
          // heal everything: a leader must emerge and every node must converge on its log
          c.network.heal();
          for (const id of c.ids) if (!c.nodes.has(id)) c.start(id);
          // (a leader that had lost its quorum may still resign once: then the next one takes the proposal)
          let leader: ReturnType<SimCluster['waitForLeader']>;
          let finalIndex: number | undefined;
          for (let attempt = 0; attempt < 5 && finalIndex === undefined; attempt++) {
            leader = c.waitForLeader(20_000);
            expect(leader, 'a leader after the heal').toBeDefined();
            const last = leader!.propose({ proposal: 'final' }).then(
              (i) => (finalIndex = i),
              () => undefined,
            );
            c.advance(2000);
            await last;
          }
          expect(finalIndex, 'the final proposal commits').toBeDefined();
          leader = c.waitForLeader(0);
          await new Promise<void>((resolve) => setImmediate(resolve));
          expect(c.violations).toEqual([]);
          for (const node of c.nodes.values()) {
            expect(node.commitIndex, `node ${node.id} caught up`).toBe(leader!.commitIndex);
            for (let i = 1; i <= leader!.commitIndex; i++) expect(node.entry(i)).toEqual(leader!.entry(i));
          }
          // every acknowledged proposal is in the final committed log, at the index it was acknowledged with
          for (const [id, index] of acknowledged) expect(leader!.entry(index)?.data).toEqual({ proposal: id });
          // and everything any node ever applied is still there
          for (const [index, entry] of c.committed)
            expect(JSON.stringify({ term: leader!.entry(index)?.term, data: leader!.entry(index)?.data })).toBe(entry);
        } finally {
          c.close();
        }
      }),
      { numRuns: 400 },
    );
  });
});
