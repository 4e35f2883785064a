/**
 * The REST Proxy v3 gateway in front of the reference broker and in front of Kafka 4.4.0 (both
 * with topic auto-creation off): records POSTed over HTTP are read back with kafkajs exactly
 * (key, value, headers, partition, offset); an unknown topic is 404 / 40403, bad JSON 400, a body
 * over the limit 413; GET /v3/clusters lists the cluster. With auto-creation on, the first POST to
 * a new topic succeeds. And `kconform load --http` end to end.
 */
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../app/gateway/gateway-server.ts';
import { startKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import type { LoadResults } from '../../app/load/load-results.ts';
import { startTestBroker, testKafka, uniqueTopic } from '../helpers/reference.ts';
import { kconform } from '../helpers/kconform-cli.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A started broker with auto-creation off. */
interface Target {
  bootstrap: string;
  stop(): Promise<void>;
}

const targets: [string, () => Promise<Target>][] = [
  [
    'reference',
    async () => {
      const b = await startTestBroker({ autoCreateTopics: false });
      return { bootstrap: b.bootstrap, stop: () => b.close() };
    },
  ],
  [
    `kafka@${LATEST_KAFKA_VERSION}`,
    async () => {
      const k = await startKafkaCluster({
        version: LATEST_KAFKA_VERSION,
        brokers: 1,
        serverProperties: { 'auto.create.topics.enable': false },
      });
      return { bootstrap: k.bootstrap, stop: () => k.stop() };
    },
  ],
];

describe.each(targets)('gateway in front of %s', (_name, start) => {
  let target: Target;
  let gateway: RunningGateway;
  let topic: string;

  beforeAll(async () => {
    target = await start();
    // An unknown topic is waited for (it may be being auto-created) as long as this before 404.
    gateway = await startGateway({ bootstrap: target.bootstrap, port: 0, topicWaitMs: 1_500 });
    topic = uniqueTopic('gw');
    await createTopicsWithLeaders(testKafka(target.bootstrap), [{ topic, numPartitions: 3, replicationFactor: 1 }]);
  });
  afterAll(async () => {
    await gateway?.close();
    await target?.stop();
  });

  const post = async (topicName: string, body: string, contentType = 'application/json') => {
    const res = await fetch(`${gateway.url}/v3/clusters/${gateway.clusterId}/topics/${topicName}/records`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('lists the cluster', async () => {
    const res = await fetch(`${gateway.url}/v3/clusters`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { kind: string; data: { cluster_id: string; kind: string }[] };
    expect(list.kind).toBe('KafkaClusterList');
    expect(list.data.map((c) => c.cluster_id)).toEqual([gateway.clusterId]);
    expect((await fetch(`${gateway.url}/v3/clusters/${gateway.clusterId}`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/v3/clusters/no-such-cluster`)).status).toBe(404);
  });

  it('produces records that kafkajs reads back exactly where the answers said', async () => {
    const requests = [
      {
        key: { type: 'STRING', data: 'k1' },
        value: { type: 'JSON', data: { n: 1, s: 'é' } },
        headers: [{ name: 'h', value: b64('v1') }],
      },
      { key: { type: 'BINARY', data: b64('\u0000k2') }, value: { type: 'STRING', data: 'two' }, partition_id: 1 },
      { value: { type: 'BINARY', data: b64('three') }, partition_id: 2, timestamp: '2024-05-06T07:08:09.010Z' },
      { key: { type: 'STRING', data: 'k4' }, value: { type: 'STRING', data: 'four' }, partition_id: 1 },
    ];
    const answers: Record<string, any>[] = [];
    for (const r of requests) {
      const res = await post(topic, JSON.stringify(r));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ error_code: 200, cluster_id: gateway.clusterId, topic_name: topic });
      answers.push(res.body);
    }
    expect(answers[0]!.key).toEqual({ type: 'STRING', size: 2 });
    expect(answers[0]!.value).toEqual({ type: 'JSON', size: Buffer.byteLength('{"n":1,"s":"é"}') });
    expect(answers[2]!.key).toBeUndefined();
    expect(answers[2]!.timestamp).toBe('2024-05-06T07:08:09.010Z');
    expect([answers[1]!.partition_id, answers[2]!.partition_id, answers[3]!.partition_id]).toEqual([1, 2, 1]);
    expect(answers[3]!.offset).toBe(answers[1]!.offset + 1);

    const consumer = testKafka(target.bootstrap).consumer({ groupId: uniqueTopic('gw-read'), maxWaitTimeInMs: 200 });
    const seen = new Map<
      string,
      { key: Buffer | null; value: Buffer | null; headers: Record<string, unknown>; timestamp: string }
    >();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) =>
        void seen.set(`${partition}@${message.offset}`, {
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          timestamp: message.timestamp,
        }),
    });
    for (let i = 0; i < 300 && seen.size < requests.length; i++) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();

    const at = (i: number) => seen.get(`${answers[i]!.partition_id}@${answers[i]!.offset}`);
    expect(seen.size).toBe(requests.length);
    expect(at(0)!.key!.toString()).toBe('k1');
    expect(JSON.parse(at(0)!.value!.toString())).toEqual({ n: 1, s: 'é' });
    expect(String(at(0)!.headers.h)).toBe('v1');
    expect(at(1)!.key).toEqual(Buffer.from('\u0000k2'));
    expect(at(1)!.value!.toString()).toBe('two');
    expect(at(2)!.key).toBeNull();
    expect(at(2)!.value!.toString()).toBe('three');
    expect(at(2)!.timestamp).toBe(String(Date.UTC(2024, 4, 6, 7, 8, 9, 10)));
    expect(at(3)!.value!.toString()).toBe('four');
  });

  it('answers an unknown topic with 404 / 40403 (auto-creation off), an unknown partition too', async () => {
    const res = await post(uniqueTopic('missing'), JSON.stringify({ value: { type: 'STRING', data: 'x' } }));
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe(40403);
    const partition = await post(topic, JSON.stringify({ value: { type: 'STRING', data: 'x' }, partition_id: 99 }));
    expect(partition.status).toBe(404);
    expect(partition.body.error_code).toBe(40403);
  });

  it('answers bad JSON with 400, a wrong content type with 415, a record too large with 413', async () => {
    const bad = await post(topic, '{"value": {"type": "STRING", "data": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe(400);
    expect(bad.body.message).toMatch(/JSON/);
    const media = await post(topic, 'value=x', 'application/x-www-form-urlencoded');
    expect(media.status).toBe(415);
    const large = await post(topic, JSON.stringify({ value: { type: 'STRING', data: 'x'.repeat(2 << 20) } }));
    expect(large.status).toBe(413);
    expect(large.body.error_code).toBe(413);
  });

  it('answers a body over the request limit with 413, not a connection reset', async () => {
    const over = await post(topic, JSON.stringify({ value: { type: 'STRING', data: 'x'.repeat(16 << 20) } }));
    expect(over.status).toBe(413);
    expect(over.body.error_code).toBe(413);
    expect(over.body.message).toMatch(/larger than allowed threshold/);
    // the gateway still serves
    expect((await post(topic, JSON.stringify({ value: { type: 'STRING', data: 'after' } }))).status).toBe(200);
  });
});

/** The same targets with topic auto-creation on (each broker's default). */
const autoCreating: [string, () => Promise<Target>][] = [
  [
    'reference',
    async () => {
      const b = await startTestBroker();
      return { bootstrap: b.bootstrap, stop: () => b.close() };
    },
  ],
  [
    `kafka@${LATEST_KAFKA_VERSION}`,
    async () => {
      const k = await startKafkaCluster({ version: LATEST_KAFKA_VERSION, brokers: 1 });
      return { bootstrap: k.bootstrap, stop: () => k.stop() };
    },
  ],
];

describe.each(autoCreating)('gateway in front of %s with topic auto-creation', (_name, start) => {
  let target: Target;
  let gateway: RunningGateway;
  beforeAll(async () => {
    target = await start();
    gateway = await startGateway({ bootstrap: target.bootstrap, port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await target?.stop();
  });

  it("answers the README's first POST to a new topic with 200, as REST Proxy waits for the auto-created topic", async () => {
    const topic = uniqueTopic('mmr');
    const url = `${gateway.url}/v3/clusters/${gateway.clusterId}/topics/${topic}/records`;
    const body = JSON.stringify({ value: { type: 'JSON', data: { ver: '1.0' } } });
    // several first requests at once, as a load test's first second sends them
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, any>,
        })),
      ),
    );
    for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(answers.map((a) => a.body.offset).sort()).toEqual([0, 1, 2]);
    expect(answers.every((a) => a.body.topic_name === topic)).toBe(true);
  });
});

describe('kconform load --http', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kconform-load-http-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('drives the gateway in front of the reference broker with autocannon and finds every acknowledged record', async () => {
    const out = join(scratch, 'http');
    const r = await kconform(
      [
        'load',
        '--http',
        '--target',
        'reference',
        '--duration',
        '3',
        '--producers',
        '4',
        '--record-size',
        '256',
        '--out',
        out,
      ],
      { cwd: scratch },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/HTTP \(autocannon\)/);
    const load = JSON.parse(readFileSync(join(out, 'load.json'), 'utf8')) as LoadResults;
    expect(load.mode).toBe('http');
    expect(load.http!.responses2xx).toBeGreaterThan(0);
    expect(load.http!.non2xx).toBe(0);
    expect(load.http!.latencyMs.p50).toBeLessThanOrEqual(load.http!.latencyMs.p99);
    expect(load.http!.readBack).toBe(load.http!.responses2xx);
    expect(load.http!.lostAcked).toBe(0);
  });
});
