import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import {
  RawConsumerMember,
  consumerProtocolMissing,
  type HeartbeatAnswer,
} from '../harness/drivers/raw-consumer-member.ts';
import { FINAL_READ, REPLAY_READ, SEND, type RecordRef } from '../harness/history/ops.ts';
import { RawClient } from '../protocol/client/raw-client.ts';
import { ErrorCode } from '../protocol/errors/generated/error-codes.ts';
import {
  COORDINATOR_RETRIABLE,
  CP_COMMIT,
  CP_DIE,
  CP_FETCH,
  CP_HEARTBEAT,
  CP_LEAVE,
  CP_OFFSET_FETCH,
  CP_RETURN,
  CP_SETTLED,
  type ConsumerProtocolPlan,
} from './checkers/consumer-protocol.ts';
import { LeaderRouter } from './leader-router.ts';
import { recordNotRun, recordPlan } from './plan-ops.ts';
import { fetchRouted, ref } from './raw-reads.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { NOT_SUPPORTED_YET } from './scenario-needs.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';

const PARTITIONS = 6;
/** Pause between a member's rounds (heartbeat, fetch): far below any timeout, so members answer revocations at once. */
const ROUND_MS = 40;
/** A member commits what it read every this many rounds (and always before giving partitions up). */
const COMMIT_EVERY = 5;
/** How long a dead member stays away while records flow. */
const DEAD_MS = 400;
/** Rounds every member must see unchanged before the group counts as stable. */
const STABLE_ROUNDS = 4;
const SETTLE_TIMEOUT_MS = 30_000;
/** Records per produce request (one partition each: their offsets follow each other). */
const BATCH = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One membership change: a member joins, leaves, or dies and comes back (by position among the running). */
type Change =
  | { kind: 'join' }
  | { kind: 'leave'; index: number }
  /** `joinMeanwhile`: a new member joins while it is dead, and must not get its partitions before it is back and revokes them. */
  | { kind: 'die'; index: number; joinMeanwhile: boolean };

/** One member as the scenario runs it: a loop of heartbeat, reconcile, fetch, commit. */
class Member {
  readonly name: string;
  readonly member: RawConsumerMember;
  private readonly ctx: ScenarioContext;
  private readonly topic: string;
  private router: LeaderRouter;
  /** partition → next offset to read (what it owns, as it told or will tell the broker). */
  private readonly owned = new Map<number, number>();
  /** partition → the last offset committed for it by this member. */
  private readonly committed = new Map<number, number>();
  private topicId: string | undefined;
  /** False until the first heartbeat of an incarnation: a fresh one joins with epoch 0. */
  private joined = false;
  active = true;
  /** The last answer's epoch and assignment, and for how many rounds it has not changed. */
  epoch = 0;
  assigned: number[] = [];
  unchanged = 0;
  fatal: Error | undefined;
  done: Promise<void> = Promise.resolve();

  constructor(ctx: ScenarioContext, topic: string, member: RawConsumerMember) {
    this.ctx = ctx;
    this.topic = topic;
    this.member = member;
    this.name = member.name;
    this.router = new LeaderRouter(ctx.target.nodes, `kconform-cp-${member.name}`);
  }

  start(): void {
    this.active = true;
    this.done = (async () => {
      // Fetch, then heartbeat: a member reads what it owns until an answer takes it away, so a
      // partition handed to another member before its release shows in the fetches too.
      for (let round = 1; this.active; round++) {
        await this.fetch();
        if (!this.active) break;
        await this.heartbeat();
        if (round % COMMIT_EVERY === 0) await this.commit([...this.owned.keys()]);
        await sleep(ROUND_MS);
      }
    })().catch((err: unknown) => {
      this.fatal = err as Error;
      this.active = false;
    });
  }

  /** Stops the loop after its current round. */
  async stop(): Promise<void> {
    this.active = false;
    await this.done;
    if (this.fatal) throw this.fatal;
  }

  private async heartbeat(): Promise<void> {
    const owned = [...this.owned.keys()].sort((a, b) => a - b);
    const op = this.ctx.history.invoke(this.name, CP_HEARTBEAT, {
      memberId: this.member.memberId,
      memberEpoch: this.joined ? this.member.memberEpoch : 0,
      owned,
    });
    let a: HeartbeatAnswer;
    try {
      a = await this.member.heartbeat(this.joined ? { topicId: this.topicId ?? '', partitions: owned } : null);
    } catch (err) {
      op.info((err as Error).message);
      throw err;
    }
    if (a.errorCode !== ErrorCode.NONE) {
      op.fail(`error ${a.errorCode}: ${a.errorMessage ?? ''}`, {
        memberId: a.memberId,
        memberEpoch: this.member.memberEpoch,
        errorCode: a.errorCode,
      });
      // The coordinator is loading or moved (a fresh Kafka's first answers): look it up again and retry.
      if (COORDINATOR_RETRIABLE.has(a.errorCode)) {
        await sleep(100);
        await retrying(`${this.name} finding its coordinator again`, () => this.member.reconnect());
        return;
      }
      // Fenced or forgotten: as Kafka's consumer, drop everything (uncommitted) and join again.
      if (a.errorCode === ErrorCode.FENCED_MEMBER_EPOCH || a.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
        this.owned.clear();
        this.joined = false;
      }
      return;
    }
    op.ok({ memberId: a.memberId, memberEpoch: a.memberEpoch, assigned: a.assigned });
    this.joined = true;
    if (a.topicId) this.topicId = a.topicId;
    const assigned = a.assigned ?? this.assigned;
    const changed = a.memberEpoch !== this.epoch || assigned.join() !== this.assigned.join();
    this.unchanged = changed ? 0 : this.unchanged + 1;
    this.epoch = a.memberEpoch;
    this.assigned = assigned;
    // Revoke first: commit what was read of the partitions going away and stop fetching them,
    // so the next heartbeat tells the broker they are free.
    const revoked = [...this.owned.keys()].filter((p) => !assigned.includes(p));
    if (revoked.length > 0) {
      await this.commit(revoked);
      for (const p of revoked) this.owned.delete(p);
    }
    const added = assigned.filter((p) => !this.owned.has(p));
    if (added.length > 0) await this.takeOver(added);
  }

  /** Starts reading newly assigned partitions where the group committed (from the log start when nothing was). */
  private async takeOver(partitions: number[]): Promise<void> {
    const op = this.ctx.history.invoke(this.name, CP_OFFSET_FETCH, {
      memberId: this.member.memberId,
      memberEpoch: this.member.memberEpoch,
      partitions,
    });
    const got = await this.member.committed(partitions).catch((err: Error) => {
      op.info(err.message);
      throw err;
    });
    const failed = [...got].filter(([, g]) => g.errorCode !== 0);
    if (failed.length > 0) {
      op.fail(`OffsetFetch refused: ${failed.map(([p, g]) => `${p}: error ${g.errorCode}`).join(', ')}`, {
        errors: Object.fromEntries(failed.map(([p, g]) => [p, g.errorCode])),
      });
      // The next round asks again: these are not owned yet as far as reading goes.
      return;
    }
    op.ok({ offsets: Object.fromEntries([...got].map(([p, g]) => [p, g.offset])) });
    for (const [p, g] of got) {
      this.owned.set(p, Math.max(g.offset, 0));
      if (g.offset >= 0) this.committed.set(p, g.offset);
    }
  }

  private async fetch(): Promise<void> {
    if (this.owned.size === 0) return;
    const from = new Map(this.owned);
    const op = this.ctx.history.invoke(this.name, CP_FETCH, {
      memberId: this.member.memberId,
      memberEpoch: this.member.memberEpoch,
      from: Object.fromEntries(from),
    });
    let answers: Awaited<ReturnType<typeof fetchRouted>>;
    try {
      answers = await fetchRouted(this.router, this.name, this.topic, from, { maxWaitMs: 0 });
    } catch (err) {
      op.info((err as Error).message);
      throw err;
    }
    const records: RecordRef[] = [];
    const errors: Record<number, number> = {};
    for (const a of answers) {
      if (a.errorCode !== 0) errors[a.partition] = a.errorCode;
      for (const r of a.records) records.push(ref(r));
      const last = a.records.at(-1);
      if (last && this.owned.has(a.partition)) this.owned.set(a.partition, last.offset + 1);
    }
    if (Object.keys(errors).length > 0) op.fail(`fetch errors ${JSON.stringify(errors)}`, { records, errors });
    else op.ok({ memberEpoch: this.member.memberEpoch, records });
  }

  /** Commits the positions of `partitions` that moved since this member last committed them. */
  async commit(partitions: number[]): Promise<void> {
    const offsets = new Map(
      partitions
        .filter((p) => this.owned.has(p) && this.owned.get(p) !== this.committed.get(p))
        .map((p) => [p, this.owned.get(p)!] as const),
    );
    if (offsets.size === 0) return;
    const value = Object.fromEntries(offsets);
    const op = this.ctx.history.invoke(this.name, CP_COMMIT, {
      memberId: this.member.memberId,
      memberEpoch: this.member.memberEpoch,
      offsets: value,
    });
    const codes = await this.member.commit(offsets).catch((err: Error) => {
      op.info(err.message);
      throw err;
    });
    const failed = [...codes].filter(([, c]) => c !== 0);
    if (failed.length > 0) {
      op.fail(`OffsetCommit refused: ${failed.map(([p, c]) => `${p}: error ${c}`).join(', ')}`, {
        errors: Object.fromEntries(failed),
      });
      return;
    }
    op.ok({ offsets: value });
    for (const [p, o] of offsets) this.committed.set(p, o);
  }

  /** Commits what it read and leaves the group. */
  async leave(): Promise<void> {
    await this.stop();
    await this.commit([...this.owned.keys()]);
    const op = this.ctx.history.invoke(this.name, CP_LEAVE, { memberId: this.member.memberId });
    try {
      const code = await this.member.leave();
      if (code === 0) op.ok({ memberId: this.member.memberId });
      else op.fail(`error ${code}`, { errorCode: code });
    } catch (err) {
      op.info((err as Error).message);
    } finally {
      this.router.closeAll();
    }
    this.owned.clear();
  }

  /** Drops every connection without leaving or committing: what it read since its last commit is lost with it. */
  async die(): Promise<void> {
    await this.stop();
    this.ctx.history
      .invoke(this.name, CP_DIE, { memberId: this.member.memberId, owned: [...this.owned.keys()] })
      .ok({ memberId: this.member.memberId, memberEpoch: this.member.memberEpoch });
    this.member.drop();
    this.router.closeAll();
    this.owned.clear();
    this.committed.clear();
  }

  /**
   * Comes back on new connections with the same member id and epoch, its positions lost: it
   * owns nothing until the broker answers, then resumes from the committed offsets.
   */
  async comeBack(): Promise<void> {
    const op = this.ctx.history.invoke(this.name, CP_RETURN, {
      memberId: this.member.memberId,
      memberEpoch: this.member.memberEpoch,
    });
    await this.member.reconnect().catch((err: Error) => {
      op.info(err.message);
      throw err;
    });
    op.ok({ memberId: this.member.memberId, memberEpoch: this.member.memberEpoch });
    this.router = new LeaderRouter(this.ctx.target.nodes, `kconform-cp-${this.name}`);
    this.unchanged = 0;
    this.start();
  }

  /** The positions it has read up to. */
  positions(): ReadonlyMap<number, number> {
    return this.owned;
  }
}

/**
 * The KIP-848 consumer group protocol (`group.protocol=consumer`) under membership changes:
 * members of one group join, leave, die (their connections dropped without leaving, what they
 * read since their last commit lost) and come back, in an order drawn from the seed, while a
 * producer keeps writing to the group's six partitions. Members are driven over the raw
 * protocol client (ConsumerGroupHeartbeat, OffsetFetch, OffsetCommit, Fetch), reconciling as a
 * member must: a revoked partition is committed and dropped before the next heartbeat reports
 * it gone, a new one is read from the group's committed offset, only owned partitions are
 * fetched. This driver was chosen over the Java consumer (via the Java client runner),
 * confluent-kafka and @platformatic/kafka (2.12.1 in node_modules, which does speak
 * `groupProtocol: 'consumer'`) because it records the truth the checkers need exactly: the member
 * epoch and partitions of every broker answer, and which epoch each fetch and commit was made at;
 * high-level clients report assignments only through rebalance callbacks or events, after their
 * own reconciliation, without the epoch each fetch belongs to, and a JVM or Python process per
 * member would make the scenario far slower than the few seconds `all` allows it. Each heartbeat is a full one, so every answer carries the
 * whole assignment. A dead member comes back with its member id and epoch (positions lost):
 * dead for well under the 45 s session, the group keeps its partitions for it — and must not
 * hand them to anyone meanwhile.
 *
 * Verdicts (checkers/consumer-protocol.ts): no partition owned by two members at once (from
 * the assignments and from the fetches), every partition assigned once the group is stable
 * after the last change, and takeovers resume at the last committed offset with no skip.
 * Targets that lack the protocol (no ConsumerGroupHeartbeat, `group.version` not finalized, or no
 * OffsetFetch/OffsetCommit v9: Kafka before 4.0) record why it did not run ("not supported").
 */
export const consumerProtocolScenario: Scenario = {
  name: 'consumer-protocol',
  description:
    'KIP-848 members join, leave, die and come back while records flow: no partition owned twice, all assigned once stable, takeovers resume at the commit',
  needs: ['consumer-protocol'],
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('consumer-protocol');
    const groupId = `kconform-${ctx.runId}-consumer-protocol`;
    recordPlan(ctx.history, {
      scenario: 'consumer-protocol',
      topic,
      partitions: PARTITIONS,
    } satisfies ConsumerProtocolPlan);
    const probe = await retrying('asking ApiVersions', () => RawClient.connect(ctx.target.bootstrap.split(',')[0]!));
    const missing = await consumerProtocolMissing(probe).finally(() => probe.close());
    if (missing !== undefined) {
      const reason = `${NOT_SUPPORTED_YET}: the consumer group protocol (KIP-848: ${missing})`;
      ctx.progress(`${reason}; nothing was run`);
      recordNotRun(ctx.history, reason);
      return;
    }
    await createTopicsReady(ctx, [{ topic, numPartitions: PARTITIONS }]);

    const changes = fc.sample(
      fc.array(
        fc.oneof(
          { arbitrary: fc.constant<Change>({ kind: 'join' }), weight: 3 },
          { arbitrary: fc.nat(3).map((index): Change => ({ kind: 'leave', index })), weight: 2 },
          {
            arbitrary: fc
              .tuple(fc.nat(3), fc.boolean())
              .map(([index, joinMeanwhile]): Change => ({ kind: 'die', index, joinMeanwhile })),
            weight: 2,
          },
        ),
        { minLength: 4, maxLength: 6 },
      ),
      { seed: ctx.seed, numRuns: 1 },
    )[0]!;
    // every kind of change at least once, whatever the draw
    if (!changes.some((c) => c.kind === 'leave')) changes.push({ kind: 'leave', index: ctx.seed % 3 });
    if (!changes.some((c) => c.kind === 'die' && c.joinMeanwhile))
      changes.push({ kind: 'die', index: ctx.seed % 4, joinMeanwhile: true });

    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await retrying('connecting the producer', () => producer.connect());
    const members: Member[] = [];
    const running: Member[] = [];
    let named = 0;
    let sent = 0;
    const ends = new Map<number, number>();
    /** Sends the next `n` records, in batches of one partition each, one after the other. */
    const produce = async (n: number) => {
      for (let left = Math.min(n, ctx.records - sent); left > 0; ) {
        const partition = Math.floor(sent / BATCH) % PARTITIONS;
        const count = Math.min(left, BATCH);
        await sendBatch(ctx, producer, topic, partition, sent, count, ends);
        sent += count;
        left -= count;
      }
    };
    const join = async () => {
      const name = `member-${named++}`;
      const m = await retrying(`connecting ${name}`, () =>
        RawConsumerMember.connect(ctx.target.bootstrap, name, groupId, topic),
      );
      const member = new Member(ctx, topic, m);
      members.push(member);
      running.push(member);
      member.start();
    };
    /** Waits until every running member has kept one epoch and assignment for a few rounds, all at the same epoch. */
    const settle = async () => {
      const op = ctx.history.invoke('group', CP_SETTLED, { members: running.map((m) => m.name) });
      const until = Date.now() + SETTLE_TIMEOUT_MS;
      while (Date.now() < until) {
        const broken = running.find((m) => m.fatal);
        if (broken) {
          op.info(broken.fatal!.message);
          throw broken.fatal;
        }
        const epochs = new Set(running.map((m) => m.epoch));
        const covered = new Set(running.flatMap((m) => m.assigned)).size === PARTITIONS;
        if (epochs.size === 1 && covered && running.every((m) => m.unchanged >= STABLE_ROUNDS))
          return op.ok({ members: running.length });
        await sleep(ROUND_MS);
      }
      op.fail('the group did not become stable', {
        problem: `not stable within ${SETTLE_TIMEOUT_MS / 1000} s`,
        members: running.map((m) => [m.name, m.epoch, m.assigned]),
      });
    };

    const chunk = Math.max(1, Math.ceil(ctx.records / (changes.length + 2)));
    try {
      await join();
      await join();
      await produce(chunk);
      await settle();
      for (const change of changes) {
        await ctx.pace();
        // the last member does not leave (a join instead); it may die, and nothing reads until it is back
        if (change.kind === 'join' || (change.kind === 'leave' && running.length <= 1)) await join();
        else if (change.kind === 'leave') {
          const [leaving] = running.splice(change.index % running.length, 1);
          await leaving!.leave();
        } else {
          await dieAndReturn(running[change.index % running.length]!, async () => {
            if (change.joinMeanwhile) await join();
            await produce(chunk);
          });
        }
        await produce(chunk);
        await settle();
      }
      await produce(Math.max(0, ctx.records - sent));
      // the members read everything, then commit it
      await drained(running, ends);
      for (const m of running) await m.stop();
      for (const m of running) await m.commit([...m.positions().keys()]);
    } finally {
      for (const m of running) await m.leave().catch(() => m.member.drop());
      await producer.disconnect().catch(() => {});
    }
    ctx.progress(`consumer-protocol: ${named} members, ${changes.length} changes, ${sent} records`);
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
    // The verdicts are the consumer-protocol checkers', over the recorded heartbeats, fetches and commits.
  },
};

/** A member dies, stays away while `meanwhile` runs (records flow) and a little longer, then comes back. */
async function dieAndReturn(m: Member, meanwhile: () => Promise<void>): Promise<void> {
  await m.die();
  await meanwhile();
  await sleep(DEAD_MS);
  await m.comeBack();
}

/** Waits until the running members have read every partition up to `ends`. */
async function drained(running: readonly Member[], ends: ReadonlyMap<number, number>): Promise<void> {
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  while (Date.now() < until) {
    const at = new Map<number, number>();
    for (const m of running) for (const [p, o] of m.positions()) at.set(p, o);
    if ([...ends].every(([p, end]) => (at.get(p) ?? -1) >= end)) return;
    await sleep(ROUND_MS);
  }
}

/** One idempotent acks=all send of `count` records to `partition`, recorded as send ops. */
async function sendBatch(
  ctx: ScenarioContext,
  producer: Producer,
  topic: string,
  partition: number,
  first: number,
  count: number,
  ends: Map<number, number>,
): Promise<void> {
  const values = Array.from({ length: count }, (_, i) => JSON.stringify({ run: ctx.runId, seq: first + i }));
  const ops = values.map((value) => ctx.history.invoke('producer', SEND, { topic, partition, key: null, value }));
  try {
    const meta = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
    const base = Number(meta[0]!.baseOffset);
    values.forEach((value, i) =>
      ops[i]!.ok({ topic, partition, offset: base + i, key: null, value } satisfies RecordRef),
    );
    ends.set(partition, base + count);
  } catch (err) {
    // the broker may have written them: unknown, the final read judges
    for (const op of ops) op.info((err as Error).message);
  }
}
