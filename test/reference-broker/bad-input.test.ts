import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { encodeRequest } from '../../protocol/messages/frames.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { CRC_OFFSET } from '../../protocol/records/batch-header.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { createTopicBody, fetchBody, listOffsetsBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

async function createTopic(client: RawClient, topic: string): Promise<void> {
  const r = await client.request(ApiKey.CreateTopics, 7, {
    topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  expect(r.topics[0]!.errorCode).toBe(0);
}

/** A well-behaved client still gets served and acknowledged data is still there. */
async function stillServes(topic: string, expectedEnd: number): Promise<void> {
  const c = await RawClient.connect(broker.bootstrap);
  try {
    const r = await c.request(ApiKey.ListOffsets, 7, listOffsetsBody(topic, -1n));
    expect(r.topics[0]!.partitions[0]!.offset).toBe(BigInt(expectedEnd));
  } finally {
    c.close();
  }
}

describe('the reference broker under bad input', () => {
  const topic = uniqueTopic('bad');

  beforeAll(async () => {
    const c = await RawClient.connect(broker.bootstrap);
    await createTopic(c, topic);
    const r = await c.request(ApiKey.Produce, 9, produceBody(topic, buildRecordBatch([{ value: 'kept' }])));
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    c.close();
  });

  it('closes a connection that claims a 2 GiB frame, without buffering it', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    await c.sendRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0]));
    await c.waitForClose();
    await stillServes(topic, 1);
  });

  it('closes a connection on an unknown API key', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const frame = Buffer.alloc(4 + 10);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(999, 4);
    await c.sendRaw(frame);
    await c.waitForClose();
    await stillServes(topic, 1);
  });

  it('closes a connection on an unsupported version of Metadata', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const frame = encodeRequest(
      { apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, clientId: 'x' },
      {
        topics: null,
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
    );
    frame.writeInt16BE(99, 6);
    await c.sendRaw(frame);
    await c.waitForClose();
  });

  it('answers an ApiVersions of a version it does not know with v0 UNSUPPORTED_VERSION and its ranges (KIP-511)', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const frame = encodeRequest(
      { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 7, clientId: 'x' },
      { clientSoftwareName: 'a', clientSoftwareVersion: '1' },
    );
    frame.writeInt16BE(99, 6);
    const r = (await c.sendRaw(frame, { correlationId: 7, apiKey: ApiKey.ApiVersions, apiVersion: 0 })) as {
      errorCode: number;
      apiKeys: { apiKey: number }[];
    };
    expect(r.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(r.apiKeys.map((k) => k.apiKey)).toContain(ApiKey.Produce);
    c.close();
  });

  it('closes a connection whose request body is truncated', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const full = encodeRequest(
      { apiKey: ApiKey.Produce, apiVersion: 9, correlationId: 1, clientId: 'x' },
      produceBody(topic, buildRecordBatch([{ value: 'lost' }])),
    );
    const cut = full.subarray(0, full.length - 20);
    cut.writeInt32BE(cut.length - 4, 0);
    await c.sendRaw(cut);
    await c.waitForClose();
    await stillServes(topic, 1);
  });

  it('answers a batch with a bad CRC with CORRUPT_MESSAGE and appends nothing', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const batch = buildRecordBatch([{ value: 'corrupt' }]);
    batch[CRC_OFFSET]! ^= 0xff;
    const r = await c.request(ApiKey.Produce, 9, produceBody(topic, batch));
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    c.close();
    await stillServes(topic, 1);
  });

  it('answers acks other than -1, 0, 1 with INVALID_REQUIRED_ACKS', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.Produce, 9, produceBody(topic, buildRecordBatch([{ value: 'x' }]), { acks: 2 }));
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    c.close();
    await stillServes(topic, 1);
  });

  it('sends nothing for acks=0, and closes the connection when an acks=0 produce fails', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    c.requestNoResponse(
      ApiKey.Produce,
      9,
      produceBody(topic, buildRecordBatch([{ value: 'fire-and-forget' }]), { acks: 0 }),
    );
    // a request after it is answered, so the acks=0 one was processed and got no response of its own
    const meta = await c.request(ApiKey.Metadata, 12, {
      topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(meta.topics[0]!.errorCode).toBe(0);
    await stillServes(topic, 2);
    c.requestNoResponse(
      ApiKey.Produce,
      9,
      produceBody('no-such-topic-' + topic, buildRecordBatch([{ value: 'x' }]), { acks: 0 }),
    );
    await c.waitForClose();
  });

  it('answers Produce to an unknown topic with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.Produce, 9, produceBody('missing-' + topic, buildRecordBatch([{ value: 'x' }])));
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    c.close();
  });

  it('answers a fetch beyond the log end with OFFSET_OUT_OF_RANGE', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.Fetch, 12, fetchBody(topic, 100n, { minBytes: 1 }));
    expect(r.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(r.responses[0]!.partitions[0]!.highWatermark).toBe(-1n); // as Kafka: an error answer carries no watermark
    c.close();
  });

  it('refuses illegal topic names', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.CreateTopics, 7, createTopicBody('bad name!'));
    expect(r.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    c.close();
  });
});
