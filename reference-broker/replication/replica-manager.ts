/**
 * The data plane of a reference broker node, as Kafka's ReplicaManager: which partitions this
 * node leads or follows (from the controller's committed metadata), the high watermark of the
 * partitions it leads, waiting produces with acks=all, and ISR changes it asks the controller for.
 *
 * A single node is a cluster of one: the controller makes it leader of every partition with an
 * ISR of itself, so the high watermark follows every append and acks=all answers at once — the
 * same code path, one replica.
 *
 * Kafka's rules kept here:
 * - the high watermark is the smallest log end offset of the in-sync replicas and only moves
 *   forward on a leader (Partition.maybeIncrementLeaderHW), and not at all while the ISR is below
 *   min.insync.replicas (strict min ISR, KIP-966: acks=1 records written then stay invisible
 *   until the ISR recovers); while an ISR change is in flight the
 *   larger of the two sets counts (Kafka's "maximal ISR"), so a shrink cannot expose records early;
 * - a follower leaves the ISR after replica.lag.time.max.ms without being caught up, and joins it
 *   again once it has reached the high watermark and the start of the current leader epoch;
 * - a produce with acks=all completes when the high watermark passes its last offset; then, when
 *   the ISR has shrunk below min.insync.replicas, it answers NOT_ENOUGH_REPLICAS_AFTER_APPEND.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { Broker } from '../broker.ts';
import type { Partition, Topic } from '../topics/topic-registry.ts';
import { effectiveMinIsr } from '../append/append-records.ts';
import type { ClusterLink, ClusterTopic } from './cluster-link.ts';
import { FollowerProgress } from './follower-progress.ts';
import { rebuildProducerState } from './producer-state-rebuild.ts';
import { ReplicaFetcher } from './replica-fetcher.ts';

/** The leader-side state of one partition for one leader epoch. */
interface LeaderContext {
  readonly partition: Partition;
  readonly leaderEpoch: number;
  readonly progress: FollowerProgress;
  /** Log end offset when this node became leader: a follower must reach it to join the ISR. */
  readonly epochStartOffset: number;
  /** The ISR asked for and not yet answered by the controller. */
  pendingIsr?: number[];
}

interface Waiter {
  readonly offset: number;
  readonly done: (errorCode: number) => void;
}

/** How long ISR checks wait between passes; Kafka checks every replica.lag.time.max.ms / 2. */
const MIN_ISR_CHECK_MS = 100;

function key(p: { topic: string; index: number }): string {
  return `${p.topic}-${p.index}`;
}

/** Replica roles, high watermarks and acks=all waits of one broker node. */
export class ReplicaManager {
  private readonly broker: Broker;
  private readonly link: ClusterLink;
  private readonly leaders = new Map<string, LeaderContext>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly isrTimer: NodeJS.Timeout;
  private closed = false;

  constructor(broker: Broker, link: ClusterLink) {
    this.broker = broker;
    this.link = link;
    link.onChange(() => this.reconcile());
    // The link may have applied metadata (replayed from disk) before this node's broker existed.
    queueMicrotask(() => this.reconcile());
    const every = Math.max(MIN_ISR_CHECK_MS, Math.floor(broker.config.replicaLagTimeMaxMs / 2));
    this.isrTimer = setInterval(() => this.shrinkLaggingIsrs(), every);
    this.isrTimer.unref();
  }

  /** True when this node leads `p` and may append to it and serve its reads. */
  isLeader(p: Partition): boolean {
    return p.leaderId === this.broker.nodeId && this.leaders.has(key(p));
  }

  /** Called after a leader appended to `p` (a produce): the high watermark may move. */
  afterLeaderAppend(p: Partition): void {
    this.maybeAdvanceHighWatermark(p);
  }

  /**
   * Waits until the high watermark of `p` reaches `offset` (acks=all), answering NONE, then
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR has meanwhile shrunk below `minIsr`;
   * REQUEST_TIMED_OUT after `timeoutMs`; NOT_LEADER_OR_FOLLOWER when this node stops leading.
   */
  waitForHighWatermark(p: Partition, offset: number, minIsr: number, timeoutMs: number): Promise<number> {
    const afterwards = (code: number) =>
      code === ErrorCode.NONE && p.isr.length < minIsr ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : code;
    if (p.log.highWatermark >= offset) return Promise.resolve(afterwards(ErrorCode.NONE));
    if (!this.isLeader(p)) return Promise.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return new Promise((resolve) => {
      const k = key(p);
      let set = this.waiters.get(k);
      if (!set) this.waiters.set(k, (set = new Set()));
      const timer = setTimeout(() => finish(ErrorCode.REQUEST_TIMED_OUT), Math.max(0, timeoutMs));
      const waiter: Waiter = { offset, done: (code) => finish(code) };
      const finish = (code: number) => {
        clearTimeout(timer);
        set.delete(waiter);
        resolve(afterwards(code));
      };
      set.add(waiter);
    });
  }

  /**
   * A follower fetched `p` from this leader at `fetchOffset`: records its progress, moves the high
   * watermark and asks the controller to add it to the ISR once it has caught up.
   * Returns false when `replicaId` is not a replica of `p` (the fetch is refused).
   */
  recordFollowerFetch(p: Partition, replicaId: number, fetchOffset: number): boolean {
    const ctx = this.leaders.get(key(p));
    if (!ctx?.progress.follower(replicaId)) return false;
    ctx.progress.recordFetch(replicaId, fetchOffset, p.log.logEndOffset, Date.now());
    this.maybeAdvanceHighWatermark(p);
    if (!ctx.pendingIsr) {
      const joining = ctx.progress.caughtUpReplicas(p.isr, p.log.highWatermark, ctx.epochStartOffset);
      if (joining.length)
        this.alterIsr(
          ctx,
          [...p.isr, ...joining].sort((a, b) => a - b),
        );
    }
    return true;
  }

  /** The fetcher following `leaderId`'s partitions, if any (tests and status). */
  fetcherFor(leaderId: number): ReplicaFetcher | undefined {
    return this.fetchers.get(leaderId);
  }

  /** Stops fetchers and timers; waiting produces answer NOT_LEADER_OR_FOLLOWER. */
  close(): void {
    this.closed = true;
    clearInterval(this.isrTimer);
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
    for (const set of this.waiters.values()) for (const w of [...set]) w.done(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }

  /**
   * Brings local topics and replica roles in line with the committed metadata: creates and
   * deletes topics, becomes leader or follower where the controller says so. A node leads only
   * once the controller has registered and unfenced it in the metadata this node applied: that
   * record comes after every leader change made while it was away, so a restarted node never
   * leads on a stale view. It follows at once, as Kafka's broker does (BrokerServer installs its
   * metadata publishers, whose ReplicaManager.applyDelta starts the follower fetchers, before
   * the controller has accepted its registration — which waits for the previous incarnation's
   * session to expire): a follower killed and restarted is still in the ISRs, and its fetches
   * are what lets acks=all produces complete meanwhile. Following a stale leader is harmless:
   * it answers NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH until the metadata catches up.
   */
  reconcile(): void {
    if (this.closed) return;
    const me = this.broker.nodeId;
    const self = this.link.brokers().find((b) => b.id === me);
    const ready = self !== undefined && !self.fenced && this.link.brokerEpoch >= 0;
    const seen = new Set<string>();
    for (const t of this.link.topics()) {
      seen.add(t.name);
      const topic = this.ensureTopic(t);
      for (const p of topic.partitions) {
        const reg = t.partitions[p.index];
        if (!reg) continue;
        // The answer to this node's own AlterPartition may arrive before the record: never go back to an older partition epoch.
        if (reg.partitionEpoch >= p.partitionEpoch || reg.leaderEpoch !== p.leaderEpoch) {
          p.isr = [...reg.isr];
          p.partitionEpoch = reg.partitionEpoch;
          p.elr = [...(reg.elr ?? [])];
          p.lastKnownElr = [...(reg.lastKnownElr ?? [])];
        }
        p.replicas = [...reg.replicas];
        p.leaderId = reg.leader;
        p.leaderEpoch = reg.leaderEpoch;
        if (ready && reg.leader === me) {
          this.lead(p);
          // the controller may have taken a dead follower out of the ISR: what it held back may now be committed
          this.maybeAdvanceHighWatermark(p);
        } else if (reg.leader >= 0 && reg.leader !== me && reg.replicas.includes(me)) this.follow(p, reg.leader);
        else this.stopReplica(p);
      }
    }
    for (const topic of [...this.broker.topics.all()]) {
      if (seen.has(topic.name)) continue;
      for (const p of topic.partitions) this.stopReplica(p);
      this.broker.topics.delete(topic.name);
    }
    this.broker.groupState.leadershipChanged();
    this.broker.transactions.leadershipChanged();
  }

  private ensureTopic(t: ClusterTopic) {
    let topic = this.broker.topics.get(t.name);
    if (topic && topic.id !== t.id) {
      for (const p of topic.partitions) this.stopReplica(p);
      this.broker.topics.delete(t.name);
      topic = undefined;
    }
    if (!topic) {
      const assignments = t.partitions.map((r) => ({
        replicas: r.replicas,
        isr: r.isr,
        leaderId: r.leader,
        leaderEpoch: r.leaderEpoch,
        partitionEpoch: r.partitionEpoch,
      }));
      topic = this.broker.topics.create(
        t.name,
        t.partitions.length,
        new Map(Object.entries(t.configs)),
        t.id,
        assignments,
      );
      for (const p of topic.partitions) {
        // A log recovered from disk does not know which of its records were committed: the
        // leader's high watermark tells a follower, the ISR tells a leader (Kafka reads a checkpoint).
        p.log.highWatermark = p.log.logStartOffset;
        rebuildProducerState(p);
      }
      this.broker.log.info(
        `following topic ${t.name} (${t.partitions.length} partition(s), id ${t.id}) from the metadata log`,
      );
      return topic;
    }
    this.syncConfigs(topic, t.configs);
    if (t.partitions.length > topic.partitions.length) {
      const added = this.broker.topics.addPartitions(
        t.name,
        t.partitions.slice(topic.partitions.length).map((r) => ({
          replicas: r.replicas,
          isr: r.isr,
          leaderId: r.leader,
          leaderEpoch: r.leaderEpoch,
          partitionEpoch: r.partitionEpoch,
        })),
      );
      for (const p of added) {
        p.log.highWatermark = p.log.logStartOffset;
        rebuildProducerState(p);
      }
      this.broker.log.info(`topic ${t.name} now has ${topic.partitions.length} partition(s)`);
    }
    return topic;
  }

  /**
   * Takes a topic's configs as the metadata log now has them (AlterConfigs): what reads them
   * (min.insync.replicas, max.message.bytes) sees the new map, and the logs take their new
   * settings (retention, segment size, flushing), as Kafka's TopicConfigHandler updates its logs.
   */
  private syncConfigs(topic: Topic, configs: Record<string, string>): void {
    const same =
      topic.configs.size === Object.keys(configs).length &&
      Object.entries(configs).every(([k, v]) => topic.configs.get(k) === v);
    if (same) return;
    topic.configs.clear();
    for (const [k, v] of Object.entries(configs)) topic.configs.set(k, v);
    const settings = this.broker.logSettings(topic.configs);
    for (const p of topic.partitions) p.log.reconfigure(settings);
    this.broker.log.info(`topic ${topic.name} configs now ${JSON.stringify(configs)}`);
  }

  /** Becomes (or stays) leader of `p` in its current epoch. */
  private lead(p: Partition): void {
    const k = key(p);
    const existing = this.leaders.get(k);
    if (existing && existing.leaderEpoch === p.leaderEpoch) return;
    this.unfollow(p);
    if (existing) this.resign(p);
    p.log.assignLeaderEpoch(p.leaderEpoch);
    this.leaders.set(k, {
      partition: p,
      leaderEpoch: p.leaderEpoch,
      progress: new FollowerProgress(this.broker.nodeId, p.replicas, Date.now()),
      epochStartOffset: p.log.logEndOffset,
    });
    this.broker.log.info(
      `leading ${k} in epoch ${p.leaderEpoch} from offset ${p.log.logEndOffset} (ISR ${p.isr.join(',')}, high watermark ${p.log.highWatermark})`,
    );
    this.maybeAdvanceHighWatermark(p);
  }

  private follow(p: Partition, leaderId: number): void {
    if (this.leaders.has(key(p))) this.resign(p);
    for (const [id, f] of this.fetchers) if (id !== leaderId) f.remove(p);
    let fetcher = this.fetchers.get(leaderId);
    if (!fetcher) {
      fetcher = new ReplicaFetcher(
        this.broker,
        leaderId,
        () => this.link.brokers().find((b) => b.id === leaderId),
        () => this.link.brokerEpoch,
      );
      this.fetchers.set(leaderId, fetcher);
    }
    fetcher.add(p);
  }

  private stopReplica(p: Partition): void {
    if (this.leaders.has(key(p))) this.resign(p);
    this.unfollow(p);
  }

  private unfollow(p: Partition): void {
    for (const f of this.fetchers.values()) f.remove(p);
  }

  private resign(p: Partition): void {
    const k = key(p);
    this.leaders.delete(k);
    this.broker.log.info(`no longer leading ${k} (leader now ${p.leaderId}, epoch ${p.leaderEpoch})`);
    for (const w of [...(this.waiters.get(k) ?? [])]) w.done(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }

  private maybeAdvanceHighWatermark(p: Partition): void {
    const ctx = this.leaders.get(key(p));
    const log = p.log;
    if (!ctx) return;
    // Strict min ISR (KIP-966; Partition.maybeIncrementLeaderHW returns early `if (isUnderMinIsr)`):
    // what a short ISR holds is not committed, so an acks=1 record written now stays invisible until the ISR recovers.
    if (p.isr.length < effectiveMinIsr(this.broker, p)) return;
    const isr = ctx.pendingIsr ? [...new Set([...p.isr, ...ctx.pendingIsr])] : p.isr;
    const candidate = this.broker.bugs.strikes('advance-hw-early')
      ? log.logEndOffset
      : ctx.progress.isrLogEndOffset(isr, log.logEndOffset);
    if (candidate <= log.highWatermark) return;
    log.highWatermark = candidate;
    const set = this.waiters.get(key(p));
    if (set) for (const w of [...set]) if (w.offset <= log.highWatermark) w.done(ErrorCode.NONE);
    this.broker.notifyAppend();
  }

  private shrinkLaggingIsrs(): void {
    const now = Date.now();
    for (const ctx of this.leaders.values()) {
      if (ctx.pendingIsr) continue;
      const p = ctx.partition;
      const lagging = ctx.progress.laggingReplicas(p.isr, now, this.broker.config.replicaLagTimeMaxMs);
      if (lagging.length) {
        this.broker.log.info(
          `${key(p)}: replica(s) ${lagging.join(',')} not caught up for ${this.broker.config.replicaLagTimeMaxMs} ms; shrinking the ISR`,
        );
        this.alterIsr(
          ctx,
          p.isr.filter((id) => !lagging.includes(id)),
        );
      }
    }
  }

  private alterIsr(ctx: LeaderContext, newIsr: number[]): void {
    const p = ctx.partition;
    ctx.pendingIsr = newIsr;
    void this.link
      .alterPartition({
        topic: p.topic,
        partition: p.index,
        leaderEpoch: ctx.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr,
      })
      .then((answer) => {
        if (ctx.pendingIsr === newIsr) ctx.pendingIsr = undefined;
        if (this.leaders.get(key(p)) !== ctx) return;
        if (
          answer.errorCode === ErrorCode.NONE &&
          answer.partition &&
          answer.partition.partitionEpoch > p.partitionEpoch
        ) {
          p.isr = [...answer.partition.isr];
          p.partitionEpoch = answer.partition.partitionEpoch;
          p.elr = [...(answer.partition.elr ?? [])];
          p.lastKnownElr = [...(answer.partition.lastKnownElr ?? [])];
          this.broker.log.info(`${key(p)}: ISR now ${p.isr.join(',')} (partition epoch ${p.partitionEpoch})`);
        } else if (answer.errorCode !== ErrorCode.NONE) {
          this.broker.log.warn(
            `${key(p)}: AlterPartition to ISR ${newIsr.join(',')} refused: ${answer.errorCode}${answer.errorMessage ? ` ${answer.errorMessage}` : ''}`,
          );
        }
        this.maybeAdvanceHighWatermark(p);
      });
  }
}
