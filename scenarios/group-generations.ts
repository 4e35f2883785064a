import fc from 'fast-check';
import { ErrorCode } from '../protocol/errors/generated/error-codes.ts';
import { RawGroupMember, type MemberGeneration } from '../harness/drivers/raw-group-member.ts';
import { JOIN_GROUP, SETTLE, type GroupGenerationsPlan } from './checkers/group-generations.ts';
import { recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { FINAL_READ, REPLAY_READ, SEND, type RecordRef } from '../harness/history/ops.ts';

const PARTITIONS = 6;

/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR: look the coordinator up again. */
const COORDINATOR_MOVED = new Set<number>([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
]);

/** One membership change: a new member joins, or a member (by position) leaves. */
type Change = { kind: 'join' } | { kind: 'leave'; index: number };

/**
 * Consumer-group generations, at the protocol level: members speaking the classic group protocol
 * directly (as a real client does: join, sync, heartbeat, rejoin when a heartbeat answers
 * REBALANCE_IN_PROGRESS) join and leave a group on a topic of six partitions, in an order drawn
 * from the seed. Each records the generation and partitions it was given. No partition may be
 * owned by two members of one generation, each member's generations must grow, and after every
 * change the group must settle with all members in one generation.
 */
export const groupGenerationsScenario: Scenario = {
  name: 'group-generations',
  description: 'members join and leave; each generation gives every partition to exactly one member',
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('generations');
    const groupId = `kconform-${ctx.runId}-generations`;
    // Faults run from the start: setup meets nodes that are down or restarting, so it retries.
    recordPlan(ctx.history, {
      scenario: 'group-generations',
      topic,
      underFaults: (ctx.faults?.length ?? 0) > 0,
    } satisfies GroupGenerationsPlan);
    await createTopicsReady(ctx, [{ topic, numPartitions: PARTITIONS }]);
    // a few records so the final read has something to judge
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await retrying('connecting the producer', () => producer.connect());
    for (let p = 0; p < PARTITIONS; p++) {
      const value = JSON.stringify({ run: ctx.runId, partition: p });
      const op = ctx.history.invoke(0, SEND, { topic, partition: p, key: null, value });
      try {
        const meta = await producer.send({ topic, acks: -1, messages: [{ value, partition: p }] });
        op.ok({ topic, partition: p, offset: Number(meta[0]!.baseOffset), key: null, value } satisfies RecordRef);
      } catch (err) {
        // the broker may have written it: unknown, and the final read still judges the others
        op.info((err as Error).message);
      }
    }
    await producer.disconnect().catch(() => {});

    const changes = fc.sample(
      fc.array(
        fc.oneof(
          { arbitrary: fc.constant<Change>({ kind: 'join' }), weight: 3 },
          { arbitrary: fc.nat(3).map((index): Change => ({ kind: 'leave', index })), weight: 2 },
        ),
        { minLength: 4, maxLength: 8 },
      ),
      { seed: ctx.seed, numRuns: 1 },
    )[0]!;
    const bootstrap = ctx.target.bootstrap;
    const generations = new Set<number>();
    // Under faults a lost connection or a moved coordinator is the weather, not the broker's fault.
    const underFaults = (ctx.faults?.length ?? 0) > 0;
    let fatal: Error | undefined;

    /** A member as a real client runs it: join, then heartbeat until told to rejoin or to stop. */
    const startMember = async (name: string) => {
      // Faults run throughout: the coordinator may be down when a member starts.
      const m = await retrying(`connecting ${name}`, () =>
        RawGroupMember.connect(bootstrap, name, groupId, topic, PARTITIONS),
      );
      const state = { member: m, active: true, stable: -1, done: Promise.resolve() };
      /** As Kafka's consumer after a lost connection or a moved coordinator: find it again and rejoin. */
      const reconnect = () => retrying(`${name} finding its coordinator again`, () => m.reconnect());
      state.done = (async () => {
        while (state.active) {
          if (m.disconnected) await reconnect();
          const op = ctx.history.invoke(name, JOIN_GROUP, { groupId });
          let r: MemberGeneration;
          try {
            r = await m.join();
          } catch (err) {
            // No answer (node down, connection cut): whether the join took effect is unknown.
            op.info((err as Error).message);
            state.stable = -1;
            if (state.active) await reconnect();
            continue;
          }
          const value = {
            member: name,
            memberId: r.memberId,
            generationId: r.generationId,
            leader: r.leader,
            partitions: r.assignment.get(topic) ?? [],
            errorCode: r.errorCode,
          };
          if (r.errorCode !== 0) {
            // A member already leaving is not judged on the answer to its last join.
            op.fail(`error ${r.errorCode}`, { ...value, stopping: !state.active });
            if (!state.active) break;
            // A member joining while this generation syncs makes the coordinator answer SyncGroup
            // with REBALANCE_IN_PROGRESS: Kafka's clients simply rejoin, so it is not a problem.
            if (r.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
            // The coordinator moved or is (re)loading the group after a restart: Kafka's clients
            // look it up again and rejoin (AbstractCoordinator), so does this member.
            if (underFaults && COORDINATOR_MOVED.has(r.errorCode)) {
              await new Promise((res) => setTimeout(res, 100));
              await reconnect();
              continue;
            }
            // The coordinator forgot the member (its session expired while the node was down):
            // Kafka's clients reset the member id and join as new.
            if (underFaults && r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
              m.resetMemberId();
              continue;
            }
            // Any other error: the checker counts it; the member tries again.
            await new Promise((res) => setTimeout(res, 100));
            continue;
          }
          // The checker judges generations and ownership from these ops.
          op.ok(value);
          generations.add(r.generationId);
          state.stable = r.generationId;
          // heartbeat until the coordinator says a rebalance started (27) or this member stops;
          // any other answer, or none, sends it back to join (which reconnects if it must)
          while (state.active) {
            await new Promise((res) => setTimeout(res, 100));
            if (!state.active) break;
            const code = await m.heartbeat().catch(() => -1);
            if (code !== 0) {
              state.stable = -1;
              break;
            }
          }
        }
      })().catch((err: unknown) => {
        // the coordinator stayed out of reach for a minute: the run cannot go on
        fatal ??= err as Error;
        state.active = false;
      });
      return state;
    };
    type Running = Awaited<ReturnType<typeof startMember>>;
    const running: Running[] = [];
    /** Waits until every running member sits in one generation and heartbeats happily. */
    const settle = async () => {
      // Under faults a rebalance may wait out a member that died with the node: up to the
      // rebalance timeout, after the node is back.
      const until = Date.now() + (underFaults ? 60_000 : 30_000);
      const op = ctx.history.invoke('group', SETTLE, { groupId, members: running.map((r) => r.member.name) });
      while (Date.now() < until) {
        if (fatal) {
          op.info(fatal.message);
          throw fatal;
        }
        const gens = new Set(running.map((r) => r.stable));
        if (running.length > 0 && gens.size === 1 && !gens.has(-1)) return op.ok({ groupId, generation: [...gens][0] });
        await new Promise((res) => setTimeout(res, 50));
      }
      op.fail('the group did not settle', {
        problem: `the group did not settle within ${underFaults ? 60 : 30} s`,
        members: running.map((r) => [r.member.name, r.stable]),
      });
    };
    let named = 0;
    try {
      running.push(await startMember(`member-${named++}`));
      await settle();
      for (const change of changes) {
        await ctx.pace();
        if (change.kind === 'join' || running.length <= 1) {
          running.push(await startMember(`member-${named++}`));
        } else {
          const [leaving] = running.splice(change.index % running.length, 1);
          leaving!.active = false;
          await leaving!.done;
          const op = ctx.history.invoke(leaving!.member.name, 'leave-group', { groupId });
          // Without an answer (node down) the coordinator drops the member when its session ends.
          await leaving!.member.leave().then(
            () => op.ok({ member: leaving!.member.name }),
            (err: Error) => op.info(err.message),
          );
        }
        await settle();
      }
    } finally {
      for (const r of running) r.active = false;
      for (const r of running) {
        await r.done;
        await r.member.leave().catch(() => r.member.close());
      }
    }
    if (fatal) throw fatal;
    ctx.progress(`group-generations: ${generations.size} generations, ${named} members over the run`);
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);

    // The verdict is the group-generations checker's, over the recorded joins and settles.
  },
};
