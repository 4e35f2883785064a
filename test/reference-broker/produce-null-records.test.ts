/**
 * A Produce whose records are null in one partition, sent to the reference broker and to Kafka
 * 4.4.0 alike: Kafka lets null through validateRecords and fails the whole request at the append,
 * so no partition of the request is written — not even one with a valid batch. The reference
 * broker must leave the same logs (found by `kconform conform`: Produce v8 generated #12 wrote
 * two records on the reference broker and none on Kafka, and every later read of that log differed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { createTopicBody, listOffsetsBody } from '../../harness/drivers/request-bodies.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

let reference: RunningBroker;
let kafka: StartedKafka;

beforeAll(async () => {
  [reference, kafka] = await Promise.all([startTestBroker(), startKafkaNode({ version: '4.4.0' })]);
}, 180_000);
afterAll(async () => {
  await Promise.all([reference?.close(), kafka?.stop()]);
});

const targets = [
  { name: 'reference', bootstrap: () => reference.bootstrap },
  { name: 'kafka@4.4.0', bootstrap: () => kafka.bootstrap },
];

const batch = (label: string) => buildRecordBatch([0, 1].map((i) => ({ key: `k${i}`, value: `${label}-${i}` })));

/** Creates a 2-partition topic and waits until both partitions answer ListOffsets. */
async function createTopic(c: RawClient, topic: string): Promise<void> {
  const r = await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic, { partitions: 2 }));
  expect(r.topics[0]!.errorCode).toBe(0);
  for (const p of [0, 1]) {
    for (let i = 0; ; i++) {
      const lo = await c.request(ApiKey.ListOffsets, 7, listOffsetsBody(topic, -1n, p));
      if (lo.topics[0]!.partitions[0]!.errorCode === 0) break;
      if (i > 100) throw new Error(`partition ${p} of ${topic} has no leader`);
      await sleep(100);
    }
  }
}

async function logEnd(c: RawClient, topic: string, partition: number): Promise<bigint> {
  const lo = await c.request(ApiKey.ListOffsets, 7, listOffsetsBody(topic, -1n, partition));
  return BigInt(lo.topics[0]!.partitions[0]!.offset);
}

/** Sends a Produce v9 (names) on a connection of its own; Kafka never answers one with null records, so no answer is waited for long. */
async function produce(
  bootstrap: string,
  topic: string,
  partitions: { index: number; records: Buffer | null }[],
): Promise<void> {
  const c = await RawClient.connect(bootstrap, 'null-records');
  try {
    await c
      .request(
        ApiKey.Produce,
        9,
        {
          transactionalId: null,
          acks: 1,
          timeoutMs: 3000,
          topicData: [{ name: topic, topicId: NULL_UUID, partitionData: partitions }],
        },
        3000,
      )
      .catch(() => undefined);
  } finally {
    c.close();
  }
}

describe.each(targets)('a Produce with null records on $name', ({ bootstrap }) => {
  it('appends nothing of the request, in whichever partition the null records are; a later valid Produce appends', async () => {
    const c = await RawClient.connect(bootstrap(), 'null-records-check');
    try {
      const topic = uniqueTopic('null-records');
      await createTopic(c, topic);
      await produce(bootstrap(), topic, [
        { index: 0, records: batch('valid') },
        { index: 1, records: null },
      ]);
      await produce(bootstrap(), topic, [
        { index: 1, records: null },
        { index: 0, records: batch('valid-after') },
      ]);
      expect([await logEnd(c, topic, 0), await logEnd(c, topic, 1)]).toEqual([0n, 0n]);
      // the broker still takes a valid request afterwards: the log ends say it was written
      await produce(bootstrap(), topic, [{ index: 0, records: batch('alone') }]);
      expect([await logEnd(c, topic, 0), await logEnd(c, topic, 1)]).toEqual([2n, 0n]);
    } finally {
      c.close();
    }
  }, 60_000);
});
