/**
 * The matrix's neutral side: creating topics, writing the records a consumer feature reads, and
 * reading back what a producer feature wrote — done with kconform's own codec over the raw
 * protocol (and kafkajs's admin for topics and committed offsets), never with the client under
 * test, so a cell judges one client only. Reads go to each partition's leader and keep what
 * the stored batches say (codec, producer id, headers), which the client's own view hides.
 */
import type { TargetNode } from '../../harness/nemesis/fault-control.ts';
import { assertTopicsEverywhere } from '../../scenarios/topic-setup.ts';
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import type { Kafka } from 'kafkajs';
import { RawClient } from '../../protocol/client/raw-client.ts';
import type { CompressionName } from '../../protocol/records/batch-header.ts';
import { compressionOf, decodeRecordBatches, isControlBatch } from '../../protocol/records/record-batch.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { fetchBody, listOffsetsBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { fetchClusterMetadata } from '../../harness/kafka-dist/cluster-metadata.ts';
import type { RecordToSend } from './client-driver.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** The versions these requests are built for (those that name topics; as scenarios/raw-reads.ts), negotiated per target. */
const V = { produce: { min: 3, max: 9 }, fetch: { min: 4, max: 12 }, listOffsets: { min: 1, max: 9 } } as const;

/** A record as stored, with what its batch says. */
export interface StoredRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  compression: CompressionName;
  /** -1: not written by an idempotent producer. */
  producerId: number;
}

/** The neutral side of a target. */
export class NeutralIO {
  readonly bootstrap: string;
  /** Replication factor for the matrix's topics: min(3, nodes). */
  readonly replicationFactor: number;
  private readonly kafka: Kafka;
  /** The bootstrap list as nodes (ids are positions: only for messages). */
  readonly nodes: readonly TargetNode[];

  constructor(bootstrap: string, nodes: number) {
    this.bootstrap = bootstrap;
    this.nodes = bootstrap.split(',').map((b, i) => ({ id: i + 1, bootstrap: b }));
    this.replicationFactor = Math.min(3, nodes);
    this.kafka = kafkajsClient(bootstrap.split(','), 'kconform-matrix-neutral', {}, { write: () => true });
  }

  /**
   * Creates `topic` and waits until every partition's leader answers ListOffsets and every node
   * of the bootstrap list knows the topic: a client under test may ask any node (the all-topics
   * listing of list-topics missed a topic a node had not learnt yet).
   */
  async createTopic(topic: string, partitions: number): Promise<void> {
    await createTopicsWithLeaders(this.kafka, [
      { topic, numPartitions: partitions, replicationFactor: this.replicationFactor },
    ]);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const missing: number[] = [];
      for (let p = 0; p < partitions; p++) {
        const end = await this.endOffset(topic, p).catch(() => undefined);
        if (end === undefined) missing.push(p);
      }
      const unknownTo =
        missing.length === 0
          ? await assertTopicsEverywhere(this.nodes, [topic]).then(
              () => undefined,
              (err: Error) => err.message,
            )
          : undefined;
      if (missing.length === 0 && unknownTo === undefined) return;
      if (Date.now() > deadline)
        throw new Error(
          missing.length
            ? `${topic}: partitions ${missing.join(', ')} have no serving leader after 30 s`
            : `${topic}: ${unknownTo} after 30 s`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The `host:port` of the leader of each partition of `topic`. */
  private async leaders(topic: string): Promise<Map<number, string>> {
    let lastError: unknown;
    for (const node of this.bootstrap.split(',')) {
      try {
        const view = await fetchClusterMetadata(node, { topics: [topic] });
        const t = view.topics.get(topic);
        if (t?.errorCode !== 0) throw new Error(`Metadata for ${topic} answered error ${t?.errorCode}`);
        const out = new Map<number, string>();
        for (const p of t.partitions) {
          const b = view.brokers.find((x) => x.nodeId === p.leaderId);
          if (b) out.set(p.partition, `${b.host}:${b.port}`);
        }
        return out;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  private async onLeader<T>(topic: string, partition: number, use: (raw: RawClient) => Promise<T>): Promise<T> {
    const leader = (await this.leaders(topic)).get(partition);
    if (!leader) throw new Error(`${topic}/${partition} has no leader`);
    const raw = await RawClient.connect(leader, 'kconform-matrix-neutral');
    try {
      return await use(raw);
    } finally {
      raw.close();
    }
  }

  /** The high watermark of one partition, asked of its leader. */
  async endOffset(topic: string, partition: number): Promise<number> {
    return this.onLeader(topic, partition, async (raw) => {
      const res = await raw.send(ApiKey.ListOffsets, listOffsetsBody(topic, -1n, partition), {
        versions: V.listOffsets,
      });
      const p = res.topics[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw new Error(`ListOffsets of ${topic}/${partition} answered error ${p.errorCode}`);
      return Number(p.offset);
    });
  }

  /** Writes `records` to `partition` as one plain batch with acks=all; returns the base offset. */
  async write(topic: string, partition: number, records: readonly RecordToSend[]): Promise<number> {
    return this.onLeader(topic, partition, async (raw) => {
      const batch = buildRecordBatch(
        records.map((r) => ({
          key: r.key,
          value: r.value,
          headers: r.headers?.map(([key, value]) => ({ key, value })),
        })),
      );
      const res = await raw.send(
        ApiKey.Produce,
        produceBody(topic, batch, { acks: -1, partition, timeoutMs: 15_000 }),
        { versions: V.produce },
      );
      const p = res.responses[0]!.partitionResponses[0]!;
      if (p.errorCode !== 0) throw new Error(`neutral Produce to ${topic}/${partition} answered error ${p.errorCode}`);
      return Number(p.baseOffset);
    });
  }

  /**
   * Every record of `partition` below its high watermark, as its leader stores it. With
   * `atLeast`, first waits (up to `timeoutMs`) for the high watermark to reach that many records:
   * after acks=0 or acks=1 the followers may not have the records yet, and consumers see only
   * what is below the high watermark (in Kafka as in the reference broker).
   */
  async readAll(
    topic: string,
    partition: number,
    opts: { atLeast?: number; timeoutMs?: number } = {},
  ): Promise<StoredRecord[]> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const waitUntil = Date.now() + Math.min(timeoutMs, 10_000);
    let end = await this.endOffset(topic, partition);
    while (end < (opts.atLeast ?? 0) && Date.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 50));
      end = await this.endOffset(topic, partition);
    }
    const out: StoredRecord[] = [];
    if (end === 0) return out;
    return this.onLeader(topic, partition, async (raw) => {
      const deadline = Date.now() + timeoutMs;
      let position = 0;
      while (position < end) {
        if (Date.now() > deadline)
          throw new Error(`neutral read of ${topic}/${partition} reached offset ${position} of ${end} only`);
        const res = await raw.send(ApiKey.Fetch, fetchBody(topic, BigInt(position), { partition, maxWaitMs: 100 }), {
          versions: V.fetch,
        });
        const p = res.responses[0]?.partitions[0];
        if (p?.errorCode !== 0)
          throw new Error(`neutral Fetch of ${topic}/${partition} at ${position} answered error ${p?.errorCode}`);
        for (const batch of decodeRecordBatches(p.records ?? Buffer.alloc(0), { allowPartialTrailing: true })) {
          if (isControlBatch(batch.attributes)) {
            position = Math.max(position, batch.baseOffset + batch.lastOffsetDelta + 1);
            continue;
          }
          for (const r of batch.records) {
            const offset = batch.baseOffset + r.offsetDelta;
            if (offset < position || offset >= end) continue;
            out.push({
              topic,
              partition,
              offset,
              key: r.key?.toString('utf8') ?? null,
              value: r.value?.toString('utf8') ?? null,
              headers: r.headers.map((h) => [h.key, h.value?.toString('utf8') ?? null]),
              compression: compressionOf(batch.attributes),
              producerId: batch.producerId,
            });
          }
          position = Math.max(position, batch.baseOffset + batch.lastOffsetDelta + 1);
        }
      }
      return out;
    });
  }

  /** The committed offset of `group` on `topic`/`partition` (-1: none). */
  async committed(group: string, topic: string, partition: number): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return Number(t?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
    } finally {
      await admin.disconnect();
    }
  }
}
