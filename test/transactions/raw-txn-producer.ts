/**
 * A transactional producer over raw requests, speaking transaction version 2 as a Java 4.x
 * producer does (InitProducerId v5, Produce v12 adding partitions implicitly, EndTxn v5), that
 * sends each coordinator request to whichever node coordinates the id now and retries what
 * Kafka's producer retries, keeping which retriable errors it met. Used by the coordinator
 * failover and transactional id expiration suites on both targets.
 */
import { produceBody } from '../../harness/drivers/request-bodies.ts';
import type { TargetNode } from '../../harness/nemesis/fault-control.ts';
import { describePartition } from '../../harness/nemesis/node-roles.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The errors Kafka's transactional producer retries after finding the coordinator again. */
export const RETRIABLE = new Map<number, string>([
  [15, 'COORDINATOR_NOT_AVAILABLE'],
  [16, 'NOT_COORDINATOR'],
  [14, 'COORDINATOR_LOAD_IN_PROGRESS'],
  [51, 'CONCURRENT_TRANSACTIONS'],
]);

/** A request to the current coordinator of `txnId`, retried as a Java producer would; the retriable errors met on the way. */
export async function toCoordinator<T extends { errorCode: number }>(
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

/** One transactional producer (one transactional id) speaking version 2 over raw requests. */
export class TxnProducer {
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
    const c = await RawClient.connect((this.nodes.find((n) => n.id === leader) ?? this.nodes[0]!).bootstrap);
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
