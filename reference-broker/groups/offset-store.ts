/** A committed offset as the coordinator keeps it (Kafka's OffsetAndMetadata, without expiry). */
export interface CommittedOffset {
  committedOffset: number;
  /** -1 when the client did not send one. */
  committedLeaderEpoch: number;
  /** '' when the client sent null, as Kafka stores it. */
  metadata: string;
  commitTimestampMs: number;
}

/** One committed offset with its address, the unit of {@link OffsetStore.entries}. */
export interface OffsetEntry extends CommittedOffset {
  groupId: string;
  topic: string;
  partition: number;
}

/**
 * Committed offsets of every group, by group, topic and partition. Topic order is first-commit
 * order, so "fetch all" answers in a stable order.
 */
export class OffsetStore {
  readonly #groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  /** Stores (or overwrites) the offset of one partition. */
  commit(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    let topics = this.#groups.get(groupId);
    if (topics === undefined) this.#groups.set(groupId, (topics = new Map()));
    let partitions = topics.get(topic);
    if (partitions === undefined) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, { ...value });
  }

  /** The committed offset of one partition, if any. */
  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.#groups.get(groupId)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, by topic, partitions in ascending order. */
  byTopic(groupId: string): { topic: string; partitions: [number, CommittedOffset][] }[] {
    const topics = this.#groups.get(groupId);
    if (topics === undefined) return [];
    return [...topics].map(([topic, partitions]) => ({
      topic,
      partitions: [...partitions].sort(([a], [b]) => a - b),
    }));
  }

  /** Whether the group has any committed offset. */
  has(groupId: string): boolean {
    return this.#groups.has(groupId);
  }

  /** Drops every offset of a group; returns how many there were. */
  deleteGroup(groupId: string): number {
    const topics = this.#groups.get(groupId);
    if (topics === undefined) return 0;
    this.#groups.delete(groupId);
    let n = 0;
    for (const partitions of topics.values()) n += partitions.size;
    return n;
  }

  /** Groups with at least one committed offset. */
  groupIds(): string[] {
    return [...this.#groups.keys()];
  }

  /** Every committed offset, flattened (for snapshots). */
  entries(): OffsetEntry[] {
    const out: OffsetEntry[] = [];
    for (const [groupId, topics] of this.#groups) {
      for (const [topic, partitions] of topics) {
        for (const [partition, value] of partitions) out.push({ groupId, topic, partition, ...value });
      }
    }
    return out;
  }

  /** Drops everything. */
  clear(): void {
    this.#groups.clear();
  }
}
