/**
 * Waiting for cluster state where a test reads it: after a test changes a cluster (creates a
 * topic, kills or restarts a node) every node learns of it on its own schedule, so a test that
 * reads the state right away can read a node that does not know yet. These poll until the state
 * is visible, and fail with the last views seen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { tryClusterMetadata, type PartitionView } from '../../harness/kafka-dist/cluster-metadata.ts';
import type { TargetNode } from '../../harness/nemesis/fault-control.ts';

/** Options of {@link waitForPartitionEverywhere}. */
export interface WaitForPartitionOptions {
  partition?: number;
  /** Default 30 s. */
  timeoutMs?: number;
}

/**
 * Polls every node in `nodes` until each one's Metadata describes `topic`-`partition` with the
 * same leader and leader epoch, and `check` holds for it; returns that view. Nodes a test has
 * killed must be left out of `nodes`.
 *
 * @throws naming `what` and every node's last answer when that does not happen in time
 */
export async function waitForPartitionEverywhere(
  nodes: readonly TargetNode[],
  topic: string,
  what: string,
  check: (p: PartitionView) => boolean,
  opts: WaitForPartitionOptions = {},
): Promise<PartitionView> {
  const partition = opts.partition ?? 0;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last: (PartitionView | undefined)[] = [];
  for (;;) {
    const views = await Promise.all(
      nodes.map((n) => tryClusterMetadata(n.bootstrap, { topics: [topic], timeoutMs: 2_000 })),
    );
    last = views.map((v) => v?.topics.get(topic)?.partitions.find((p) => p.partition === partition));
    const first = last[0];
    if (
      first &&
      last.every((p) => p && p.leaderId === first.leaderId && p.leaderEpoch === first.leaderEpoch && check(p))
    )
      return first;
    if (Date.now() >= deadline) break;
    await sleep(200);
  }
  const seen = nodes.map((n, i) => `node ${n.id}: ${JSON.stringify(last[i] ?? 'does not know it')}`).join('; ');
  throw new Error(`${topic}-${partition}: ${what} not seen on every node within ${timeoutMs} ms (${seen})`);
}
