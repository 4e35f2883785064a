/** One entry of the leader-epoch history: `epoch` wrote offsets from `startOffset` on. */
export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/**
 * The leader-epoch history of a partition (KIP-101, KIP-279), with the update rules of Kafka's
 * LeaderEpochFileCache so OffsetForLeaderEpoch answers the same. Entries are strictly
 * increasing in both epoch and start offset. Every method returns whether anything changed,
 * so the caller checkpoints only then.
 */
export class LeaderEpochCache {
  private readonly list: EpochEntry[];

  constructor(entries: readonly EpochEntry[] = []) {
    this.list = entries.map((e) => ({ epoch: e.epoch, startOffset: e.startOffset }));
  }

  /** A copy of the entries, oldest first. */
  entries(): EpochEntry[] {
    return this.list.map((e) => ({ epoch: e.epoch, startOffset: e.startOffset }));
  }

  /** Latest epoch, -1 when there is none. */
  latestEpoch(): number {
    return this.list.length ? this.list[this.list.length - 1]!.epoch : -1;
  }

  /**
   * Records that `epoch` starts at `startOffset`. As Kafka: nothing to do when it is already the
   * latest epoch from an earlier offset; otherwise trailing entries that are not older in both
   * epoch and offset are dropped first, so a stale leader's history cannot stay ahead.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) throw new RangeError(`cannot assign epoch ${epoch} at offset ${startOffset}`);
    const latest = this.list[this.list.length - 1];
    if (latest && latest.epoch === epoch && latest.startOffset <= startOffset) return false;
    while (this.list.length) {
      const last = this.list[this.list.length - 1]!;
      if (last.epoch < epoch && last.startOffset < startOffset) break;
      this.list.pop();
    }
    this.list.push({ epoch, startOffset });
    return true;
  }

  /** Drops entries starting at or after `endOffset` (the log was truncated there). */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.list.length;
    while (this.list.length && this.list[this.list.length - 1]!.startOffset >= endOffset) this.list.pop();
    return this.list.length !== before;
  }

  /**
   * The log now starts at `startOffset`: entries starting at or before it collapse into the last
   * of them, moved up to start there, so the epoch of the first offset is still known.
   */
  truncateFromStart(startOffset: number): boolean {
    let n = 0;
    while (n < this.list.length && this.list[n]!.startOffset <= startOffset) n++;
    if (n === 0) return false;
    const kept = this.list[n - 1]!;
    if (n === 1 && kept.startOffset === startOffset) return false;
    this.list.splice(0, n, { epoch: kept.epoch, startOffset });
    return true;
  }

  /** Forgets everything (the log was emptied). */
  clear(): boolean {
    const changed = this.list.length > 0;
    this.list.length = 0;
    return changed;
  }
}
