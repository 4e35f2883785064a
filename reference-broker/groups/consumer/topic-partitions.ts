/**
 * Sets of partitions keyed by topic id, the unit of every KIP-848 assignment. Plain objects with
 * sorted partition arrays, so they compare, print and persist (JSON) without conversion.
 */

/** Partitions by topic id; each array ascending and without duplicates, no empty arrays. */
export type TopicPartitions = Readonly<Record<string, readonly number[]>>;

/** The empty assignment. */
export const NO_PARTITIONS: TopicPartitions = Object.freeze({});

/** Builds a {@link TopicPartitions} from any iterable of (topic id, partition) pairs. */
export function fromPairs(pairs: Iterable<readonly [string, number]>): TopicPartitions {
  const byTopic = new Map<string, Set<number>>();
  for (const [t, p] of pairs) {
    let s = byTopic.get(t);
    if (!s) byTopic.set(t, (s = new Set()));
    s.add(p);
  }
  const out: Record<string, number[]> = {};
  for (const t of [...byTopic.keys()].sort()) out[t] = [...byTopic.get(t)!].sort((a, b) => a - b);
  return out;
}

/** Every (topic id, partition) pair of `tp`. */
export function* pairs(tp: TopicPartitions): Generator<[string, number]> {
  for (const [t, ps] of Object.entries(tp)) for (const p of ps) yield [t, p];
}

/** How many partitions `tp` holds. */
export function size(tp: TopicPartitions): number {
  let n = 0;
  for (const ps of Object.values(tp)) n += ps.length;
  return n;
}

/** Whether `a` and `b` hold the same partitions. */
export function samePartitions(a: TopicPartitions, b: TopicPartitions): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const t of ka) {
    const pa = a[t]!;
    const pb = b[t];
    if (!pb || pa.length !== pb.length || pa.some((p, i) => pb[i] !== p)) return false;
  }
  return true;
}

/** Whether `tp` holds `partition` of `topicId`. */
export function hasPartition(tp: TopicPartitions, topicId: string, partition: number): boolean {
  return tp[topicId]?.includes(partition) ?? false;
}
