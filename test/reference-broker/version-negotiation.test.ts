/**
 * The raw client negotiates every request against the broker's ApiVersions, as Kafka's clients
 * do, here against reference brokers that serve (and advertise) narrower ranges through the
 * test-only `apiVersionLimits`: the highest common version is sent, an ApiVersions the broker
 * does not serve is retried at one it does (KIP-511), and an API with no common version gets an
 * error naming it and both ranges instead of a closed connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, UnsupportedApiError } from '../../protocol/client/raw-client.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { fetchClusterMetadata } from '../../harness/kafka-dist/cluster-metadata.ts';
import { createTopicBody, fetchBody } from '../../harness/drivers/request-bodies.ts';
import { deleteRecordsBefore, fetchOnce, LATEST, listOffset, produceRaw } from '../../scenarios/raw-reads.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const none = { min: 1, max: 0 };

let narrow: RunningBroker;
let oldApiVersions: RunningBroker;
beforeAll(async () => {
  narrow = await startTestBroker({
    apiVersionLimits: new Map([
      [0, { min: 0, max: 5 }], // Produce
      [1, { min: 0, max: 6 }], // Fetch
      [2, { min: 0, max: 2 }], // ListOffsets
      [3, { min: 0, max: 4 }], // Metadata
      [21, none], // DeleteRecords: not served at all
    ]),
  });
  oldApiVersions = await startTestBroker({ apiVersionLimits: new Map([[18, { min: 0, max: 2 }]]) });
});
afterAll(async () => {
  await narrow?.close();
  await oldApiVersions?.close();
});

async function withTopic(broker: RunningBroker, use: (raw: RawClient, topic: string) => Promise<void>): Promise<void> {
  const raw = await RawClient.connect(broker.bootstrap);
  try {
    const topic = uniqueTopic('neg');
    const created = await raw.send(ApiKey.CreateTopics, createTopicBody(topic));
    expect(created.topics[0]!.errorCode).toBe(0);
    await use(raw, topic);
  } finally {
    raw.close();
  }
}

describe('version negotiation against a narrower broker', () => {
  it("sends each request at the highest version both serve, and the scenarios' raw reads work", async () => {
    await withTopic(narrow, async (raw, topic) => {
      expect(await raw.negotiate(0, { min: 3, max: 9 })).toBe(5);
      expect(await raw.negotiate(1)).toBe(6);
      expect(await raw.negotiate(2)).toBe(2);
      const produced = await produceRaw(
        raw,
        topic,
        0,
        [
          { key: 'k', value: 'v1' },
          { key: null, value: 'v2' },
        ],
        -1,
      );
      expect(produced).toMatchObject({ errorCode: 0, baseOffset: 0 });
      expect(await listOffset(raw, topic, 0, LATEST)).toMatchObject({ errorCode: 0, offset: 2 });
      const [p] = await fetchOnce(raw, topic, new Map([[0, 0]]));
      expect(p!.records.map((r) => r.value)).toEqual(['v1', 'v2']);
      expect(raw.closed).toBe(false);
    });
  });

  it('answers an API the broker does not serve with an error naming it and the ranges, and keeps the connection', async () => {
    await withTopic(narrow, async (raw, topic) => {
      const err = await deleteRecordsBefore(raw, topic, 0, 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedApiError);
      expect((err as Error).message).toBe(
        `the broker at ${narrow.bootstrap} does not serve DeleteRecords (API key 21) at all (its ApiVersions does not list it); kconform can send v0-2`,
      );
      expect(raw.closed).toBe(false);
      expect(await listOffset(raw, topic, 0, LATEST)).toMatchObject({ errorCode: 0, offset: 0 });
    });
  });

  it('names both ranges when the broker serves the API but no version the caller can build', async () => {
    const raw = await RawClient.connect(narrow.bootstrap);
    try {
      await expect(raw.send(ApiKey.Fetch, fetchBody('unused', 0n), { versions: { min: 12, max: 12 } })).rejects.toThrow(
        `the broker at ${narrow.bootstrap} serves Fetch (API key 1) v4-6, kconform can send v12: no version in common`,
      );
      expect(raw.closed).toBe(false);
    } finally {
      raw.close();
    }
  });

  it('reads cluster metadata at the Metadata version the broker serves', async () => {
    const view = await fetchClusterMetadata(narrow.bootstrap);
    expect(view.brokers).toEqual([{ nodeId: narrow.broker.nodeId, host: narrow.host, port: narrow.port }]);
    expect(view.apiVersions.get(3)).toBe(4);
  });
});

describe('an ApiVersions version the broker does not serve (KIP-511)', () => {
  it("is answered v0 with UNSUPPORTED_VERSION and asked again at the broker's highest", async () => {
    const raw = await RawClient.connect(oldApiVersions.bootstrap);
    try {
      const served = await raw.serverVersions();
      expect(served.get(18)).toEqual({ min: 0, max: 2 });
      expect(served.get(0)?.max).toBeGreaterThanOrEqual(9);
      await withTopic(oldApiVersions, async (r, topic) => {
        expect(await produceRaw(r, topic, 0, [{ key: null, value: 'x' }], 1)).toMatchObject({
          errorCode: 0,
          baseOffset: 0,
        });
      });
    } finally {
      raw.close();
    }
  });
});
