/**
 * The TCP proxy's faults take effect and heal, against the reference broker and Kafka: a dropped
 * Produce response makes the producer retry a batch that was already written — an idempotent
 * producer still writes it once, a plain one writes it twice (Kafka's documented at-least-once).
 */
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLevel } from 'kafkajs';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { splitHostPort } from '../../protocol/client/host-port.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { startKafkaNode, LATEST_KAFKA_VERSION, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { startProxies, type TcpProxy } from '../../harness/nemesis/tcp-proxy.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { apiVersionsBody } from '../../harness/drivers/request-bodies.ts';

let reference: RunningBroker;
let kafka: StartedKafka;

beforeAll(async () => {
  [reference, kafka] = await Promise.all([startTestBroker(), startKafkaNode({ version: LATEST_KAFKA_VERSION })]);
}, 180_000);
afterAll(async () => {
  await Promise.all([reference?.close(), kafka?.stop()]);
});

async function countAfterLostResponse(proxy: TcpProxy, idempotent: boolean): Promise<number> {
  const bootstrap = `${proxy.listen.host}:${proxy.listen.port}`;
  const client = kafkajsClient([bootstrap], 'proxy-test', {
    logLevel: logLevel.NOTHING,
    requestTimeout: 1500,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  const topic = uniqueTopic('lost-ack');
  await createTopicsWithLeaders(client, [{ topic, numPartitions: 1 }]);
  const producer = client.producer({
    idempotent,
    maxInFlightRequests: 1,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  await producer.connect();
  proxy.dropResponses({ apiKey: 0, count: 1 });
  await producer.send({ topic, acks: -1, messages: [{ value: 'once' }] });
  await producer.disconnect();
  expect(proxy.dropped.get(0)).toBeGreaterThanOrEqual(1);
  const admin = client.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return Number(offsets[0]!.high);
}

describe.each(['reference', 'kafka'])('TCP proxy in front of %s', (which) => {
  let proxies: TcpProxy[];
  beforeAll(async () => {
    proxies = await startProxies([splitHostPort(which === 'reference' ? reference.bootstrap : kafka.bootstrap)]);
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
  });

  it('keeps clients on the proxy by rewriting advertised addresses', async () => {
    const c = await RawClient.connect(`${proxies[0]!.listen.host}:${proxies[0]!.listen.port}`);
    const meta = await c.request(ApiKey.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(meta.brokers.map((b) => b.port)).toEqual([proxies[0]!.listen.port]);
    c.close();
  });

  it('blackholes and heals', async () => {
    const c = await RawClient.connect(`${proxies[0]!.listen.host}:${proxies[0]!.listen.port}`);
    proxies[0]!.blackhole();
    await expect(c.request(ApiKey.ApiVersions, 0, apiVersionsBody(), 500)).rejects.toThrow(/no response/);
    proxies[0]!.heal();
    const c2 = await RawClient.connect(`${proxies[0]!.listen.host}:${proxies[0]!.listen.port}`);
    expect((await c2.request(ApiKey.ApiVersions, 0, apiVersionsBody(), 5000)).errorCode).toBe(0);
    c.close();
    c2.close();
  });

  it('a lost Produce response: the idempotent producer writes once', async () => {
    expect(await countAfterLostResponse(proxies[0]!, true)).toBe(1);
  }, 60_000);

  it('a lost Produce response: a plain producer writes twice', async () => {
    expect(await countAfterLostResponse(proxies[0]!, false)).toBe(2);
  }, 60_000);
});
