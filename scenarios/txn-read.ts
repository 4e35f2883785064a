import type { Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { fetchBody } from '../harness/drivers/request-bodies.ts';
import { POLL, type Isolation, type RecordRef } from '../harness/history/ops.ts';
import type { RawClient } from '../protocol/client/raw-client.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';
import { ControlRecordType, decodeControlRecord } from '../protocol/records/control-record.ts';
import { decodeRecordBatches, isControlBatch, isTransactional } from '../protocol/records/record-batch.ts';
import { recordEndOffsets } from './plan-ops.ts';
import { LATEST, listOffsetRouted, RAW_VERSIONS } from './raw-reads.ts';
import { retrying } from './topic-setup.ts';
import { LeaderRouter } from './leader-router.ts';
import type { TargetNode } from '../harness/nemesis/fault-control.ts';

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

/**
 * A consumer that reads a topic's partitions at one isolation level over the raw protocol, doing
 * what Kafka's Java consumer does with a read_committed Fetch (CompletedFetch): the broker answers
 * up to the last stable offset with the aborted transactions in range; a transactional batch of
 * a producer whose aborted transaction has begun (first offset ≤ the batch's last offset) is
 * dropped until that producer's abort marker. Control batches are never returned.
 *
 * Why not kafkajs: kafkajs 2.2.4 drops aborted records itself (filterAbortedMessages) and starts
 * at most one aborted transaction per record it looks at, so with several aborted transactions in
 * one answer it hands aborted records to a read_committed consumer (seen on kafka@4.4.0, see
 * docs/transactions-checkers.md). The transactional checkers judge the broker, so the readers
 * here follow the Java client.
 */
export class IsolatedReader {
  private readonly position: number[];
  private readonly router: LeaderRouter;
  private readonly topic: string;
  private readonly isolation: Isolation;

  private constructor(router: LeaderRouter, topic: string, isolation: Isolation, partitions: number) {
    this.router = router;
    this.topic = topic;
    this.isolation = isolation;
    this.position = new Array<number>(partitions).fill(0);
  }

  /**
   * A reader of `topic` on the target's `nodes`: on one node every Fetch goes there; on a cluster
   * each partition's Fetch goes to its leader (LeaderRouter), as a Java consumer's would.
   */
  static async open(
    nodes: readonly TargetNode[],
    topic: string,
    partitions: number,
    isolation: Isolation,
    clientId: string,
  ) {
    const router = new LeaderRouter(nodes, clientId);
    if (router.single) await retrying(`${clientId}: connecting`, () => router.connection('fetch', router.bootstrap));
    return new IsolatedReader(router, topic, isolation, partitions);
  }

  /** Where the next fetch of each partition starts (after every batch fetched, markers and aborted ones too). */
  positions(): readonly number[] {
    return this.position;
  }

  /** Moves the next fetch of `partition` to `offset` (a consumer's seek). */
  seek(partition: number, offset: number): void {
    this.position[partition] = offset;
  }

  /** One Fetch of every partition from its position; each partition's answer is recorded as one poll of `process`. */
  async poll(history: HistoryRecorder, process: string, extra: object = {}): Promise<void> {
    for (const { partition, records } of await this.fetch())
      history
        .invoke(process, POLL, { topic: this.topic, partition, isolation: this.isolation, ...extra })
        .ok({ records });
  }

  /**
   * One Fetch of every partition from its position (one request on a single node, one per
   * partition to its leader on a cluster), filtered as the Java consumer does; moves the
   * positions past what was fetched and answers the partitions that returned records or moved.
   */
  async fetch(): Promise<{ partition: number; records: RecordRef[] }[]> {
    const partitions = this.position.map((_, p) => p);
    const answers = this.router.single
      ? ((await this.request(partitions, await this.router.connection('fetch', this.router.bootstrap))) ?? [])
      : (
          await Promise.all(
            partitions.map((p) =>
              this.router
                .call(
                  'fetch',
                  this.topic,
                  p,
                  (raw) => this.request([p], raw),
                  (a) => a[0]?.errorCode ?? 0,
                )
                // A partition whose leader cannot be reached now is fetched again at the next poll.
                .catch(() => []),
            ),
          )
        ).flat();
    const out: { partition: number; records: RecordRef[] }[] = [];
    for (const p of answers) {
      if (p.errorCode !== 0) continue;
      const got = this.decode(p);
      if (got) out.push(got);
    }
    return out;
  }

  private async request(partitions: number[], raw: RawClient) {
    const body = fetchBody(this.topic, 0n, { maxWaitMs: 100 });
    body.isolationLevel = this.isolation === 'read_committed' ? 1 : 0;
    const template = body.topics[0]!.partitions[0]!;
    body.topics[0]!.partitions = partitions.map((partition) => ({
      ...template,
      partition,
      fetchOffset: BigInt(this.position[partition]!),
    }));
    const res = await raw.send(ApiKey.Fetch, body, { versions: RAW_VERSIONS.fetch, timeoutMs: 15_000 });
    return res.responses[0]?.partitions ?? [];
  }

  private decode(p: FetchPartitionAnswer): { partition: number; records: RecordRef[] } | null {
    const start = this.position[p.partitionIndex]!;
    const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset));
    const abortedProducers = new Set<number>();
    const records: RecordRef[] = [];
    let next = start;
    for (const batch of decodeRecordBatches(p.records ?? Buffer.alloc(0), { allowPartialTrailing: true })) {
      const last = batch.baseOffset + batch.lastOffsetDelta;
      next = Math.max(next, last + 1);
      if (this.isolation === 'read_committed' && isTransactional(batch.attributes)) {
        while (aborted.length > 0 && Number(aborted[0]!.firstOffset) <= last)
          abortedProducers.add(Number(aborted.shift()!.producerId));
        if (isControlBatch(batch.attributes)) {
          const marker = batch.records[0] && decodeControlRecord(batch.records[0]);
          if (marker?.type === ControlRecordType.abort) abortedProducers.delete(batch.producerId);
          continue;
        }
        if (abortedProducers.has(batch.producerId)) continue;
      }
      if (isControlBatch(batch.attributes)) continue;
      for (const r of batch.records) {
        const offset = batch.baseOffset + r.offsetDelta;
        if (offset < start) continue;
        records.push({
          topic: this.topic,
          partition: p.partitionIndex,
          offset,
          key: text(r.key),
          value: text(r.value),
        });
      }
    }
    this.position[p.partitionIndex] = next;
    if (records.length === 0 && next === start) return null;
    return { partition: p.partitionIndex, records };
  }

  close(): void {
    this.router.closeAll();
  }
}

type FetchPartitionAnswer = Awaited<ReturnType<IsolatedReader['request']>>[number];

/**
 * Reads the whole topic from the beginning at `isolation` (as the final read and its replay do):
 * takes the end offsets first (the reader's `end-offsets` op), then fetches until every partition's
 * position reaches them.
 */
export async function readAtIsolation(
  nodes: readonly TargetNode[],
  endOffsets: () => Promise<Map<number, number>>,
  topic: string,
  partitions: number,
  process: string,
  isolation: Isolation,
  history: HistoryRecorder,
  timeoutMs = 60_000,
): Promise<void> {
  const ends = await recordEndOffsets(history, process, topic, () =>
    retrying(`${process}: the end offsets of ${topic}`, endOffsets),
  );
  const reader = await IsolatedReader.open(nodes, topic, partitions, isolation, `kconform-${process}`);
  try {
    const deadline = Date.now() + timeoutMs;
    const done = () => [...ends].every(([p, end]) => (reader.positions()[p] ?? 0) >= end);
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(`${process}: did not reach the end of ${topic} within ${timeoutMs} ms`);
      await reader.poll(history, process, { from: 'beginning' });
    }
  } finally {
    reader.close();
  }
}

/**
 * The topic's end offsets per partition: the high watermark, asked of each partition's leader at
 * read_uncommitted. Not kafkajs' `fetchTopicOffsets`: it lists at read_committed, so it answers the
 * last stable offset, which stops short of a committed transaction whose markers are still being
 * written (transaction version 1 answers EndTxn before it writes them), and a final read that ends
 * there misses records whose commit was acknowledged.
 */
export function endOffsets(
  kafka: Kafka,
  nodes: readonly TargetNode[],
  topic: string,
): () => Promise<Map<number, number>> {
  return async () => {
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number[];
    try {
      partitions = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition);
    } finally {
      await admin.disconnect();
    }
    const router = new LeaderRouter(nodes, 'kconform-end-offsets');
    try {
      const answers = await Promise.all(
        partitions.map(async (p) => [p, await listOffsetRouted(router, 'end-offsets', topic, p, LATEST)] as const),
      );
      const failed = answers.find(([, a]) => a.errorCode !== 0);
      if (failed) throw new Error(`ListOffsets of ${topic}-${failed[0]} answered error ${failed[1].errorCode}`);
      return new Map(answers.map(([p, a]) => [p, a.offset]));
    } finally {
      router.closeAll();
    }
  };
}
