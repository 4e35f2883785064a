import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from './error-codes.ts';
import { fakeCoordinator, flush, joinInput, protocol } from './testing.ts';

/**
 * Random interleavings of up to four classic-protocol clients (one JoinGroup/SyncGroup in flight
 * each, as a consumer's muted connection allows) and clock jumps, checked after every step
 * against what the protocol promises. A `step` does what a consumer would do next; the raw
 * commands do it at any moment, which reaches the odd corners (stale syncs, heartbeats from
 * old generations, leaves mid-rebalance).
 */

type Command =
  | { kind: 'step' | 'join' | 'leave'; client: number }
  /** `lag` > 0 sends a generation that many behind the client's own, as a delayed request would. */
  | { kind: 'sync' | 'heartbeat'; client: number; lag: number }
  | { kind: 'advance'; ms: number };

const CLIENTS = 4;
const client = fc.integer({ min: 0, max: CLIENTS - 1 });
const lag = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) },
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('step' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('join' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), client, lag }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), client, lag }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), client }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      // Mostly less than a session (100 ms), sometimes past a rebalance timeout (150 ms).
      ms: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
        { weight: 1, arbitrary: fc.integer({ min: 41, max: 250 }) },
      ),
    }),
  },
);
/** Protocol lists clients may support: most share "range", "rr" alone cannot join a range group. */
const PROTOCOL_CHOICES = [['range'], ['range', 'rr'], ['rr', 'range'], ['rr']];
const clientSetup = fc.record({
  requireKnownMemberId: fc.boolean(),
  protocols: fc.constantFrom(...PROTOCOL_CHOICES),
});

interface ClientState {
  memberId: string;
  generationId: number;
  isLeader: boolean;
  members: string[];
  /** A JoinGroup or SyncGroup is in flight. */
  busy: boolean;
  syncedGeneration: number;
  needsRejoin: boolean;
}

/** What a leader assigns: enough to tell which generation, leader and member it was meant for. */
const encode = (generationId: number, leader: string, memberId: string) =>
  Buffer.from(JSON.stringify({ generationId, leader, memberId }));
const decode = (b: Buffer) => JSON.parse(b.toString()) as { generationId: number; leader: string; memberId: string };

describe('GroupCoordinator under random client interleavings', () => {
  it('keeps every Stable group on one generation with its leader’s assignments, and never moves generations backwards', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(clientSetup, { minLength: CLIENTS, maxLength: CLIENTS }),
        fc.constantFrom(0, 50),
        fc.array(command, { minLength: 20, maxLength: 150, size: 'max' }),
        async (setups, initialDelay, commands) => {
          const { clock, gc } = fakeCoordinator({ config: { groupInitialRebalanceDelayMs: initialDelay } });
          const clients: ClientState[] = setups.map(() => ({
            memberId: '',
            generationId: -1,
            isLeader: false,
            members: [],
            busy: false,
            syncedGeneration: -1,
            needsRejoin: false,
          }));
          const leaderOf = new Map<number, string>();
          const inFlight: Promise<unknown>[] = [];
          const problems: string[] = [];
          let lastGeneration = 0;
          const reset = (c: ClientState) =>
            Object.assign(c, { memberId: '', generationId: -1, isLeader: false, members: [] });

          for (const cmd of commands) {
            if (cmd.kind === 'advance') {
              clock.advance(cmd.ms);
            } else {
              const c = clients[cmd.client]!;
              const s = setups[cmd.client]!;
              const lagBy = 'lag' in cmd ? cmd.lag : 0;
              let kind = cmd.kind;
              if (kind === 'step') {
                if (c.busy) kind = 'heartbeat';
                else if (c.generationId < 0 || c.needsRejoin) kind = 'join';
                else if (c.syncedGeneration !== c.generationId) kind = 'sync';
                else kind = 'heartbeat';
              }
              if (kind === 'join' && !c.busy) {
                c.busy = true;
                const p = gc
                  .joinGroup(
                    joinInput({
                      memberId: c.memberId,
                      clientId: `c${cmd.client}`,
                      sessionTimeoutMs: 100,
                      rebalanceTimeoutMs: 150,
                      requireKnownMemberId: s.requireKnownMemberId,
                      protocols: s.protocols.map((n) => protocol(n)),
                    }),
                  )
                  .then((r) => {
                    c.busy = false;
                    if (r.errorCode === ErrorCode.NONE) {
                      const known = leaderOf.get(r.generationId);
                      if (known !== undefined && known !== r.leader)
                        problems.push(`generation ${r.generationId} has leaders ${known} and ${r.leader}`);
                      leaderOf.set(r.generationId, r.leader);
                      Object.assign(c, {
                        memberId: r.memberId,
                        generationId: r.generationId,
                        isLeader: r.leader === r.memberId,
                        members: r.members.map((m) => m.memberId),
                        needsRejoin: false,
                      });
                    } else if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
                      c.memberId = r.memberId;
                    } else if (r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
                      reset(c);
                    }
                  });
                inFlight.push(p);
              } else if (kind === 'sync' && !c.busy && c.generationId >= 0) {
                c.busy = true;
                const generationId = c.generationId - lagBy;
                const memberId = c.memberId;
                const assignments = c.isLeader
                  ? c.members.map((m) => ({ memberId: m, assignment: encode(generationId, memberId, m) }))
                  : [];
                const p = gc
                  .syncGroup({ groupId: 'g', generationId, memberId, groupInstanceId: null, assignments })
                  .then((r) => {
                    c.busy = false;
                    if (r.errorCode === ErrorCode.NONE) {
                      c.syncedGeneration = generationId;
                      const a = decode(r.assignment);
                      if (
                        a.generationId !== generationId ||
                        a.memberId !== memberId ||
                        a.leader !== leaderOf.get(generationId)
                      ) {
                        problems.push(
                          `member ${memberId} of generation ${generationId} got ${r.assignment.toString()}`,
                        );
                      }
                    } else if (lagBy > 0) {
                      // The answer to a deliberately stale request says nothing about the client's state.
                    } else if (r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
                      reset(c);
                    } else if (r.errorCode === ErrorCode.ILLEGAL_GENERATION) {
                      c.generationId = -1;
                    } else if (r.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
                      c.needsRejoin = true;
                    }
                  });
                inFlight.push(p);
              } else if (kind === 'heartbeat' && c.memberId !== '') {
                const code = gc.heartbeat({
                  groupId: 'g',
                  generationId: c.generationId - lagBy,
                  memberId: c.memberId,
                  groupInstanceId: null,
                });
                if (lagBy > 0) {
                  // As for a stale sync: nothing to learn.
                } else if (code === ErrorCode.UNKNOWN_MEMBER_ID) reset(c);
                else if (code === ErrorCode.ILLEGAL_GENERATION) c.generationId = -1;
                else if (code === ErrorCode.REBALANCE_IN_PROGRESS) c.needsRejoin = true;
              } else if (kind === 'leave' && c.memberId !== '') {
                gc.leaveGroup({ groupId: 'g', members: [{ memberId: c.memberId, groupInstanceId: null }] });
                reset(c);
              }
            }
            await flush();

            const view = gc.inspect('g');
            if (view === null) continue;
            expect(view.generationId).toBeGreaterThanOrEqual(lastGeneration);
            lastGeneration = view.generationId;
            if (view.state === 'Stable') {
              expect(view.leaderId).toBe(leaderOf.get(view.generationId));
              for (const m of view.members) {
                expect(decode(m.assignment)).toEqual({
                  generationId: view.generationId,
                  leader: view.leaderId,
                  memberId: m.memberId,
                });
                const owner = clients.find((c) => c.memberId === m.memberId);
                // A client that left forgot its id; one still holding it must be on the group's generation.
                if (owner !== undefined) expect(owner.generationId).toBe(view.generationId);
              }
            }
            expect(problems).toEqual([]);
          }

          gc.close();
          await flush();
          // Closing answers everything that was parked: no request is left hanging.
          let settled = 0;
          inFlight.forEach((p) => void p.then(() => settled++));
          await flush();
          expect(settled).toBe(inFlight.length);
          expect(clock.pendingTimers).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
