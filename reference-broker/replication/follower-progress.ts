/**
 * What a partition leader knows of its followers, from their Fetch requests alone, and the
 * decisions Kafka's Partition/Replica classes take from it: the high watermark, which in-sync
 * replicas lag too far behind (ISR shrink) and which out-of-sync ones have caught up (ISR
 * expand). Pure bookkeeping: no timers, no I/O, the clock is passed in.
 */

/** One follower's state as seen by the leader (Kafka's ReplicaState). */
export interface FollowerState {
  /** The follower's log end offset: the offset of its last Fetch; -1 until it fetched. */
  logEndOffset: number;
  /** Last time the follower was known to be caught up to the leader's log end. */
  lastCaughtUpMs: number;
  /** Time of its previous fetch and the leader's log end at that moment. */
  lastFetchMs: number;
  lastFetchLeaderLogEndOffset: number;
}

/** The leader-side replication state of one partition, for one leader epoch. */
export class FollowerProgress {
  private readonly followers = new Map<number, FollowerState>();
  private readonly leaderId: number;

  /**
   * @param leaderId this node
   * @param replicas every replica of the partition
   * @param nowMs when this node became leader: every follower gets a full lag window from
   *   then, as Kafka resets lastCaughtUpTime on makeLeader
   */
  constructor(leaderId: number, replicas: readonly number[], nowMs: number) {
    this.leaderId = leaderId;
    for (const id of replicas) {
      if (id !== leaderId)
        this.followers.set(id, {
          logEndOffset: -1,
          lastCaughtUpMs: nowMs,
          lastFetchMs: nowMs,
          lastFetchLeaderLogEndOffset: -1,
        });
    }
  }

  /** The follower's state, or undefined when `replicaId` is not a follower of this partition. */
  follower(replicaId: number): FollowerState | undefined {
    return this.followers.get(replicaId);
  }

  /**
   * Records a follower fetch at `fetchOffset` (its log end offset). Kafka's
   * Replica.updateFetchStateOrThrow: caught up now when it fetched from the leader's log end;
   * caught up at its previous fetch when it has now reached what the leader had then.
   */
  recordFetch(replicaId: number, fetchOffset: number, leaderLogEndOffset: number, nowMs: number): void {
    const f = this.followers.get(replicaId);
    if (!f) return;
    if (fetchOffset >= leaderLogEndOffset) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, nowMs);
    else if (fetchOffset >= f.lastFetchLeaderLogEndOffset) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.logEndOffset = fetchOffset;
    f.lastFetchMs = nowMs;
    f.lastFetchLeaderLogEndOffset = leaderLogEndOffset;
  }

  /**
   * The high watermark the ISR allows: the smallest log end offset among the in-sync replicas
   * (the leader's own included). A follower that has not fetched yet holds it at -1, so a new
   * leader never exposes what its followers may not have.
   */
  isrLogEndOffset(isr: readonly number[], leaderLogEndOffset: number): number {
    let min = leaderLogEndOffset;
    for (const id of isr) {
      if (id === this.leaderId) continue;
      const f = this.followers.get(id);
      min = Math.min(min, f ? f.logEndOffset : -1);
    }
    return min;
  }

  /** In-sync followers not caught up for longer than `lagMaxMs` (replica.lag.time.max.ms). */
  laggingReplicas(isr: readonly number[], nowMs: number, lagMaxMs: number): number[] {
    return isr.filter(
      (id) => id !== this.leaderId && nowMs - (this.followers.get(id)?.lastCaughtUpMs ?? -Infinity) > lagMaxMs,
    );
  }

  /**
   * Followers outside the ISR that may join it: they have reached the high watermark and the
   * start of the current leader epoch (Kafka's isFollowerInSync), so nothing acknowledged is missing.
   */
  caughtUpReplicas(isr: readonly number[], highWatermark: number, leaderEpochStartOffset: number): number[] {
    const out: number[] = [];
    for (const [id, f] of this.followers) {
      if (!isr.includes(id) && f.logEndOffset >= highWatermark && f.logEndOffset >= leaderEpochStartOffset)
        out.push(id);
    }
    return out;
  }
}
