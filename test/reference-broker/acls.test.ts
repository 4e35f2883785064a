/**
 * ACLs on the reference broker and on Kafka 4.4.0 with StandardAuthorizer, both with a
 * SASL_PLAINTEXT listener (PLAIN) and `super.users=User:admin`: the same raw CreateAcls,
 * DescribeAcls and DeleteAcls requests, and Produce, Fetch, Metadata and CreateTopics by users
 * with and without ACLs, must get the same answers (error codes and Kafka's messages; a denied
 * cluster operation's message names Kafka's internal request object, so only its code is
 * compared). kafkajs with a denied user gets the authorization error. The reference broker
 * keeps its ACLs across a restart (they are in its metadata log).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicBody, fetchBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { STANDARD_AUTHORIZER_CLASS } from '../../reference-broker/acls/authorizer.ts';
import { plainToken } from '../../reference-broker/auth/plain.ts';
import { saslListenerConfig } from '../../reference-broker/auth/sasl-config.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

const USERS = new Map([
  ['admin', 'admin-secret'],
  ['alice', 'alice-secret'],
  ['bob', 'bob-secret'],
]);
const sasl = () => saslListenerConfig(['PLAIN'], USERS);
const authorizer = { superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false };

// Codes (acl-model.ts)
const TOPIC = 2;
const GROUP = 3;
const CLUSTER = 4;
const ANY = 1;
const MATCH = 2;
const LITERAL = 3;
const PREFIXED = 4;
const READ = 3;
const WRITE = 4;
const DESCRIBE = 8;
const ALLOW = 3;
const DENY = 2;

let reference: RunningBroker;
let kafka: StartedKafka;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kconform-acls-'));
  [reference, kafka] = await Promise.all([
    startTestBroker({ sasl: sasl(), authorizer, dataDir }),
    startKafkaNode({
      version: '4.4.0',
      sasl: { mechanisms: ['PLAIN'], users: USERS },
      // the harness's own probe and the controller use PLAINTEXT as User:ANONYMOUS
      serverProperties: {
        'authorizer.class.name': STANDARD_AUTHORIZER_CLASS,
        'super.users': 'User:ANONYMOUS;User:admin',
      },
    }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([reference?.close(), kafka?.stop()]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A raw connection authenticated as `user` with SASL/PLAIN. */
async function login(bootstrap: string, user: string): Promise<RawClient> {
  const c = await RawClient.connect(bootstrap);
  await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'kconform', clientSoftwareVersion: '1' });
  expect((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
  const a = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken(user, USERS.get(user)!) });
  expect(a.errorCode).toBe(0);
  return c;
}

const creation = (o: Partial<Record<string, unknown>>) => ({
  resourceType: TOPIC,
  resourceName: 'x',
  resourcePatternType: LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: READ,
  permissionType: ALLOW,
  ...o,
});
const filter = (o: Partial<Record<string, unknown>>) => ({
  resourceTypeFilter: ANY,
  resourceNameFilter: null,
  patternTypeFilter: ANY,
  principalFilter: null,
  hostFilter: null,
  operation: ANY,
  permissionType: ANY,
  ...o,
});

/** DescribeAcls resources in a fixed order (Kafka builds them from hash maps). */
function sortedResources(resources: { resourceName: string; patternType: number; acls: object[] }[]) {
  return resources
    .map((r) => ({ ...r, acls: [...r.acls].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) }))
    .sort((a, b) => `${a.resourceName}/${a.patternType}`.localeCompare(`${b.resourceName}/${b.patternType}`));
}

const metadata = (topics: string[] | null, allowAutoTopicCreation = false) => ({
  topics: topics === null ? null : topics.map((name) => ({ topicId: NULL_UUID, name })),
  allowAutoTopicCreation,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: true,
});

/**
 * The scripted session, run on each target with the same topic names: what each step answered,
 * made comparable (sorted where Kafka's order is a hash map's).
 */
async function session(bootstrap: string, topic: string) {
  const out: Record<string, unknown> = {};
  const admin = await login(bootstrap, 'admin');
  const alice = await login(bootstrap, 'alice');
  const bob = await login(bootstrap, 'bob');
  try {
    const created = await admin.request(ApiKey.CreateTopics, 7, createTopicBody(topic, { partitions: 1 }));
    expect(created.topics[0]!.errorCode).toBe(0);

    const create = await admin.request(ApiKey.CreateAcls, 3, {
      creations: [
        creation({ resourceName: topic }),
        creation({ resourceName: topic }), // the same binding twice: stored once
        creation({ resourceName: `${topic}-p`, resourcePatternType: PREFIXED, operation: WRITE }),
        creation({ resourceName: topic, principal: 'User:bob', operation: READ, permissionType: DENY }),
        creation({ resourceName: `${topic}-g`, resourceType: GROUP }),
        creation({ resourceType: CLUSTER, resourceName: 'not-the-cluster' }),
        creation({ resourceName: '' }),
        creation({ resourceType: 99 }),
        creation({ resourcePatternType: 99 }),
        creation({ operation: 99 }),
        creation({ permissionType: 99 }),
      ],
    });
    out.createAcls = create.results;

    // Kafka cannot build a binding with ANY/MATCH: the whole request fails.
    out.createAclsMatch = (
      await admin.request(ApiKey.CreateAcls, 3, {
        creations: [creation({ resourceName: topic }), creation({ resourcePatternType: MATCH })],
      })
    ).results;

    out.createAclsDenied = (
      await alice.request(ApiKey.CreateAcls, 3, { creations: [creation({ resourceName: topic })] })
    ).results.map((r) => r.errorCode);

    const describe = async (c: RawClient, f: object) => {
      const r = await c.request(ApiKey.DescribeAcls, 3, filter(f) as never);
      return { errorCode: r.errorCode, errorMessage: r.errorMessage, resources: sortedResources(r.resources) };
    };
    // the same wait for the created ACLs to reach Kafka's broker-side authorizer (all five: two on the topic)
    const literal = () =>
      describe(admin, { resourceTypeFilter: TOPIC, resourceNameFilter: topic, patternTypeFilter: LITERAL });
    let onTopic = await literal();
    for (let i = 0; i < 100 && onTopic.resources[0]?.acls.length !== 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      onTopic = await literal();
    }
    out.describeTopicLiteral = onTopic;
    out.describeMatch = await describe(admin, {
      resourceNameFilter: `${topic}-p-1`,
      patternTypeFilter: MATCH,
      resourceTypeFilter: TOPIC,
    });
    out.describeByPrincipal = await describe(admin, { principalFilter: 'User:bob' });
    out.describeUnknownCode = await describe(admin, { resourceTypeFilter: 99 });
    const denied = await alice.request(ApiKey.DescribeAcls, 3, filter({}) as never);
    out.describeDenied = [denied.errorCode, denied.resources.length];

    // alice may READ the topic (and so DESCRIBE it), not WRITE it; bob is denied READ and has nothing else
    const batch = buildRecordBatch([{ value: 'v' }]);
    const produce = async (c: RawClient, t: string) =>
      (await c.request(ApiKey.Produce, 9, produceBody(t, batch))).responses.map((r) => [
        r.name,
        r.partitionResponses.map((p) => p.errorCode),
      ]);
    out.produceAlice = await produce(alice, topic);
    out.produceAdmin = await produce(admin, topic);
    out.produceAliceUnknown = await produce(alice, `${topic}-none`);
    out.produceAlicePrefixedUnknown = await produce(alice, `${topic}-p-none`);
    const fetch = async (c: RawClient, t: string) =>
      (await c.request(ApiKey.Fetch, 12, fetchBody(t, 0n))).responses.map((r) => [
        r.topic,
        r.partitions.map((p) => p.errorCode),
      ]);
    out.fetchAlice = await fetch(alice, topic);
    out.fetchBob = await fetch(bob, topic);

    const md = async (c: RawClient, topics: string[] | null, auto = false) =>
      (await c.request(ApiKey.Metadata, 12, metadata(topics, auto))).topics
        .filter((t) => t.name === null || t.name.startsWith(topic))
        .map((t) => [t.name, t.errorCode, t.topicId === NULL_UUID, t.topicAuthorizedOperations]);
    out.metadataAllAlice = await md(alice, null);
    out.metadataAllBob = await md(bob, null);
    out.metadataNamedBob = await md(bob, [topic, `${topic}-none`]);
    out.metadataAutoCreateAlice = await md(alice, [`${topic}-p-auto`], true);

    // a field holding UNKNOWN (0) itself: Kafka's request class refuses to parse, the connection closes
    const zero = await login(bootstrap, 'admin');
    out.createAclsZeroCode = await zero
      .request(ApiKey.CreateAcls, 3, { creations: [creation({ resourceName: topic, operation: 0 })] }, 5_000)
      .then(
        () => 'answered',
        (e: Error) => (/closed/.test(e.message) ? 'closed' : e.message),
      );
    zero.close();

    const coordinator = await alice.request(ApiKey.FindCoordinator, 4, {
      key: '',
      keyType: 0,
      coordinatorKeys: [`${topic}-g`, `${topic}-other`],
    });
    // (COORDINATOR_NOT_AVAILABLE's message differs, null against Kafka's '': a known difference without ACLs)
    out.findCoordinatorAlice = coordinator.coordinators
      .map((c) => [c.key, c.errorCode, c.errorCode === ErrorCode.GROUP_AUTHORIZATION_FAILED ? c.errorMessage : '-'])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    out.heartbeatBob = (
      await bob.request(ApiKey.Heartbeat, 4, {
        groupId: `${topic}-g`,
        generationId: 1,
        memberId: 'm',
        groupInstanceId: null,
      })
    ).errorCode;

    // READ does not imply DESCRIBE_CONFIGS; broker configs need it on the cluster
    out.describeConfigsAlice = (
      await alice.request(ApiKey.DescribeConfigs, 4, {
        resources: [
          { resourceType: 2, resourceName: topic, configurationKeys: ['retention.ms'] },
          { resourceType: 4, resourceName: '', configurationKeys: ['num.partitions'] },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      })
    ).results.map((r) => [r.resourceType, r.resourceName, r.errorCode, r.errorMessage]);
    out.alterConfigsAlice = (
      await alice.request(ApiKey.IncrementalAlterConfigs, 1, {
        resources: [
          {
            resourceType: 2,
            resourceName: topic,
            configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }],
          },
        ],
        validateOnly: false,
      })
    ).responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage]);

    // alice may READ (so DESCRIBE) ${topic}-g, nothing on ${topic}-other
    out.describeGroupsAlice = (
      await alice.request(ApiKey.DescribeGroups, 5, {
        groups: [`${topic}-other`, `${topic}-g`],
        includeAuthorizedOperations: true,
      })
    ).groups.map((g) =>
      // the allowed group's state is the coordinator's (Kafka may still be loading __consumer_offsets)
      g.errorCode === ErrorCode.GROUP_AUTHORIZATION_FAILED
        ? [g.groupId, g.errorCode, g.errorMessage, g.groupState, g.authorizedOperations]
        : [g.groupId, 'allowed'],
    );
    out.deleteGroupsAlice = (
      await alice.request(ApiKey.DeleteGroups, 2, { groupsNames: [`${topic}-other`, `${topic}-g`] })
    ).results.map((g) => [g.groupId, g.errorCode]);

    out.initProducerIdAlice = (
      await alice.request(ApiKey.InitProducerId, 5, {
        transactionalId: `${topic}-txn`,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      })
    ).errorCode;
    out.deleteTopicsAlice = (
      await alice.request(ApiKey.DeleteTopics, 5, { topicNames: [topic, `${topic}-none`], topics: [], timeoutMs: 5000 })
    ).responses
      .map((r) => [r.name, r.errorCode, r.errorMessage])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

    out.createTopicsAlice = (
      await alice.request(ApiKey.CreateTopics, 7, createTopicBody(`${topic}-alice`, { partitions: 1 }))
    ).topics.map((t) => [t.name, t.errorCode, t.errorMessage]);

    const del = await admin.request(ApiKey.DeleteAcls, 3, {
      filters: [
        filter({
          resourceTypeFilter: TOPIC,
          resourceNameFilter: topic,
          patternTypeFilter: LITERAL,
          permissionType: DENY,
        }),
        filter({ resourceNameFilter: `${topic}-p`, patternTypeFilter: PREFIXED }),
        filter({ operation: 99 }),
      ],
    });
    out.deleteAcls = del.filterResults.map((f) => ({
      ...f,
      matchingAcls: f.matchingAcls.map((a) => JSON.stringify(a)).sort(),
    }));
    out.deleteAclsDenied = (await alice.request(ApiKey.DeleteAcls, 3, { filters: [filter({})] })).filterResults.map(
      (f) => f.errorCode,
    );
    out.fetchBobAfterDelete = await fetch(bob, topic);
    // Kafka answers DeleteAcls once the controller committed; its broker's authorizer applies the
    // removal a moment later, so the describe waits until the deleted DENY is gone (or 10 s)
    const after = () => describe(admin, { resourceNameFilter: topic, patternTypeFilter: MATCH });
    let afterDelete = await after();
    for (let i = 0; i < 100 && JSON.stringify(afterDelete).includes('"permissionType":2'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      afterDelete = await after();
    }
    out.describeAfterDelete = afterDelete;
  } finally {
    for (const c of [admin, alice, bob]) c.close();
  }
  return out;
}

describe('ACLs: reference broker and Kafka 4.4.0 with StandardAuthorizer', () => {
  it('answer the same raw requests alike', async () => {
    const topic = uniqueTopic('acl');
    const [ref, real] = await Promise.all([session(reference.bootstrap, topic), session(kafka.saslBootstrap!, topic)]);
    for (const key of Object.keys(real)) expect.soft(ref[key], key).toEqual(real[key]);
    // and the answers are the authorization errors, not a coincidence of two broken brokers
    expect(ref.produceAlice).toEqual([[topic, [ErrorCode.TOPIC_AUTHORIZATION_FAILED]]]);
    expect(ref.fetchAlice).toEqual([[topic, [ErrorCode.NONE]]]);
    expect(ref.fetchBob).toEqual([[topic, [ErrorCode.TOPIC_AUTHORIZATION_FAILED]]]);
    expect(ref.createAclsDenied).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED]);
    expect(ref.metadataAllBob).toEqual([]);
    expect(ref.heartbeatBob).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    expect(ref.createAclsZeroCode).toBe('closed');
    expect(ref.initProducerIdAlice).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect(ref.alterConfigsAlice).toEqual([
      [topic, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.'],
    ]);
  }, 120_000);

  it('kafkajs with a denied user gets TOPIC_AUTHORIZATION_FAILED', async () => {
    const topic = uniqueTopic('acl-kjs');
    const admin = await login(reference.bootstrap, 'admin');
    try {
      expect(
        (await admin.request(ApiKey.CreateTopics, 7, createTopicBody(topic, { partitions: 1 }))).topics[0]!.errorCode,
      ).toBe(0);
      const acl = await admin.request(ApiKey.CreateAcls, 3, {
        creations: [creation({ resourceName: topic, principal: 'User:alice', operation: DESCRIBE })],
      });
      expect(acl.results[0]!.errorCode).toBe(0);
    } finally {
      admin.close();
    }
    const client = new Kafka({
      clientId: 'kconform-acls',
      brokers: [reference.bootstrap],
      logLevel: logLevel.NOTHING,
      sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
      retry: { retries: 1 },
    });
    const producer = client.producer();
    await producer.connect();
    try {
      await expect(producer.send({ topic, messages: [{ value: 'denied' }] })).rejects.toMatchObject({
        type: 'TOPIC_AUTHORIZATION_FAILED',
      });
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  it('keeps the ACLs across a restart of the reference broker', async () => {
    const topic = uniqueTopic('acl-restart');
    const admin = await login(reference.bootstrap, 'admin');
    try {
      const r = await admin.request(ApiKey.CreateAcls, 3, { creations: [creation({ resourceName: topic })] });
      expect(r.results[0]!.errorCode).toBe(0);
    } finally {
      admin.close();
    }
    await reference.close();
    reference = await startTestBroker({ sasl: sasl(), authorizer, dataDir });
    const again = await login(reference.bootstrap, 'admin');
    try {
      const d = await again.request(ApiKey.DescribeAcls, 3, filter({ resourceNameFilter: topic }) as never);
      expect(d.resources.map((x) => [x.resourceName, x.acls.map((a) => a.principal)])).toEqual([
        [topic, ['User:alice']],
      ]);
    } finally {
      again.close();
    }
  }, 60_000);
});
