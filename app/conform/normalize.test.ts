import { describe, expect, it } from 'vitest';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { IdentityMap, fakeTopicId } from './identity-map.ts';
import { normalizeBody, normalizeOutcome, type NormalizeContext } from './normalize.ts';

const NOW = 1_800_000_000_000;

function ctx(ids = new IdentityMap()): NormalizeContext {
  return { ids, ownTopic: (n) => n.startsWith('conform-'), ownGroup: (g) => g.startsWith('conform-'), now: NOW };
}

describe('normalizeBody', () => {
  it('replaces node ids, hosts, ports, cluster id and throttle, and keeps error texts only as info', () => {
    const body = {
      throttleTimeMs: 12,
      brokers: [{ nodeId: 7, host: '127.0.0.1', port: 40123, rack: null }],
      clusterId: 'abc',
      controllerId: 7,
      errorCode: 0,
      errorMessage: 'all fine',
    };
    const n = normalizeBody(60, 0, body, ctx());
    expect(n.value).toEqual({
      brokers: [{ nodeId: '<node:0>', host: '<host>', port: '<port>', rack: null }],
      clusterId: '<cluster>',
      controllerId: '<node:0>',
      errorCode: 0,
    });
    expect(n.info).toEqual({ errorMessage: 'all fine' });
  });

  it('replaces a log directory path, which is configuration (DescribeLogDirs)', () => {
    const body = { results: [{ errorCode: 0, logDir: '/var/kafka/node-1/kafka-logs', topics: [] }] };
    expect(normalizeBody(35, 4, body, ctx()).value).toEqual({
      results: [{ errorCode: 0, logDir: '<log-dir>', topics: [] }],
    });
    const inMemory = { results: [{ errorCode: 0, logDir: '(in memory)', topics: [] }] };
    expect(normalizeBody(35, 4, inMemory, ctx()).value).toEqual(normalizeBody(35, 4, body, ctx()).value);
  });

  it('gives two brokers with different raw ids the same placeholders in first-seen order', () => {
    const answer = (member: string, pid: bigint, node: number) => ({
      memberId: member,
      leader: member,
      producerId: pid,
      nodeId: node,
      members: [{ memberId: member }],
    });
    const a = normalizeBody(11, 9, answer('client-1-1f2e', 4000n, 1), ctx()).value;
    const b = normalizeBody(11, 9, answer('kconform-raw-9a8b', 17n, 3), ctx()).value;
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      memberId: '<member:0>',
      leader: '<member:0>',
      producerId: '<pid:0>',
      nodeId: '<node:0>',
    });
  });

  it('maps topic ids to the names the same answer gives them, and names errors', () => {
    const ids = new IdentityMap();
    const v = normalizeBody(
      3,
      12,
      {
        topics: [{ name: 'conform-a', topicId: '11111111-2222-3333-4444-555555555555', errorCode: 3, partitions: [] }],
      },
      ctx(ids),
    ).value;
    expect(v).toEqual({
      topics: [
        { name: 'conform-a', topicId: '<id:conform-a>', errorCode: '3 UNKNOWN_TOPIC_OR_PARTITION', partitions: [] },
      ],
    });
    expect(ids.resolve('<id:conform-a>')).toBe('11111111-2222-3333-4444-555555555555');
    // a topic this side never named resolves to the same derived id on every side, and maps back
    const fake = ids.resolve('<id:conform-missing>');
    expect(fake).toBe(fakeTopicId('conform-missing'));
    expect(normalizeBody(1, 13, { responses: [{ topicId: fake, partitions: [] }] }, ctx(ids)).value).toEqual({
      responses: [{ topicId: '<id:conform-missing>', partitions: [] }],
    });
  });

  it('sorts lists Kafka does not order, and leaves out topics and groups of others', () => {
    const body = {
      topics: [
        { name: 'conform-b', partitions: [{ partitionIndex: 1 }, { partitionIndex: 0 }] },
        { name: '__consumer_offsets', partitions: [] },
        { name: 'conform-a', partitions: [] },
      ],
    };
    const n = normalizeBody(3, 12, body, ctx());
    expect(n.value).toEqual({
      topics: [
        { name: 'conform-a', partitions: [] },
        { name: 'conform-b', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] },
      ],
    });
    expect(n.info.topics).toMatch(/1 topics of others/);
    expect(normalizeBody(16, 4, { groups: [{ groupId: 'other' }, { groupId: 'conform-g' }] }, ctx()).value).toEqual({
      groups: [{ groupId: 'conform-g' }],
    });
  });

  it('sorts topics answered by id (Produce v13+: empty names), whatever order each broker answered them in', () => {
    const topic = (id: string, index: number) => ({
      name: '',
      topicId: id,
      partitionResponses: [{ index, errorCode: 0 }],
    });
    const ids = new IdentityMap();
    ids.learnTopicId('conform-multi', '11111111-1111-1111-1111-111111111111');
    ids.learnTopicId('conform-single', '22222222-2222-2222-2222-222222222222');
    const kafka = normalizeBody(
      0,
      13,
      {
        responses: [topic('11111111-1111-1111-1111-111111111111', 0), topic('22222222-2222-2222-2222-222222222222', 2)],
      },
      ctx(ids),
    ).value;
    const reference = normalizeBody(
      0,
      13,
      {
        responses: [topic('22222222-2222-2222-2222-222222222222', 2), topic('11111111-1111-1111-1111-111111111111', 0)],
      },
      ctx(ids),
    ).value;
    expect(reference).toEqual(kafka);
  });

  it('takes times near now for server clocks, and keeps record timestamps a client chose', () => {
    const v = normalizeBody(
      0,
      9,
      { logAppendTimeMs: BigInt(NOW - 5), timestamp: BigInt(NOW + 1000), other: { timestamp: 1_000n } },
      ctx(),
    ).value;
    expect(v).toEqual({ logAppendTimeMs: '<time>', timestamp: '<now>', other: { timestamp: '1000' } });
  });

  it('decodes record batches into what a consumer sees, producer ids by placeholder', () => {
    const records = buildRecordBatch([{ key: 'k', value: 'v', timestamp: 5000 }], {
      producerId: 99,
      producerEpoch: 0,
      baseSequence: 0,
    });
    const v = normalizeBody(1, 12, { records }, ctx()).value as { records: unknown[] };
    expect(v.records).toEqual([
      expect.objectContaining({
        baseOffset: 0,
        producerId: '<pid:0>',
        records: [
          {
            offset: 0,
            timestamp: 5000,
            key: Buffer.from('k').toString('hex'),
            value: Buffer.from('v').toString('hex'),
            headers: [],
          },
        ],
      }),
    ]);
    const corrupt = Buffer.from(records);
    corrupt[16] = 7; // magic 7
    expect(normalizeBody(1, 12, { records: corrupt }, ctx()).value).toEqual({
      records: expect.stringMatching(/^<undecodable records/),
    });
  });

  it('drops what ApiVersions advertises (the matrix shows it) but keeps its error code', () => {
    const n = normalizeBody(
      18,
      3,
      {
        errorCode: 35,
        apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 13 }],
        throttleTimeMs: 0,
        finalizedFeaturesEpoch: 5n,
      },
      ctx(),
    );
    expect(n.value).toEqual({ errorCode: '35 UNSUPPORTED_VERSION' });
  });
});

describe('normalizeOutcome', () => {
  it('names what happened when there was no answer', () => {
    expect(normalizeOutcome(0, 9, { kind: 'closed' }, ctx()).value).toBe('<connection closed>');
    expect(normalizeOutcome(0, 9, { kind: 'timeout', ms: 100 }, ctx()).value).toBe('<no answer within 100 ms>');
    expect(normalizeOutcome(0, 9, { kind: 'no-answer' }, ctx()).value).toBe('<no answer (acks=0), connection open>');
    const bad = normalizeOutcome(0, 9, { kind: 'undecodable', error: 'trailing bytes' }, ctx());
    expect(bad).toEqual({ value: '<undecodable answer>', info: { '': 'trailing bytes' } });
  });
});
