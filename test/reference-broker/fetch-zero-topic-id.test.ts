/**
 * Fetch v13+ naming the zero topic id (Uuid 0), as raw requests to the reference broker and to
 * Apache Kafka 4.4.0, answers compared. Kafka resolves a zero id to no topic and answers its
 * partitions UNKNOWN_TOPIC_ID, but FetchResponse.toMessage then groups the next partition with
 * it by name, and that name is null: a NullPointerException, answered as a top-level
 * UNKNOWN_SERVER_ERROR with no partitions and the request's session id. So the answer depends on
 * whether anything is answered after the zero id's partition (unknown ids come after the
 * partitions read). Before v13 requests name topics and nothing of this happens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { FetchRequest } from '../../protocol/messages/generated/index.ts';
import { createTopicBody, fetchBody, listOffsetsBody } from '../../harness/drivers/request-bodies.ts';
import { startKafkaNode, LATEST_KAFKA_VERSION, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** A topic id neither broker has. */
const UNKNOWN_ID = '12345678-1234-1234-1234-123456789abc';

let kafka: StartedKafka;
let reference: RunningBroker;
const topic = uniqueTopic('zero-id');
/** The topic's id on each broker, by bootstrap. */
const ids = new Map<string, string>();

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker()]);
  for (const bootstrap of [kafka.bootstrap, reference.bootstrap]) {
    const c = await RawClient.connect(bootstrap);
    try {
      expect((await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic))).topics[0]!.errorCode).toBe(0);
      // A new topic on Kafka may have no leader yet: wait until it answers ListOffsets.
      for (let i = 0; ; i++) {
        const p = (await c.request(ApiKey.ListOffsets, 7, listOffsetsBody(topic, -1n))).topics[0]!.partitions[0]!;
        if (p.errorCode === 0) break;
        if (i > 100) throw new Error(`topic ${topic} on ${bootstrap} has no leader: error ${p.errorCode}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const md = await c.request(ApiKey.Metadata, 12, {
        topics: [{ topicId: NULL_UUID, name: topic }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      ids.set(bootstrap, md.topics[0]!.topicId);
    } finally {
      c.close();
    }
  }
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

/** A partition the request names: the zero id, the prepared topic (`valid`), or an id nobody has. */
type Named = ['zero' | 'valid' | 'unknown', number];

function request(partitions: Named[], validId: string, session: { id: number; epoch: number }): FetchRequest {
  const body = fetchBody(topic, 0n);
  const template = body.topics[0]!;
  body.sessionId = session.id;
  body.sessionEpoch = session.epoch;
  const idOf = { zero: NULL_UUID, valid: validId, unknown: UNKNOWN_ID };
  body.topics = partitions.map(([which, partition]) => ({
    ...template,
    topicId: idOf[which],
    partitions: [{ ...template.partitions[0]!, partition }],
  }));
  return body;
}

/** The answer with broker-specific topic ids named as the request named them; a new session's random id as 'new'. */
async function answer(bootstrap: string, version: number, partitions: Named[], session: { id: number; epoch: number }) {
  const validId = ids.get(bootstrap)!;
  const c = await RawClient.connect(bootstrap);
  try {
    const r = await c.request(ApiKey.Fetch, version, request(partitions, validId, session));
    const name = (id: string) =>
      id === NULL_UUID ? 'zero' : id === validId ? 'valid' : id === UNKNOWN_ID ? 'unknown' : id;
    return {
      errorCode: r.errorCode,
      // Kafka opens a session on epoch 0 and the reference broker never does (a known difference): compare only echoed ids.
      sessionId: r.sessionId === 0 || r.sessionId === session.id ? r.sessionId : 'new',
      responses: r.responses.map((t) => [
        name(t.topicId),
        t.topic,
        t.partitions.map((p) => [p.partitionIndex, p.errorCode]),
      ]),
    };
  } finally {
    c.close();
  }
}

/** The same request to both brokers: the answers must be equal; returns Kafka's. */
async function both(version: number, partitions: Named[], session = { id: 0, epoch: -1 }) {
  const k = await answer(kafka.bootstrap, version, partitions, session);
  const r = await answer(reference.bootstrap, version, partitions, session);
  expect({ version, partitions, session, answer: r }).toEqual({ version, partitions, session, answer: k });
  return k;
}

const UNKNOWN_SERVER_ERROR = -1;
const UNKNOWN_TOPIC_ID = 100;

describe(`Fetch naming the zero topic id: reference broker vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('answers the zero id alone, or answered last, per partition with UNKNOWN_TOPIC_ID', async () => {
    for (const version of [13, 18]) {
      expect(await both(version, [['zero', 0]])).toEqual({
        errorCode: 0,
        sessionId: 0,
        responses: [['zero', '', [[0, UNKNOWN_TOPIC_ID]]]],
      });
      // the partition read comes first, so the zero id is answered last whatever the request order
      expect(
        (
          await both(version, [
            ['zero', 0],
            ['valid', 0],
          ])
        ).errorCode,
      ).toBe(0);
      expect(
        (
          await both(version, [
            ['unknown', 0],
            ['zero', 0],
          ])
        ).errorCode,
      ).toBe(0);
      expect(
        (
          await both(version, [
            ['zero', 3],
            ['zero', 3],
          ])
        ).errorCode,
      ).toBe(0);
    }
  }, 120_000);

  it('fails the whole request with a top-level UNKNOWN_SERVER_ERROR when anything is answered after the zero id (v13-v18, with or without a session)', async () => {
    const failing: Named[][] = [
      [
        ['zero', 0],
        ['zero', 1],
      ],
      [
        ['zero', 0],
        ['unknown', 0],
      ],
      [
        ['valid', 0],
        ['zero', 0],
        ['zero', 1],
      ],
      // an unknown partition of a known topic is answered after the unknown ids
      [
        ['valid', 9],
        ['zero', 0],
      ],
    ];
    for (const version of [13, 14, 15, 16, 17, 18]) {
      for (const partitions of failing.slice(0, version === 13 || version === 18 ? failing.length : 1)) {
        expect(await both(version, partitions)).toEqual({
          errorCode: UNKNOWN_SERVER_ERROR,
          sessionId: 0,
          responses: [],
        });
      }
    }
    // a new session (epoch 0) is not opened, and a full fetch naming a session id gets that id back
    expect(await both(16, failing[0]!, { id: 0, epoch: 0 })).toEqual({
      errorCode: UNKNOWN_SERVER_ERROR,
      sessionId: 0,
      responses: [],
    });
    expect(await both(16, failing[0]!, { id: 777, epoch: -1 })).toEqual({
      errorCode: UNKNOWN_SERVER_ERROR,
      sessionId: 777,
      responses: [],
    });
  }, 120_000);

  it('names topics before v13, where the zero id field does not exist', async () => {
    expect(
      (
        await both(12, [
          ['zero', 0],
          ['zero', 1],
        ])
      ).errorCode,
    ).toBe(0);
  }, 60_000);
});
