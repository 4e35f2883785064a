/**
 * Hand-written cases for the log APIs: Produce, Fetch, ListOffsets, OffsetForLeaderEpoch,
 * DeleteRecords. Each names what it provokes; both brokers get the same requests.
 */
import { buildRecordBatch } from '../../../protocol/records/batch-builder.ts';
import { CRC_OFFSET, MAGIC_OFFSET } from '../../../protocol/records/batch-header.ts';
import { request, topicIdOf, type ConformCase } from '../conform-case.ts';
import { fixedBatch, T0 } from '../world.ts';
import { CaseList, type EdgeContext } from './edge-context.ts';

/** Produce of one partition (both name and id are set: the encoder writes the one the version has). */
export function produceRequest(
  topic: string,
  partition: number,
  records: Buffer | null,
  acks = -1,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return request('Produce', {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, topicId: topicIdOf(topic), partitionData: [{ index: partition, records }] }],
    ...extra,
  });
}

/** One partition of a Fetch. */
export function fetchPartition(
  partition: number,
  fetchOffset: bigint,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    partition,
    currentLeaderEpoch: -1,
    fetchOffset,
    lastFetchedEpoch: -1,
    logStartOffset: -1n,
    partitionMaxBytes: 1 << 20,
    ...extra,
  };
}

/** A consumer's Fetch without a session, answered at once. */
export function fetchRequest(
  topics: { topic: string; partitions: Record<string, unknown>[] }[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return request('Fetch', {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: topics.map((t) => ({ topic: t.topic, topicId: topicIdOf(t.topic), partitions: t.partitions })),
    forgottenTopicsData: [],
    rackId: '',
    ...extra,
  });
}

function listOffsetsRequest(
  topic: string,
  partitions: { partition: number; timestamp: bigint; currentLeaderEpoch?: number }[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return request('ListOffsets', {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      {
        name: topic,
        partitions: partitions.map((p) => ({
          partitionIndex: p.partition,
          currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
          timestamp: p.timestamp,
        })),
      },
    ],
    timeoutMs: 5000,
    ...extra,
  });
}

function withByte(batch: Buffer, offset: number, value: number): Buffer {
  const b = Buffer.from(batch);
  b[offset] = value;
  return b;
}

/** Produce (key 0). */
export function produceCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  // Writes go to a topic no other case reads: where the brokers disagree, later answers stay comparable.
  const { sink: single, multi, missing, invalid } = world.topics;
  const c = new CaseList(0, v);
  const batch = (label: string) => fixedBatch(2, `p${v}-${label}`);
  c.one('valid batch, acks=-1', produceRequest(single, 0, batch('all')));
  c.one('valid batch, acks=1', produceRequest(single, 0, batch('one'), 1));
  c.one('gzip batch', produceRequest(single, 0, fixedBatch(3, `p${v}-gzip`, 'gzip')));
  c.one('acks=0, valid', produceRequest(single, 0, batch('zero'), 0), { noResponse: true });
  c.one('acks=0, unknown topic', produceRequest(missing, 0, batch('zero-missing'), 0), { noResponse: true });
  c.one('acks=2', produceRequest(single, 0, batch('acks2'), 2));
  c.one('acks=-2', produceRequest(single, 0, batch('acks-2'), -2));
  c.one('unknown topic', produceRequest(missing, 0, batch('missing')));
  c.one('invalid topic name', produceRequest(invalid, 0, batch('invalid')));
  c.one('partition out of range', produceRequest(multi, 7, batch('p7')));
  c.one('partition -1', produceRequest(multi, -1, batch('p-1')));
  c.one('no topics', request('Produce', { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [] }));
  c.one(
    'topic without partitions',
    request('Produce', {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: single, topicId: topicIdOf(single), partitionData: [] }],
    }),
  );
  c.one('null records', produceRequest(single, 0, null), { timeoutMs: 3000 });
  c.one('empty records', produceRequest(single, 0, Buffer.alloc(0)));
  const bad = batch('crc');
  bad[CRC_OFFSET]! ^= 0xff;
  c.one('bad CRC', produceRequest(single, 0, bad));
  c.one('magic 1 (old format)', produceRequest(single, 0, withByte(batch('magic1'), MAGIC_OFFSET, 1)));
  c.one('magic 3 (unknown)', produceRequest(single, 0, withByte(batch('magic3'), MAGIC_OFFSET, 3)));
  c.one('truncated batch', produceRequest(single, 0, batch('cut').subarray(0, 40)));
  c.one(
    'stray bytes after the batch',
    produceRequest(single, 0, Buffer.concat([batch('stray'), Buffer.from([1, 2, 3])])),
  );
  c.one(
    'oversized record (1.1 MB > max.message.bytes)',
    produceRequest(single, 0, buildRecordBatch([{ value: Buffer.alloc(1_100_000, 7), timestamp: T0 }])),
  );
  c.one(
    'same partition twice',
    request('Produce', {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: single,
          topicId: topicIdOf(single),
          partitionData: [
            { index: 0, records: batch('twice-a') },
            { index: 0, records: batch('twice-b') },
          ],
        },
      ],
    }),
  );
  c.one(
    'idempotent batch of a producer id never issued, seq 0',
    produceRequest(
      single,
      0,
      buildRecordBatch([{ value: 'idem', timestamp: T0 }], { producerId: 424_242, producerEpoch: 0, baseSequence: 0 }),
    ),
  );
  c.one(
    'idempotent batch of a producer id never issued, seq 5',
    produceRequest(
      single,
      0,
      buildRecordBatch([{ value: 'idem5', timestamp: T0 }], { producerId: 434_343, producerEpoch: 0, baseSequence: 5 }),
    ),
  );
  c.one(
    'transactional batch without a transaction',
    produceRequest(
      single,
      0,
      buildRecordBatch([{ value: 'txn', timestamp: T0 }], {
        producerId: 454_545,
        producerEpoch: 0,
        baseSequence: 0,
        transactional: true,
      }),
    ),
  );
  c.one('timeout 0', produceRequest(single, 0, batch('t0'), -1, { timeoutMs: 0 }));
  return c.cases;
}

/** Fetch (key 1). */
export function fetchCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const { multi, single, empty, trimmed, missing, invalid } = world.topics;
  const c = new CaseList(1, v);
  const one = (topic: string, partition: number, offset: bigint, extra: Record<string, unknown> = {}) =>
    fetchRequest([{ topic, partitions: [fetchPartition(partition, offset, extra)] }]);
  c.one('from offset 0', one(multi, 0, 0n));
  c.one('from the middle of a batch', one(multi, 0, 1n));
  c.one('from the second batch', one(multi, 0, 3n));
  c.one('at the end of the log', one(multi, 0, 5n));
  c.one('past the end (offset out of range)', one(multi, 0, 1000n));
  c.one('negative offset', one(multi, 0, -1n));
  c.one('below the log start', one(trimmed, 0, 0n));
  c.one('at the log start', one(trimmed, 0, 2n));
  c.one(
    'every partition of a topic',
    fetchRequest([{ topic: multi, partitions: [0, 1, 2].map((p) => fetchPartition(p, 0n)) }]),
  );
  c.one(
    'two topics',
    fetchRequest([
      { topic: multi, partitions: [fetchPartition(1, 0n)] },
      { topic: single, partitions: [fetchPartition(0, 0n)] },
    ]),
  );
  c.one('empty partition', one(empty, 0, 0n));
  c.one('unknown topic', one(missing, 0, 0n));
  c.one('invalid topic name', one(invalid, 0, 0n));
  c.one('partition out of range', one(multi, 7, 0n));
  c.one('partition -1', one(multi, -1, 0n));
  c.one('no topics', fetchRequest([]));
  c.one(
    'max bytes 1 (first batch anyway, KIP-74)',
    fetchRequest([{ topic: multi, partitions: [fetchPartition(0, 0n)] }], { maxBytes: 1 }),
  );
  c.one('partition max bytes 1', one(multi, 0, 0n, { partitionMaxBytes: 1 }));
  c.one('partition max bytes 0', one(multi, 0, 0n, { partitionMaxBytes: 0 }));
  c.one('read_committed', fetchRequest([{ topic: multi, partitions: [fetchPartition(0, 0n)] }], { isolationLevel: 1 }));
  c.one(
    'isolation level 5',
    fetchRequest([{ topic: multi, partitions: [fetchPartition(0, 0n)] }], { isolationLevel: 5 }),
  );
  c.one(
    'long poll on an empty partition (min bytes 1, max wait 300 ms)',
    fetchRequest([{ topic: empty, partitions: [fetchPartition(0, 0n)] }], { minBytes: 1, maxWaitMs: 300 }),
  );
  if (v >= 9) {
    c.one('current leader epoch 0', one(multi, 0, 0n, { currentLeaderEpoch: 0 }));
    c.one('current leader epoch ahead of the leader', one(multi, 0, 0n, { currentLeaderEpoch: 5 }));
  }
  if (v >= 7) {
    c.one(
      'new fetch session (epoch 0)',
      fetchRequest([{ topic: multi, partitions: [fetchPartition(1, 0n)] }], { sessionEpoch: 0 }),
    );
    c.one(
      'unknown fetch session',
      fetchRequest([{ topic: multi, partitions: [fetchPartition(1, 0n)] }], { sessionId: 12_345, sessionEpoch: 1 }),
    );
    c.one(
      'session epoch without a session',
      fetchRequest([{ topic: multi, partitions: [fetchPartition(1, 0n)] }], { sessionId: 0, sessionEpoch: 3 }),
    );
  }
  if (v >= 12)
    c.one('last fetched epoch ahead of the log (diverging epoch)', one(multi, 0, 3n, { lastFetchedEpoch: 5 }));
  if (v <= 14)
    c.one(
      'fetch as a follower that is not a replica',
      fetchRequest([{ topic: multi, partitions: [fetchPartition(0, 0n)] }], { replicaId: 5 }),
    );
  if (v >= 13) c.one('unknown topic id', fetchRequest([{ topic: missing, partitions: [fetchPartition(0, 0n)] }]));
  return c.cases;
}

/** ListOffsets (key 2). */
export function listOffsetsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const { multi, empty, trimmed, missing, invalid } = world.topics;
  const c = new CaseList(2, v);
  const at = (topic: string, timestamp: bigint, partition = 0) => listOffsetsRequest(topic, [{ partition, timestamp }]);
  c.one('latest', at(multi, -1n));
  c.one('earliest', at(multi, -2n));
  if (v >= 7) c.one('max timestamp', at(multi, -3n));
  if (v >= 8) c.one('earliest local', at(multi, -4n));
  if (v >= 9) c.one('latest tiered', at(multi, -5n));
  c.one('timestamp -6', at(multi, -6n));
  c.one('timestamp 0', at(multi, 0n));
  c.one('timestamp between records', at(multi, BigInt(T0 + 1500)));
  c.one('timestamp of the second batch', at(multi, BigInt(T0 + 10_000)));
  c.one('timestamp after every record', at(multi, BigInt(T0 + 1_000_000_000)));
  c.one('empty partition, latest', at(empty, -1n));
  if (v >= 7) c.one('empty partition, max timestamp', at(empty, -3n));
  c.one('empty partition, by time', at(empty, BigInt(T0)));
  c.one('trimmed partition, earliest', at(trimmed, -2n));
  c.one('trimmed partition, by time before the log start', at(trimmed, BigInt(T0)));
  c.one('unknown topic', at(missing, -1n));
  c.one('invalid topic name', at(invalid, -1n));
  c.one('partition out of range', at(multi, -1n, 7));
  c.one(
    'every partition',
    listOffsetsRequest(
      multi,
      [0, 1, 2].map((p) => ({ partition: p, timestamp: -1n })),
    ),
  );
  if (v >= 2) {
    c.one(
      'same partition twice',
      listOffsetsRequest(multi, [
        { partition: 0, timestamp: -1n },
        { partition: 0, timestamp: -2n },
      ]),
    );
    c.one('read_committed', listOffsetsRequest(multi, [{ partition: 0, timestamp: -1n }], { isolationLevel: 1 }));
  }
  if (v >= 4)
    c.one(
      'current leader epoch ahead of the leader',
      listOffsetsRequest(multi, [{ partition: 0, timestamp: -1n, currentLeaderEpoch: 5 }]),
    );
  c.one(
    'as a follower (replica id 1)',
    listOffsetsRequest(multi, [{ partition: 0, timestamp: -1n }], { replicaId: 1 }),
  );
  c.one('no topics', request('ListOffsets', { replicaId: -1, isolationLevel: 0, topics: [], timeoutMs: 5000 }));
  return c.cases;
}

/** OffsetForLeaderEpoch (key 23). */
export function offsetForLeaderEpochCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const { multi, empty, missing, trimmed } = world.topics;
  const c = new CaseList(23, v);
  const ask = (topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch = -1, replicaId = -1) =>
    request('OffsetForLeaderEpoch', {
      replicaId,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch, leaderEpoch }] }],
    });
  c.one('epoch 0', ask(multi, 0, 0));
  c.one('epoch above the current one', ask(multi, 0, 5));
  c.one('epoch -1', ask(multi, 0, -1));
  c.one('current leader epoch 0', ask(multi, 0, 0, 0));
  c.one('current leader epoch ahead of the leader', ask(multi, 0, 0, 5));
  c.one('empty partition', ask(empty, 0, 0));
  c.one('trimmed partition', ask(trimmed, 0, 0));
  c.one('unknown topic', ask(missing, 0, 0));
  c.one('partition out of range', ask(multi, 7, 0));
  if (v >= 3) c.one('debug replica id -2', ask(multi, 0, 0, -1, -2));
  c.one('no topics', request('OffsetForLeaderEpoch', { replicaId: -1, topics: [] }));
  return c.cases;
}

/** DeleteRecords (key 21): on a topic of its own, so the other APIs' answers stay put. */
export function deleteRecordsCases(ctx: EdgeContext): ConformCase[] {
  const { world, version: v } = ctx;
  const topic = world.topics.deletable;
  const c = new CaseList(21, v);
  const del = (t: string, offset: bigint, partition = 0) =>
    request('DeleteRecords', {
      topics: [{ name: t, partitions: [{ partitionIndex: partition, offset }] }],
      timeoutMs: 5000,
    });
  c.one('below offset 1', del(topic, 1n));
  c.one('below offset 4 (inside a batch)', del(topic, 4n));
  c.one('below an offset under the log start (no-op)', del(topic, 2n));
  c.one('beyond the high watermark', del(topic, 100n));
  c.one('offset -2', del(topic, -2n));
  c.one('up to the high watermark (-1)', del(topic, -1n));
  c.one('unknown topic', del(world.topics.missing, 0n));
  c.one('partition out of range', del(topic, 0n, 7));
  c.one('no topics', request('DeleteRecords', { topics: [], timeoutMs: 5000 }));
  return c.cases;
}
