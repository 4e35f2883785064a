/**
 * The gateway's Kafka side: one kafkajs producer, with the records of concurrent HTTP requests
 * gathered into one send per event-loop turn (what the Java producer's batching does for REST
 * Proxy). Each record gets its partition here, before sending (explicit partition_id, else
 * kafkajs's default partitioner: murmur2 of the key as the Java client, round robin without
 * one), so that its offset can be read from the answer: base offset of its partition plus its
 * position among that partition's records in the send. One failed partition fails the whole send.
 */
import kafkajs, { type Producer } from 'kafkajs';
import type { CompressionTypes } from 'kafkajs';

const { Partitioners } = kafkajs;

/** A record ready to send. */
export interface OutgoingRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly { readonly name: string; readonly value: Buffer | null }[];
  /** Explicit partition, or undefined to let the partitioner choose. */
  readonly partition: number | undefined;
  readonly timestamp: number;
}

/** Where a record landed. */
export interface RecordAck {
  readonly partition: number;
  /** -1 with acks=0 (no answer to read it from). */
  readonly offset: bigint;
  /** Broker's append time with LogAppendTime topics, else the record's timestamp (epoch ms). */
  readonly timestamp: number;
}

interface Queued {
  readonly record: OutgoingRecord;
  readonly partition: number;
  readonly resolve: (ack: RecordAck) => void;
  readonly reject: (err: unknown) => void;
}

/** Most records gathered into one send. */
const MAX_BATCH = 1000;

/** Sends records of many callers in shared batches, per topic. */
export class BatchingProducer {
  private readonly producer: Producer;
  private readonly acks: number;
  private readonly compression: CompressionTypes;
  private readonly queues = new Map<string, Queued[]>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private scheduled = false;

  constructor(producer: Producer, opts: { acks: number; compression: CompressionTypes }) {
    this.producer = producer;
    this.acks = opts.acks;
    this.compression = opts.compression;
  }

  /** Queues a record for `topic` (which has `partitions` partitions) and resolves when it is acknowledged. */
  send(topic: string, partitions: number, record: OutgoingRecord): Promise<RecordAck> {
    const partition =
      record.partition ??
      this.partitioner({
        topic,
        partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
          partitionId,
          leader: 0,
          replicas: [0],
          isr: [0],
          partitionErrorCode: 0,
        })),
        message: { key: record.key, value: record.value },
      });
    return new Promise((resolve, reject) => {
      let q = this.queues.get(topic);
      if (!q) this.queues.set(topic, (q = []));
      q.push({ record, partition, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    for (const [topic, queued] of this.queues) {
      this.queues.delete(topic);
      for (let i = 0; i < queued.length; i += MAX_BATCH) void this.sendBatch(topic, queued.slice(i, i + MAX_BATCH));
    }
  }

  private async sendBatch(topic: string, batch: Queued[]): Promise<void> {
    try {
      const answers = await this.producer.send({
        topic,
        acks: this.acks,
        compression: this.compression,
        messages: batch.map((q) => ({
          key: q.record.key,
          value: q.record.value,
          partition: q.partition,
          timestamp: String(q.record.timestamp),
          headers: kafkajsHeaders(q.record.headers),
        })),
      });
      const byPartition = new Map(answers.map((a) => [a.partition, a]));
      const seen = new Map<number, number>();
      for (const q of batch) {
        const index = seen.get(q.partition) ?? 0;
        seen.set(q.partition, index + 1);
        const a = byPartition.get(q.partition);
        const appendTime = a?.logAppendTime !== undefined ? Number(a.logAppendTime) : -1;
        q.resolve({
          partition: q.partition,
          offset: a?.baseOffset !== undefined && this.acks !== 0 ? BigInt(a.baseOffset) + BigInt(index) : -1n,
          timestamp: appendTime >= 0 ? appendTime : q.record.timestamp,
        });
      }
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  }
}

/** Headers as kafkajs takes them; a name given several times becomes an array (order kept). */
function kafkajsHeaders(headers: OutgoingRecord['headers']): Record<string, Buffer | Buffer[] | undefined> {
  const out: Record<string, Buffer | Buffer[] | undefined> = {};
  for (const h of headers) {
    const v = h.value ?? Buffer.alloc(0);
    const prev = out[h.name];
    out[h.name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
