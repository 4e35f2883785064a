/**
 * Transaction coordinator failover (issue 15), one raw request sequence on a 3-node cluster of any
 * target: four transactional ids whose state lives in the same `__transaction_state` partition
 * (Java's String.hashCode, as Kafka's `partitionFor`) each write one record to every partition of a
 * replicated topic with transaction version 2 (InitProducerId v5, Produce v12 adding partitions
 * implicitly, EndTxn v5), as a Java 4.x producer does. Then:
 * - `a` commits, and the coordinator is killed (kill -9) the moment EndTxn is acknowledged, before
 *   its markers are (likely) all written;
 * - after the kill, through whichever node coordinates now, `b` commits and `d` aborts their open
 *   transactions, and a new producer of `c` calls InitProducerId (fencing and aborting c's open
 *   transaction), after which the old producer of `c` tries to commit.
 * A client retries what Kafka's producer retries (connection failures, COORDINATOR_NOT_AVAILABLE,
 * NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS), re-finding the
 * coordinator each time; the observation keeps which of those it met and the final answer.
 * Finally read_committed and read_uncommitted Fetches of every partition from its current leader.
 */
import { createTopicBody, fetchBody } from '../../harness/drivers/request-bodies.ts';
import type { TargetNode } from '../../harness/nemesis/fault-control.ts';
import { describePartition } from '../../harness/nemesis/node-roles.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import { javaStringHash } from '../../reference-broker/topics/internal-topic-coordinator.ts';
import { sleep, TxnProducer as Producer } from './raw-txn-producer.ts';

export { RETRIABLE } from './raw-txn-producer.ts';

/** What a cluster offers the sequence: its nodes, and killing one. */
export interface FailoverCluster {
  nodes: readonly TargetNode[];
  kill(nodeId: number): Promise<void>;
}

/** Transactional ids (with `prefix`) whose state partition, of `partitions`, is the same: `count` of them. */
export function idsOnOnePartition(prefix: string, partitions: number, count: number): string[] {
  const byPartition = new Map<number, string[]>();
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    const p = Math.abs(javaStringHash(id)) % partitions;
    const ids = [...(byPartition.get(p) ?? []), id];
    if (ids.length === count) return ids;
    byPartition.set(p, ids);
  }
}

/** What one partition's Fetch from offset 0 shows, control batches as `COMMIT`/`ABORT`. */
async function readPartition(nodes: readonly TargetNode[], topic: string, partition: number, committed: boolean) {
  for (let i = 0; ; i++) {
    const leader = (await describePartition(nodes, topic, partition))?.leaderId;
    const node = nodes.find((n) => n.id === leader);
    try {
      const c = await RawClient.connect(node!.bootstrap);
      try {
        const r = await c.request(ApiKey.Fetch, 12, {
          ...fetchBody(topic, 0n, { partition }),
          isolationLevel: committed ? 1 : 0,
        });
        const p = r.responses[0]!.partitions[0]!;
        if (p.errorCode !== 0) throw new Error(`Fetch error ${p.errorCode}`);
        const aborted = new Set((p.abortedTransactions ?? []).map((a) => `${a.producerId}@${a.firstOffset}`));
        const values: string[] = [];
        for (const b of decodeRecordBatches(p.records ?? Buffer.alloc(0))) {
          if (b.attributes & 0x20) continue;
          // read_committed: a batch of an aborted transaction is dropped, as the Java consumer does
          if (committed && aborted.has(`${b.producerId}@${b.baseOffset}`)) continue;
          values.push(...b.records.map((x) => x.value?.toString() ?? 'null'));
        }
        return values.sort();
      } finally {
        c.close();
      }
    } catch (err) {
      if (i > 100) throw err;
      await sleep(200);
    }
  }
}

/** Runs the sequence on `cluster`; `topic` must not exist. Returns what a client observes. */
export async function observeCoordinatorFailover(
  cluster: FailoverCluster,
  topic: string,
): Promise<Record<string, unknown>> {
  const { nodes } = cluster;
  const seen: Record<string, unknown> = {};
  const admin = await RawClient.connect(nodes[0]!.bootstrap);
  try {
    const created = await admin.request(
      ApiKey.CreateTopics,
      7,
      createTopicBody(topic, { partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }),
    );
    seen.created = created.topics[0]!.errorCode;
  } finally {
    admin.close();
  }
  for (let p = 0; p < 3; p++) while (!(await describePartition(nodes, topic, p))) await sleep(100);

  const [a, b, c, d] = idsOnOnePartition(`${topic}-tid`, nodes.length, 4).map((id) => new Producer(nodes, id));
  const producers = [a!, b!, c!, d!];
  const coordinators = new Set<number>();
  for (const p of producers) coordinators.add((await p.init()).coordinator);
  seen.oneCoordinator = coordinators.size;
  const coordinator = [...coordinators][0]!;
  for (const [i, p] of producers.entries())
    for (let partition = 0; partition < 3; partition++)
      seen[`produce-${'abcd'[i]}${partition}`] = await p.produce(topic, partition, `${'abcd'[i]}${partition}`, 0);
  // ---- a commits; the coordinator dies as soon as it answered ----
  const commitA = await a!.end(true);
  await cluster.kill(coordinator);
  seen.commitA = { errorCode: commitA.answer.errorCode, epoch: commitA.answer.producerEpoch - a!.firstEpoch };

  // ---- through the new coordinator ----
  const [statesA, commitB, abortD, fenceC] = await Promise.all([
    a!.states((s) => s === 'CompleteCommit'),
    b!.end(true),
    d!.end(false),
    (async () => {
      // a new producer of c's id (the client restarted): InitProducerId fences and aborts c's open transaction
      const zombie = { pid: c!.pid, epoch: c!.epoch };
      const init = await c!.init();
      const samePid = init.answer.producerId === zombie.pid;
      // then the old producer, which knows nothing of it, commits
      const old = new Producer(nodes, c!.txnId);
      old.pid = zombie.pid;
      const late = await old.end(true, zombie.epoch);
      return { init, samePid, late };
    })(),
  ]);
  // retries met are timing: kept for the report, checked against the retriable set only
  seen.retried = {
    b: commitB.retried,
    d: abortD.retried,
    cInit: fenceC.init.retried,
  };
  seen.newCoordinator = commitB.coordinator !== coordinator;
  seen.statesAAfterKill = statesA;
  seen.commitB = { errorCode: commitB.answer.errorCode, epoch: commitB.answer.producerEpoch - b!.firstEpoch };
  seen.abortD = { errorCode: abortD.answer.errorCode, epoch: abortD.answer.producerEpoch - d!.firstEpoch };
  seen.initC = {
    errorCode: fenceC.init.answer.errorCode,
    samePid: fenceC.samePid,
    epoch: fenceC.init.answer.producerEpoch - c!.firstEpoch,
  };
  seen.lateCommitC = fenceC.late.answer.errorCode;
  seen.finalStates = Object.fromEntries(
    await Promise.all(
      producers.map(
        async (p, i) => ['abcd'[i], (await p.states((s) => s.startsWith('Complete') || s === 'Empty')).at(-1)] as const,
      ),
    ),
  );
  seen.readCommitted = await Promise.all([0, 1, 2].map((p) => readPartition(nodes, topic, p, true)));
  seen.readUncommitted = await Promise.all([0, 1, 2].map((p) => readPartition(nodes, topic, p, false)));
  return seen;
}
