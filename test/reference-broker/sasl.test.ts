/**
 * SASL_PLAINTEXT with PLAIN and SCRAM-SHA-256 on the reference broker and on Kafka 4.4.0
 * configured the same way (same mechanisms, same users): the same raw-protocol exchanges must
 * get the same answers (error codes, Kafka's messages, a closed connection where Kafka closes),
 * and kafkajs must produce and consume with the right password and be refused with a wrong one.
 */
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeResponse, encodeRequest } from '../../protocol/messages/frames.ts';
import { splitHostPort } from '../../protocol/client/host-port.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { Kafka, logLevel } from 'kafkajs';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ScramClientExchange } from '../../reference-broker/auth/scram.ts';
import { plainToken } from '../../reference-broker/auth/plain.ts';
import { saslListenerConfig } from '../../reference-broker/auth/sasl-config.ts';
import { defaultBrokerConfig } from '../../reference-broker/config.ts';
import { startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const USERS = new Map([
  ['alice', 'alice-secret'],
  ['bob', 'bob-secret'],
]);
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256'] as const;
const metadataBody = {
  topics: null,
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
};

let reference: RunningBroker;
let kafka: StartedKafka;

beforeAll(async () => {
  [reference, kafka] = await Promise.all([
    startTestBroker({ sasl: saslListenerConfig(MECHANISMS, USERS) }),
    startKafkaNode({ version: '4.4.0', sasl: { mechanisms: MECHANISMS, users: USERS } }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([reference?.close(), kafka?.stop()]);
});

const targets = [
  { name: 'reference', bootstrap: () => reference.bootstrap },
  { name: 'kafka@4.4.0', bootstrap: () => kafka.saslBootstrap! },
];

/** ApiVersions then SaslHandshake v1 for `mechanism`, as a client does first. */
async function handshake(c: RawClient, mechanism: string): Promise<{ errorCode: number; mechanisms: string[] }> {
  const av = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '1' });
  expect(av.errorCode).toBe(0);
  return c.request(ApiKey.SaslHandshake, 1, { mechanism });
}

const authenticate = (c: RawClient, bytes: Buffer) => c.request(ApiKey.SaslAuthenticate, 2, { authBytes: bytes });

/** The exchange of a client that logs in with SCRAM-SHA-256; resolves with the final answer and whether the server proved it knows the credential. */
async function scramLogin(c: RawClient, user: string, password: string) {
  const h = await handshake(c, 'SCRAM-SHA-256');
  expect(h.errorCode).toBe(0);
  const client = new ScramClientExchange(user, password);
  const first = await authenticate(c, client.first());
  if (first.errorCode !== 0) return { answer: first, serverProved: false };
  const final = await authenticate(c, client.final(first.authBytes));
  return { answer: final, serverProved: final.errorCode === 0 && client.verify(final.authBytes) };
}

describe.each(targets)('SASL_PLAINTEXT on $name', ({ bootstrap }) => {
  it('lists both mechanisms in ApiVersions-then-SaslHandshake and serves Metadata after PLAIN', async () => {
    const c = await RawClient.connect(bootstrap());
    try {
      const h = await handshake(c, 'PLAIN');
      expect(h.errorCode).toBe(0);
      expect([...h.mechanisms].sort()).toEqual([...MECHANISMS].sort());
      const a = await authenticate(c, plainToken('alice', 'alice-secret'));
      expect(a).toMatchObject({ errorCode: 0, errorMessage: '' });
      const md = await c.request(ApiKey.Metadata, 12, metadataBody);
      expect(md.brokers.length).toBe(1);
      // After authentication SaslAuthenticate reaches the API layer, which refuses it and keeps the connection.
      const again = await authenticate(c, plainToken('alice', 'alice-secret'));
      expect(again).toMatchObject({
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: 'SaslAuthenticate request received after successful authentication',
      });
      expect((await c.request(ApiKey.Metadata, 12, metadataBody)).brokers.length).toBe(1);
    } finally {
      c.close();
    }
  });

  it('refuses an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list, then closes', async () => {
    const c = await RawClient.connect(bootstrap());
    const h = await handshake(c, 'GSSAPI');
    expect(h.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect([...h.mechanisms].sort()).toEqual([...MECHANISMS].sort());
    await c.waitForClose(5_000);
  });

  it('closes the connection, without an answer, on Metadata before authentication', async () => {
    const c = await RawClient.connect(bootstrap());
    await expect(c.request(ApiKey.Metadata, 12, metadataBody, 5_000)).rejects.toThrow(/closed/);
  });

  it('answers Metadata sent instead of the token with ILLEGAL_SASL_STATE on each topic, then closes', async () => {
    const c = await RawClient.connect(bootstrap());
    expect((await handshake(c, 'PLAIN')).errorCode).toBe(0);
    const md = await c.request(
      ApiKey.Metadata,
      12,
      { ...metadataBody, topics: [{ topicId: NULL_UUID, name: 'secret-topic' }] },
      5_000,
    );
    expect(md.brokers).toEqual([]);
    expect(md.topics.map((t) => [t.name, t.errorCode])).toEqual([['secret-topic', ErrorCode.ILLEGAL_SASL_STATE]]);
    await c.waitForClose(5_000);
  });

  it('answers a second SaslHandshake sent instead of the token with ILLEGAL_SASL_STATE, then closes', async () => {
    const c = await RawClient.connect(bootstrap());
    expect((await handshake(c, 'PLAIN')).errorCode).toBe(0);
    expect(await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' }, 5_000)).toMatchObject({
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      mechanisms: [],
    });
    await c.waitForClose(5_000);
  });

  it('closes the connection on a second ApiVersions before the handshake', async () => {
    const c = await RawClient.connect(bootstrap());
    await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '1' });
    await expect(
      c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '1' }, 5_000),
    ).rejects.toThrow(/closed/);
  });

  it('closes the connection on a frame larger than sasl.server.max.receive.size before authentication', async () => {
    const c = await RawClient.connect(bootstrap());
    const head = Buffer.alloc(8);
    head.writeInt32BE(1024 * 1024, 0);
    await c.sendRaw(head);
    await c.waitForClose(5_000);
  });

  it.each([
    ['a wrong password', 'alice', 'nope'],
    ['an unknown user', 'mallory', 'alice-secret'],
  ])(
    'PLAIN: %s gets SASL_AUTHENTICATION_FAILED with Kafka’s message, then the connection closes',
    async (_what, user, password) => {
      const c = await RawClient.connect(bootstrap());
      expect((await handshake(c, 'PLAIN')).errorCode).toBe(0);
      const a = await authenticate(c, plainToken(user, password));
      expect(a).toMatchObject({
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: 'Authentication failed: Invalid username or password',
      });
      await c.waitForClose(5_000);
    },
  );

  it('SCRAM-SHA-256: the right password completes with a server signature only the broker could compute', async () => {
    const c = await RawClient.connect(bootstrap());
    try {
      const { answer, serverProved } = await scramLogin(c, 'bob', 'bob-secret');
      expect(answer.errorCode).toBe(0);
      expect(serverProved).toBe(true);
      expect((await c.request(ApiKey.Metadata, 12, metadataBody)).brokers.length).toBe(1);
    } finally {
      c.close();
    }
  });

  it.each([
    ['a wrong password', 'bob', 'nope'],
    ['an unknown user', 'mallory', 'bob-secret'],
  ])(
    'SCRAM-SHA-256: %s gets SASL_AUTHENTICATION_FAILED with Kafka’s fixed message, then the connection closes',
    async (_what, user, password) => {
      const c = await RawClient.connect(bootstrap());
      const { answer } = await scramLogin(c, user, password);
      expect(answer).toMatchObject({
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage:
          'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
      });
      await c.waitForClose(5_000);
    },
  );

  it('SaslHandshake v0: the PLAIN token travels as a bare frame and the answer is an empty frame', async () => {
    // The bare token and its bare answer carry no correlation id, so this one speaks over a plain socket.
    const { host, port } = splitHostPort(bootstrap());
    const socket = connect({ host, port });
    try {
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const received: Buffer[] = [];
      socket.on('data', (d) => received.push(d));
      const bytes = async (n: number): Promise<Buffer> => {
        for (let i = 0; i < 100 && Buffer.concat(received).length < n; i++) await sleep(50);
        return Buffer.concat(received.splice(0));
      };
      socket.write(
        encodeRequest(
          { apiKey: ApiKey.SaslHandshake, apiVersion: 0, correlationId: 1, clientId: 'kconform' },
          { mechanism: 'PLAIN' },
        ),
      );
      const answer = await bytes(4);
      expect(decodeResponse(ApiKey.SaslHandshake, 0, answer.subarray(4)).body).toMatchObject({ errorCode: 0 });
      const token = plainToken('alice', 'alice-secret');
      const frame = Buffer.alloc(4 + token.length);
      frame.writeInt32BE(token.length, 0);
      token.copy(frame, 4);
      socket.write(frame);
      expect([...(await bytes(4))]).toEqual([0, 0, 0, 0]);
      socket.write(
        encodeRequest(
          { apiKey: ApiKey.Metadata, apiVersion: 12, correlationId: 2, clientId: 'kconform' },
          metadataBody,
        ),
      );
      const md = await bytes(8);
      expect((decodeResponse(ApiKey.Metadata, 12, md.subarray(4)).body as { brokers: unknown[] }).brokers.length).toBe(
        1,
      );
    } finally {
      socket.destroy();
    }
  });

  it.each(['plain', 'scram-sha-256'] as const)(
    'kafkajs with SASL/%s produces and consumes with the right password and is refused with a wrong one',
    async (mechanism) => {
      const client = (password: string) =>
        new Kafka({
          clientId: 'kconform-sasl',
          brokers: [bootstrap()],
          logLevel: logLevel.NOTHING,
          sasl: { mechanism, username: 'alice', password } as never,
          retry: { retries: 2 },
        });
      const topic = uniqueTopic(`sasl-${mechanism}`);
      const good = client('alice-secret');
      await createTopicsWithLeaders(good, [{ topic, numPartitions: 1 }]);
      const producer = good.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'authenticated write' }] });
      await producer.disconnect();
      const consumer = good.consumer({ groupId: `g-${topic}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no record within 20 s')), 20_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message.value!.toString());
          },
        });
      });
      await consumer.disconnect();
      expect(got).toBe('authenticated write');

      const bad = client('wrong-password').producer();
      await expect(bad.connect()).rejects.toThrow(/SASL.*authentication failed/i);
      await bad.disconnect();
    },
    60_000,
  );
});

describe('default listeners', () => {
  it('bind 127.0.0.1 only: the reference broker by default, and every Kafka listener the harness writes', async () => {
    expect(defaultBrokerConfig().host).toBe('127.0.0.1');
    expect(reference.host).toBe('127.0.0.1');
    const props = await readFile(`${kafka.dataDir}/server.properties`, 'utf8');
    const listeners = /^listeners=(.*)$/m.exec(props)![1]!.split(',');
    expect(listeners.length).toBe(3);
    for (const l of listeners) expect(l).toMatch(/^[A-Z_]+:\/\/127\.0\.0\.1:\d+$/);
  });
});
