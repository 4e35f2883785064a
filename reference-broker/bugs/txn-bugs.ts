import type { BugSwitch } from './known-bugs.ts';

/**
 * The transactional known bugs (issue 15), each a decision the transaction code asks here so the
 * correct path stays readable where it is. Every function answers the correct behaviour when its
 * bug is off or does not strike.
 */

/** expose-aborted: a read_committed Fetch answer leaves out its aborted_transactions, so clients keep aborted records. */
export function servedAbortedTransactions<T>(bugs: BugSwitch, aborted: T[]): T[] {
  if (aborted.length === 0 || !bugs.has('expose-aborted')) return aborted;
  return bugs.strikes('expose-aborted') ? [] : aborted;
}

/** lso-ahead: read_committed reads run to the high watermark, past the first offset of an open transaction. */
export function readCommittedEnd(bugs: BugSwitch, lastStableOffset: number, highWatermark: number): number {
  if (lastStableOffset >= highWatermark || !bugs.has('lso-ahead')) return lastStableOffset;
  return bugs.strikes('lso-ahead') ? highWatermark : lastStableOffset;
}

/**
 * no-fence: a partition leader appends a transactional batch of an epoch older than the one it
 * knows for the producer (skipping the epoch check and the coordinator's verification), so a
 * fenced zombie's writes join whatever the producer id's next marker there ends.
 */
export function acceptsFencedEpoch(bugs: BugSwitch, knownEpoch: number | undefined, batchEpoch: number): boolean {
  if (knownEpoch === undefined || batchEpoch >= knownEpoch || !bugs.has('no-fence')) return false;
  return bugs.strikes('no-fence');
}

/**
 * drop-marker: a partition leader acknowledges a commit marker without appending it; its producer
 * state closes the transaction as a leader rebuilding it without the marker would, as aborted.
 */
export function dropsCommitMarker(bugs: BugSwitch, commit: boolean): boolean {
  if (!commit || !bugs.has('drop-marker')) return false;
  return bugs.strikes('drop-marker');
}

/**
 * commit-partial: the coordinator commits a transaction of several partitions in its first
 * partition only and writes abort markers to the others. Answers each partition's marker type.
 */
export function markerOutcomes(bugs: BugSwitch, commit: boolean, partitions: number): boolean[] {
  const all = Array.from({ length: partitions }, () => commit);
  if (!commit || partitions < 2 || !bugs.has('commit-partial') || !bugs.strikes('commit-partial')) return all;
  return all.map((_, i) => i === 0);
}

/**
 * txn-offsets-early: the group coordinator applies a TxnOffsetCommit's offsets as soon as it
 * accepts them (as a plain OffsetCommit would) instead of when the transaction's commit marker
 * reaches __consumer_offsets, so an abort no longer takes them back.
 */
export function commitsTxnOffsetsEarly(bugs: BugSwitch): boolean {
  if (!bugs.has('txn-offsets-early')) return false;
  return bugs.strikes('txn-offsets-early');
}
