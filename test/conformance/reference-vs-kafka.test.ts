/**
 * The same request sequence against the reference broker and real Apache Kafka, compared
 * answer by answer after dropping what legitimately differs (hosts, ports, ids, times). Each
 * observation is a plain value; the test fails on the first one that differs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import {
  createTopicBody,
  deleteRecordsBody,
  fetchBody,
  listOffsetsBody,
  produceBody,
} from '../../harness/drivers/request-bodies.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { startKafkaNode, LATEST_KAFKA_VERSION, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { CRC_OFFSET } from '../../protocol/records/batch-header.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker()]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

/** Runs the sequence against one broker and returns what a client observes. */
async function observe(bootstrap: string): Promise<Record<string, unknown>> {
  const c = await RawClient.connect(bootstrap);
  const seen: Record<string, unknown> = {};
  try {
    const topic = 'conformance';
    seen.create = (await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic))).topics.map((t) => [
      t.errorCode,
      t.numPartitions,
    ]);
    seen.createAgain = (await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic))).topics.map((t) => t.errorCode);
    seen.createIllegal = (await c.request(ApiKey.CreateTopics, 7, createTopicBody('bad name'))).topics.map(
      (t) => t.errorCode,
    );
    // Kafka's new topic may need a moment to get a leader: retry the first produce on a retriable error.
    let first: any;
    for (let i = 0; i < 50; i++) {
      first = (
        await c.request(
          ApiKey.Produce,
          9,
          produceBody(
            topic,
            buildRecordBatch([
              { value: 'a', timestamp: 1000 },
              { value: 'b', timestamp: 3000 },
              { value: 'c', timestamp: 2000 },
            ]),
          ),
        )
      ).responses[0]!.partitionResponses[0];
      if (first.errorCode === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const second = (
      await c.request(
        ApiKey.Produce,
        9,
        produceBody(
          topic,
          buildRecordBatch(
            [
              { value: 'd', timestamp: 5000 },
              { value: 'e', timestamp: 4000 },
            ],
            { compression: 'gzip' },
          ),
        ),
      )
    ).responses[0]!.partitionResponses[0]!;
    seen.produceOffsets = [first.errorCode, first.baseOffset, second.errorCode, second.baseOffset];

    const listOffsets = async (timestamp: bigint) => {
      const p = (await c.request(ApiKey.ListOffsets, 9, listOffsetsBody(topic, timestamp))).topics[0]!.partitions[0]!;
      return [p.errorCode, p.offset, p.timestamp, p.leaderEpoch];
    };
    for (const ts of [-1n, -2n, -3n, 0n, 1000n, 1500n, 2500n, 3000n, 3500n, 4500n, 5000n, 6000n])
      seen[`listOffsets(${ts})`] = await listOffsets(ts);

    const f = (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 0n))).responses[0]!.partitions[0]!;
    seen.fetch = [
      f.errorCode,
      f.highWatermark,
      f.logStartOffset,
      decodeRecordBatches(f.records ?? Buffer.alloc(0)).flatMap((b) =>
        b.records.map((r) => [b.baseOffset + r.offsetDelta, r.value?.toString()]),
      ),
    ];
    const f3 = (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 3n))).responses[0]!.partitions[0]!;
    seen.fetchFrom3 = decodeRecordBatches(f3.records ?? Buffer.alloc(0)).flatMap((b) =>
      b.records.map((r) => b.baseOffset + r.offsetDelta),
    );
    seen.fetchAtEnd = ((r) => [r.errorCode, r.records?.length ?? 0])(
      (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 5n))).responses[0]!.partitions[0]!,
    );
    seen.fetchPastEnd = ((p) => [p.errorCode, p.highWatermark, p.lastStableOffset, p.logStartOffset])(
      (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 100n))).responses[0]!.partitions[0]!,
    );

    const bad = buildRecordBatch([{ value: 'x' }]);
    bad[CRC_OFFSET]! ^= 0xff;
    seen.badCrc = (await c.request(ApiKey.Produce, 9, produceBody(topic, bad))).responses[0]!
      .partitionResponses[0]!.errorCode;
    seen.badAcks = (
      await c.request(ApiKey.Produce, 9, produceBody(topic, buildRecordBatch([{ value: 'x' }]), { acks: 2 }))
    ).responses[0]!.partitionResponses[0]!.errorCode;
    seen.unknownTopic = (
      await c.request(ApiKey.Produce, 9, produceBody('no-such-topic', buildRecordBatch([{ value: 'x' }])))
    ).responses[0]!.partitionResponses[0]!.errorCode;
    seen.metadataUnknown = (
      await c.request(ApiKey.Metadata, 12, {
        topics: [{ topicId: NULL_UUID, name: 'no-such-topic' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      })
    ).topics.map((t) => t.errorCode);

    // A fresh Kafka answers COORDINATOR_LOAD_IN_PROGRESS (14) until its transaction state is loaded; clients retry.
    let pid: any;
    for (let i = 0; i < 100; i++) {
      pid = await c.request(ApiKey.InitProducerId, 4, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      });
      if (pid.errorCode !== 14) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const idem = (seq: number, values: string[]) =>
      buildRecordBatch(
        values.map((value) => ({ value })),
        { producerId: Number(pid.producerId), producerEpoch: pid.producerEpoch, baseSequence: seq },
      );
    const send = async (b: Buffer) =>
      ((p) => [p.errorCode, p.baseOffset])(
        (await c.request(ApiKey.Produce, 9, produceBody(topic, b))).responses[0]!.partitionResponses[0]!,
      );
    seen.initProducerId = [pid.errorCode, pid.producerEpoch];
    seen.idempotentFirst = await send(idem(0, ['i0', 'i1']));
    seen.idempotentRetry = await send(idem(0, ['i0', 'i1']));
    seen.idempotentNext = await send(idem(2, ['i2']));
    seen.idempotentGap = (await send(idem(7, ['i7'])))[0];
    seen.endAfterIdempotent = await listOffsets(-1n);

    const deleteRecords = async (offset: bigint) =>
      ((p) => [p.errorCode, p.lowWatermark])(
        (await c.request(ApiKey.DeleteRecords, 2, deleteRecordsBody(topic, offset))).topics[0]!.partitions[0]!,
      );
    seen.deleteRecords = await deleteRecords(2n);
    seen.deleteRecordsBeyondEnd = (await deleteRecords(100n))[0];
    seen.earliestAfterDelete = await listOffsets(-2n);
    seen.fetchBelowStart = ((p) => [p.errorCode, p.highWatermark, p.lastStableOffset, p.logStartOffset])(
      (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 0n))).responses[0]!.partitions[0]!,
    );
    // How many batches a fetch returns is Kafka's choice (it may stop early; the consumer fetches
    // again): compare the batch that holds the fetch offset, and that what came is contiguous.
    const fromStart = decodeRecordBatches(
      (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 2n))).responses[0]!.partitions[0]!.records ?? Buffer.alloc(0),
    );
    seen.fetchAtStart = [
      fromStart[0]?.baseOffset,
      fromStart.every(
        (b, i) => i === 0 || b.baseOffset === fromStart[i - 1]!.baseOffset + fromStart[i - 1]!.lastOffsetDelta + 1,
      ),
    ];

    const withConfig = (name: string, value: string) =>
      createTopicBody(`cfg-${name.replace(/\./g, '-')}`, { configs: { [name]: value } });
    seen.createWithRetention = (
      await c.request(ApiKey.CreateTopics, 7, withConfig('retention.ms', '60000'))
    ).topics.map((t) => t.errorCode);
    seen.createWithUnknownConfig = (
      await c.request(ApiKey.CreateTopics, 7, withConfig('no.such.config', '1'))
    ).topics.map((t) => t.errorCode);
    seen.createWithBadValue = (await c.request(ApiKey.CreateTopics, 7, withConfig('segment.bytes', 'lots'))).topics.map(
      (t) => t.errorCode,
    );

    // min.insync.replicas above the ISR: acks=all is refused, acks=1 is not
    const strict = 'min-isr-2';
    seen.createMinIsr = (
      await c.request(ApiKey.CreateTopics, 7, createTopicBody(strict, { configs: { 'min.insync.replicas': '2' } }))
    ).topics.map((t) => t.errorCode);
    let acksAll: any;
    for (let i = 0; i < 50; i++) {
      acksAll = (await c.request(ApiKey.Produce, 9, produceBody(strict, buildRecordBatch([{ value: 'x' }]))))
        .responses[0]!.partitionResponses[0];
      if (acksAll.errorCode !== 6 && acksAll.errorCode !== 3) break; // new topic still getting its leader
      await new Promise((r) => setTimeout(r, 200));
    }
    seen.acksAllBelowMinIsr = acksAll.errorCode;
    seen.acksOneBelowMinIsr = (
      await c.request(ApiKey.Produce, 9, produceBody(strict, buildRecordBatch([{ value: 'y' }]), { acks: 1 }))
    ).responses[0]!.partitionResponses[0]!.errorCode;
  } finally {
    c.close();
  }
  return seen;
}

describe(`reference broker and Kafka ${LATEST_KAFKA_VERSION} answer alike`, () => {
  it('topics, produce offsets, ListOffsets by time, fetch, error codes and idempotent retries', async () => {
    const [ofKafka, ofReference] = await Promise.all([observe(kafka.bootstrap), observe(reference.bootstrap)]);
    for (const key of Object.keys(ofKafka)) expect(ofReference[key], key).toEqual(ofKafka[key]);
    // and the answers are the expected ones, not merely equal
    expect(ofKafka['listOffsets(2500)']).toEqual([0, 1n, 3000n, 0]);
    expect(ofKafka.idempotentRetry).toEqual(ofKafka.idempotentFirst);
  }, 120_000);
});
