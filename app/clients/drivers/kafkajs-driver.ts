/**
 * kafkajs 2.2.4 (installed): the producer and the group consumer. kafkajs has no consumer
 * without a group, so a seek runs in a throwaway group (seek on the first assignment), and it
 * ships only gzip: snappy, lz4 and zstd go through the codec plug-ins kconform registers
 * (app/load/kafkajs-codecs.ts, the project's own codecs).
 */
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { kafkajsClient } from '../../../harness/drivers/kafkajs-client.ts';
import { kafkajsCompression } from '../../load/kafkajs-codecs.ts';
import type {
  ClientDriver,
  ConsumeResult,
  ConsumeSpec,
  ConsumedRecord,
  GroupMember,
  MemberSpec,
  ProduceSpec,
  SendOutcome,
  TransactionOutcome,
  TransactSpec,
} from '../client-driver.ts';

const quiet = { write: () => true };

function client(bootstrap: string): Kafka {
  return kafkajsClient(bootstrap.split(','), 'kconform-matrix-kafkajs', {}, quiet);
}

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedRecord {
  const headers: [string, string | null][] = Object.entries(m.headers ?? {}).map(([k, v]) => [
    k,
    v === undefined ? null : Array.isArray(v) ? v.map(String).join(',') : v.toString('utf8'),
  ]);
  return {
    topic,
    partition,
    offset: Number(m.offset),
    key: m.key?.toString('utf8') ?? null,
    value: m.value?.toString('utf8') ?? null,
    headers,
  };
}

async function produce(spec: ProduceSpec): Promise<SendOutcome[]> {
  const producer = client(spec.bootstrap).producer({
    idempotent: spec.idempotent,
    maxInFlightRequests: spec.idempotent ? 1 : undefined,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const meta = await producer.send({
      topic: spec.topic,
      acks: spec.acks,
      compression: kafkajsCompression(spec.compression),
      timeout: spec.timeoutMs,
      messages: spec.records.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers ? Object.fromEntries(r.headers) : undefined,
      })),
    });
    // One batch per partition: the base offset of each, records in order after it.
    const base = new Map(meta.map((m) => [m.partition, Number(m.baseOffset ?? -1)]));
    const seen = new Map<number, number>();
    // kafkajs's default partitioner hashes keys; a single-partition topic (every produce cell) is partition 0.
    return spec.records.map((r) => {
      const partition = meta.length === 1 ? meta[0]!.partition : 0;
      const i = seen.get(partition) ?? 0;
      seen.set(partition, i + 1);
      const b = base.get(partition) ?? -1;
      return { key: r.key, value: r.value, partition, offset: b < 0 ? -1 : b + i };
    });
  } finally {
    await producer.disconnect();
  }
}

/** One transactional producer (idempotent, one request in flight, as kafkajs requires) runs the transactions in turn. */
async function transact(spec: TransactSpec): Promise<TransactionOutcome[]> {
  const producer = client(spec.bootstrap).producer({
    transactionalId: spec.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const out: TransactionOutcome[] = [];
  try {
    for (const t of spec.transactions) {
      const o: TransactionOutcome = { begun: false, sends: [], ended: false };
      out.push(o);
      try {
        const txn = await producer.transaction();
        o.begun = true;
        // one send per record: each answer names that record's offset
        for (const r of t.records) {
          const [meta] = await txn.send({
            topic: spec.topic,
            acks: -1,
            timeout: spec.timeoutMs,
            messages: [{ key: r.key, value: r.value, partition: r.partition }],
          });
          o.sends.push({ key: r.key, value: r.value, partition: meta!.partition, offset: Number(meta!.baseOffset) });
        }
        await (t.outcome === 'commit' ? txn.commit() : txn.abort());
        o.ended = true;
      } catch (err) {
        o.error = (err as Error).message;
        break;
      }
    }
  } finally {
    await producer.disconnect();
  }
  return out;
}

async function consume(spec: ConsumeSpec): Promise<ConsumeResult> {
  const groupId = spec.group ?? `kconform-kafkajs-seek-${Date.now()}`;
  const consumer = client(spec.bootstrap).consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    allowAutoTopicCreation: false,
  });
  const got: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [spec.pattern ? new RegExp(spec.pattern) : spec.topic], fromBeginning: true });
    let ready = !spec.seek;
    if (spec.seek) {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        consumer.seek({ topic: spec.topic, partition: spec.seek!.partition, offset: String(spec.seek!.offset) });
        ready = true;
      });
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${got.length}/${spec.count} records within ${spec.timeoutMs} ms`)),
        spec.timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            if (!ready || got.length >= spec.count) return;
            if (spec.seek && (partition !== spec.seek.partition || Number(message.offset) < spec.seek.offset)) return;
            got.push(toConsumed(topic, partition, message));
            if (got.length >= spec.count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    if (spec.commit) await commitReturned(consumer, spec.topic, got);
  } finally {
    await consumer.disconnect();
  }
  return { records: got };
}

async function commitReturned(consumer: Consumer, topic: string, got: readonly ConsumedRecord[]): Promise<void> {
  const next = new Map<number, number>();
  for (const r of got) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));
  await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset: String(offset) })));
}

async function listTopics(bootstrap: string): Promise<string[]> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

async function joinGroup(spec: MemberSpec): Promise<GroupMember> {
  const consumer = client(spec.bootstrap).consumer({
    groupId: spec.group,
    sessionTimeout: 10_000,
    heartbeatInterval: 300,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 100,
  });
  let owned: number[] | undefined;
  consumer.on(
    consumer.events.GROUP_JOIN,
    (e) => (owned = [...(e.payload.memberAssignment[spec.topic] ?? [])].sort((a, b) => a - b)),
  );
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  return { assignment: () => owned, close: () => consumer.disconnect() };
}

/** The kafkajs driver. */
export const kafkajsDriver: ClientDriver = {
  id: 'kafkajs',
  label: 'kafkajs 2.2.4',
  prepare: async () => {},
  produce,
  consume,
  joinGroup,
  listTopics,
  transact,
  notes: {
    transactions: 'producer({ transactionalId, idempotent, maxInFlightRequests: 1 }).transaction()',
    'list-topics': 'admin.listTopics()',
    'regex-subscribe': 'subscribe({ topics: [RegExp] })',
    snappy: 'codec plug-in (kafkajs ships gzip only)',
    lz4: 'codec plug-in (kafkajs ships gzip only)',
    zstd: 'codec plug-in (kafkajs ships gzip only)',
    seek: 'in a throwaway group (kafkajs has no group-less consumer)',
  },
};
