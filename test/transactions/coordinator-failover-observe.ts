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
import { createTopicBody, fetchBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import type { TargetNode } from '../../harness/nemesis/fault-control.ts';
import { describePartition } from '../../harness/nemesis/node-roles.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import { javaStringHash } from '../../reference-broker/topics/internal-topic-coordinator.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The errors Kafka's transactional producer retries after finding the coordinator again. */
export const RETRIABLE = new Map<number, string>([
  [15, 'COORDINATOR_NOT_AVAILABLE'],
  [16, 'NOT_COORDINATOR'],
  [14, 'COORDINATOR_LOAD_IN_PROGRESS'],
  [51, 'CONCURRENT_TRANSACTIONS'],
]);

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

/** A request to the current coordinator of `txnId`, retried as a Java producer would; the retriable errors met on the way. */
async function toCoordinator<T extends { errorCode: number }>(
  nodes: readonly TargetNode[],
  txnId: string,
  send: (c: RawClient) => Promise<T>,
  limitMs = 60_000,
): Promise<{ answer: T; retried: string[]; coordinator: number }> {
  const retried = new Set<string>();
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${txnId}: no answer but ${[...retried].join(', ')} for ${limitMs} ms`);
    let c: RawClient | undefined;
    try {
      let coordinator: { nodeId: number; host: string; port: number } | undefined;
      for (const n of nodes) {
        try {
          const any = await RawClient.connect(n.bootstrap, 'kconform-failover', 1_000);
          try {
            const r = await any.request(
              ApiKey.FindCoordinator,
              4,
              { key: '', keyType: 1, coordinatorKeys: [txnId] },
              3_000,
            );
            const k = r.coordinators[0]!;
            if (k.errorCode === 0) coordinator = k;
            else retried.add(RETRIABLE.get(k.errorCode) ?? `FindCoordinator error ${k.errorCode}`);
          } finally {
            any.close();
          }
          break;
        } catch {
          // that node is down: ask the next
        }
      }
      if (!coordinator) {
        await sleep(100);
        continue;
      }
      c = await RawClient.connect(`${coordinator.host}:${coordinator.port}`, 'kconform-failover', 1_000);
      const answer = await send(c);
      if (!RETRIABLE.has(answer.errorCode)) return { answer, retried: [...retried], coordinator: coordinator.nodeId };
      retried.add(RETRIABLE.get(answer.errorCode)!);
    } catch {
      retried.add('connection failed');
    } finally {
      c?.close();
    }
    await sleep(100);
  }
}

/** One transactional producer speaking version 2 over raw requests. */
class Producer {
  pid = -1n;
  epoch = -1;
  firstEpoch = -1;
  readonly nodes: readonly TargetNode[];
  readonly txnId: string;
  constructor(nodes: readonly TargetNode[], txnId: string) {
    this.nodes = nodes;
    this.txnId = txnId;
  }

  async init() {
    const r = await toCoordinator(this.nodes, this.txnId, (c) =>
      c.request(ApiKey.InitProducerId, 5, {
        transactionalId: this.txnId,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      }),
    );
    this.pid = r.answer.producerId;
    this.epoch = r.answer.producerEpoch;
    if (this.firstEpoch < 0) this.firstEpoch = this.epoch;
    return r;
  }

  /** Produce v12 of one record to `partition` of `topic` at its leader (the partition is added implicitly). */
  async produce(topic: string, partition: number, value: string, seq: number): Promise<number> {
    const leader = (await describePartition(this.nodes, topic, partition))!.leaderId;
    const c = await RawClient.connect(this.nodes.find((n) => n.id === leader)!.bootstrap);
    try {
      const batch = buildRecordBatch([{ value }], {
        producerId: Number(this.pid),
        producerEpoch: this.epoch,
        baseSequence: seq,
        transactional: true,
      });
      const r = await c.request(ApiKey.Produce, 12, {
        ...produceBody(topic, batch, { partition }),
        transactionalId: this.txnId,
      });
      return r.responses[0]!.partitionResponses[0]!.errorCode;
    } finally {
      c.close();
    }
  }

  async end(commit: boolean, epoch = this.epoch) {
    return toCoordinator(this.nodes, this.txnId, (c) =>
      c.request(ApiKey.EndTxn, 5, {
        transactionalId: this.txnId,
        producerId: this.pid,
        producerEpoch: epoch,
        committed: commit,
      }),
    );
  }

  /** DescribeTransactions at the current coordinator until `done` holds for the state; every state seen. */
  async states(done: (state: string) => boolean): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const { answer } = await toCoordinator(this.nodes, this.txnId, async (c) => {
        const r = await c.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [this.txnId] });
        return r.transactionStates[0]!;
      });
      if (seen.at(-1) !== answer.transactionState) seen.push(answer.transactionState);
      if (done(answer.transactionState)) return seen;
      await sleep(100);
    }
    throw new Error(`${this.txnId}: states ${seen.join(' → ')}`);
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
