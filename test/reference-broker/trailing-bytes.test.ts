/**
 * Bytes after a request body's last field, sent as raw frames to the reference broker and to
 * Apache Kafka 4.4.0, answers compared. Kafka's `AbstractRequest.parseRequest` reads the
 * fields the version knows and never looks at what is left of the buffer, for every API and
 * version, flexible or not; only a body that is too short is refused (the connection closes).
 *
 * The case that matters: librdkafka >= 2.1 (confluent-kafka for Python, Go, .NET, JavaScript;
 * kcat) writes the null topics array of a flexible Metadata request ("all topics") in the 4
 * bytes it reserved for the count, `00 00 00 00`, where the compact form is the 1 byte `00`
 * (librdkafka #5049). Kafka reads null topics, then AllowAutoTopicCreation=false and
 * IncludeTopicAuthorizedOperations=false and no tagged fields from the padding, and ignores the
 * 3 bytes left over; `AdminClient.list_topics()` and regex subscriptions depend on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { encodeRequest } from '../../protocol/messages/frames.ts';
import { createTopicBody, listOffsetsBody } from '../../harness/drivers/request-bodies.ts';
import { startKafkaNode, LATEST_KAFKA_VERSION, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

let kafka: StartedKafka;
let reference: RunningBroker;
const topic = uniqueTopic('trailing');

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker()]);
  for (const bootstrap of [kafka.bootstrap, reference.bootstrap]) {
    const c = await RawClient.connect(bootstrap);
    try {
      const r = await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
      expect(r.topics[0]!.errorCode).toBe(0);
      // A new topic on Kafka may have no leader yet: wait until it answers ListOffsets.
      for (let i = 0; ; i++) {
        const p = (await c.request(ApiKey.ListOffsets, 7, listOffsetsBody(topic, -1n))).topics[0]!.partitions[0]!;
        if (p.errorCode === 0) break;
        if (i > 100) throw new Error(`topic ${topic} on ${bootstrap} has no leader: error ${p.errorCode}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      c.close();
    }
  }
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

const header = (apiKey: number, apiVersion: number, correlationId: number) => ({
  apiKey,
  apiVersion,
  correlationId,
  clientId: 'rdkafka',
});

/** A frame with `extra` appended to its body (size prefix adjusted). */
function withTrailing(frame: Buffer, extra: Buffer): Buffer {
  const out = Buffer.concat([frame, extra]);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/** Metadata v12 for all topics as librdkafka >= 2.1 writes it: the null array's count in 4 bytes. */
function librdkafkaAllTopicsMetadata(correlationId: number): Buffer {
  const proper = encodeRequest(header(ApiKey.Metadata, 12, correlationId), {
    topics: null,
    allowAutoTopicCreation: true,
    includeTopicAuthorizedOperations: false,
  });
  // The proper body is 00 (null array) 01 (auto-create) 00 (authorized ops) 00 (no tagged fields).
  expect([...proper.subarray(proper.length - 4)]).toEqual([0, 1, 0, 0]);
  const headerEnd = proper.length - 4;
  return withTrailing(
    Buffer.alloc(0),
    Buffer.concat([proper.subarray(0, headerEnd), Buffer.from([0, 0, 0, 0]), proper.subarray(headerEnd + 1)]),
  );
}

type Outcome = { answered: false } | { answered: true; summary: unknown; stillServes: boolean };

/** Sends `frame`; reports whether it was answered (and what, reduced by `summarize`) and whether the connection still serves. */
async function send(
  bootstrap: string,
  frame: Buffer,
  apiKey: number,
  apiVersion: number,
  summarize: (body: any) => unknown,
): Promise<Outcome> {
  const c = await RawClient.connect(bootstrap);
  try {
    const correlationId = frame.readInt32BE(8);
    let body: unknown;
    try {
      body = await c.sendRaw(frame, { correlationId, apiKey, apiVersion }, 15_000);
    } catch {
      await c.waitForClose(15_000);
      return { answered: false };
    }
    const after = await c
      .request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' })
      .then(
        (r: any) => r.errorCode === 0,
        () => false,
      );
    return { answered: true, summary: summarize(body), stillServes: after };
  } finally {
    c.close();
  }
}

/** The same frame to both brokers: the outcomes must be equal. */
async function both(
  frame: () => Buffer,
  apiKey: number,
  apiVersion: number,
  summarize: (body: any) => unknown,
): Promise<{ kafka: Outcome; reference: Outcome }> {
  const k = await send(kafka.bootstrap, frame(), apiKey, apiVersion, summarize);
  const r = await send(reference.bootstrap, frame(), apiKey, apiVersion, summarize);
  expect(r).toEqual(k);
  return { kafka: k, reference: r };
}

const metadataSummary = (body: any) => ({
  hasOurTopic: body.topics.some((t: any) => t.name === topic && t.errorCode === 0 && t.partitions.length === 1),
  brokers: body.brokers.length,
});

describe(`bytes after the last field of a request: reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it("answers librdkafka's all-topics Metadata v12 (null array count in 4 bytes, 3 bytes left over) and keeps serving", async () => {
    const { kafka: k } = await both(() => librdkafkaAllTopicsMetadata(41), ApiKey.Metadata, 12, metadataSummary);
    expect(k).toEqual({ answered: true, summary: { hasOurTopic: true, brokers: 1 }, stillServes: true });
  }, 60_000);

  it('answers a flexible Metadata v12 naming a topic with 3 garbage bytes after its tagged fields', async () => {
    const frame = () =>
      withTrailing(
        encodeRequest(header(ApiKey.Metadata, 12, 42), {
          topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }],
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        }),
        Buffer.from([0xde, 0xad, 0x01]),
      );
    const { kafka: k } = await both(frame, ApiKey.Metadata, 12, metadataSummary);
    expect(k).toEqual({ answered: true, summary: { hasOurTopic: true, brokers: 1 }, stillServes: true });
  }, 60_000);

  it('answers a non-flexible Metadata v4 and ListOffsets v7 with trailing bytes (every API and version, not only flexible ones)', async () => {
    const meta = () =>
      withTrailing(
        encodeRequest(header(ApiKey.Metadata, 4, 43), { topics: [{ name: topic }], allowAutoTopicCreation: false }),
        Buffer.from([1, 2, 3, 4, 5]),
      );
    expect((await both(meta, ApiKey.Metadata, 4, metadataSummary)).kafka).toMatchObject({
      answered: true,
      summary: { hasOurTopic: true },
    });
    const lo = () =>
      withTrailing(encodeRequest(header(ApiKey.ListOffsets, 7, 44), listOffsetsBody(topic, -1n)), Buffer.from([0xff]));
    const offsets = (body: any) => body.topics.map((t: any) => t.partitions.map((p: any) => [p.errorCode, p.offset]));
    expect((await both(lo, ApiKey.ListOffsets, 7, offsets)).kafka).toEqual({
      answered: true,
      summary: [[[0, 0n]]],
      stillServes: true,
    });
  }, 60_000);

  it('still closes the connection on a body one byte short (the boundary of what is tolerated)', async () => {
    const short = () => {
      const f = encodeRequest(header(ApiKey.Metadata, 12, 45), {
        topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      const cut = f.subarray(0, f.length - 1);
      cut.writeInt32BE(cut.length - 4, 0);
      return Buffer.from(cut);
    };
    expect((await both(short, ApiKey.Metadata, 12, metadataSummary)).kafka).toEqual({ answered: false });
  }, 60_000);
});
