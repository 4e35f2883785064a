/**
 * @platformatic/kafka 2.12.1 (installed): a current client that speaks the flexible request
 * versions (Produce v9+, Fetch v12+ with topic ids at v13+, the classic group protocol at its
 * newest versions). Every consumer belongs to a group in this client, so a seek runs in a
 * throwaway group with `mode: 'manual'` and explicit offsets.
 */
import {
  Consumer,
  Producer,
  stringDeserializers,
  stringSerializers,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
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

type StringMessage = Message<string, string, string, string>;

const base = (bootstrap: string) => ({
  clientId: 'kconform-matrix-platformatic',
  bootstrapBrokers: bootstrap.split(','),
  connectTimeout: 5_000,
  retries: 5,
  retryDelay: 200,
});

async function produce(spec: ProduceSpec): Promise<SendOutcome[]> {
  const producer = new Producer({
    ...base(spec.bootstrap),
    serializers: stringSerializers,
    idempotent: spec.idempotent,
    timeout: spec.timeoutMs,
  });
  try {
    // acks and compression go with each send: 2.12.1's send() ignores the constructor's `acks`
    // (it falls back to acks=1), so setting them there would quietly test acks=1.
    const result = await producer.send({
      acks: spec.acks,
      compression: spec.compression,
      idempotent: spec.idempotent,
      messages: spec.records.map((r) => ({
        topic: spec.topic,
        partition: 0,
        key: r.key,
        value: r.value,
        headers: r.headers ? new Map(r.headers) : undefined,
      })),
    });
    // One batch to partition 0: its base offset, the records in order after it (none for acks=0).
    const first = result.offsets?.find((o) => o.topic === spec.topic && o.partition === 0);
    return spec.records.map((r, i) => ({
      key: r.key,
      value: r.value,
      partition: 0,
      offset: first === undefined ? -1 : Number(first.offset) + i,
    }));
  } finally {
    await producer.close();
  }
}

/** One idempotent producer with a transactionalId runs the transactions in turn (beginTransaction, send, commit/abort). */
async function transact(spec: TransactSpec): Promise<TransactionOutcome[]> {
  const producer = new Producer({
    ...base(spec.bootstrap),
    serializers: stringSerializers,
    idempotent: true,
    transactionalId: spec.transactionalId,
    timeout: spec.timeoutMs,
  });
  const out: TransactionOutcome[] = [];
  try {
    for (const t of spec.transactions) {
      const o: TransactionOutcome = { begun: false, sends: [], ended: false };
      out.push(o);
      try {
        const txn = await producer.beginTransaction();
        o.begun = true;
        for (const r of t.records) {
          const result = await txn.send({
            acks: -1,
            messages: [{ topic: spec.topic, partition: r.partition, key: r.key, value: r.value }],
          });
          const at = result.offsets?.find((x) => x.topic === spec.topic && x.partition === r.partition);
          o.sends.push({
            key: r.key,
            value: r.value,
            partition: r.partition,
            offset: at === undefined ? -1 : Number(at.offset),
          });
        }
        await (t.outcome === 'commit' ? txn.commit() : txn.abort());
        o.ended = true;
      } catch (err) {
        o.error = (err as Error).message;
        break;
      }
    }
  } finally {
    await producer.close();
  }
  return out;
}

function toConsumed(m: StringMessage): ConsumedRecord {
  return {
    partition: m.partition,
    offset: Number(m.offset),
    key: m.key ?? null,
    value: m.value ?? null,
    headers: m.headerEntries.map(([k, v]) => [k, v ?? null]),
  };
}

async function consume(spec: ConsumeSpec): Promise<ConsumeResult> {
  const groupId = spec.group ?? `kconform-platformatic-seek-${Date.now()}`;
  const consumer = new Consumer({
    ...base(spec.bootstrap),
    groupId,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTime: 100,
  });
  const got: ConsumedRecord[] = [];
  let stream: MessagesStream<string, string, string, string> | undefined;
  try {
    stream = await consumer.consume({
      topics: [spec.topic],
      autocommit: false,
      ...(spec.seek
        ? {
            mode: 'manual' as const,
            offsets: [{ topic: spec.topic, partition: spec.seek.partition, offset: BigInt(spec.seek.offset) }],
          }
        : { mode: 'committed' as const, fallbackMode: 'earliest' as const }),
    });
    const s = stream;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${got.length}/${spec.count} records within ${spec.timeoutMs} ms`)),
        spec.timeoutMs,
      );
      s.on('error', (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
      s.on('data', (m: StringMessage) => {
        if (got.length >= spec.count) return;
        if (spec.seek && (m.partition !== spec.seek.partition || Number(m.offset) < spec.seek.offset)) return;
        got.push(toConsumed(m));
        if (got.length >= spec.count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    if (spec.commit) {
      const next = new Map<number, number>();
      for (const r of got) next.set(r.partition, Math.max(next.get(r.partition) ?? 0, r.offset + 1));
      await consumer.commit({
        offsets: [...next].map(([partition, offset]) => ({
          topic: spec.topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        })),
      });
    }
  } finally {
    await stream?.close().catch(() => undefined);
    await consumer.close(true);
  }
  return { records: got };
}

async function joinGroup(spec: MemberSpec): Promise<GroupMember> {
  const consumer = new Consumer({
    ...base(spec.bootstrap),
    groupId: spec.group,
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 300,
    rebalanceTimeout: 10_000,
    maxWaitTime: 100,
  });
  let owned: number[] | undefined;
  consumer.on('consumer:group:join', (e: { assignments?: { topic: string; partitions: number[] }[] | null }) => {
    owned = [...(e.assignments?.find((a) => a.topic === spec.topic)?.partitions ?? [])].sort((a, b) => a - b);
  });
  const stream = await consumer.consume({ topics: [spec.topic], autocommit: false, mode: 'earliest' });
  stream.on('data', () => {});
  stream.on('error', () => {});
  return {
    assignment: () => owned,
    close: async () => {
      await stream.close().catch(() => undefined);
      await consumer.close(true);
    },
  };
}

/** The @platformatic/kafka driver. */
export const platformaticDriver: ClientDriver = {
  id: 'platformatic',
  label: '@platformatic/kafka 2.12.1',
  prepare: async () => {},
  produce,
  consume,
  joinGroup,
  transact,
  notRun: {
    'list-topics': 'not implemented in the platformatic driver yet',
    'regex-subscribe': 'not implemented in the platformatic driver yet',
  },
  notes: {
    seek: "mode 'manual' with offsets, in a throwaway group (every consumer has a group)",
    transactions: 'Producer({ idempotent, transactionalId }).beginTransaction()',
  },
};
