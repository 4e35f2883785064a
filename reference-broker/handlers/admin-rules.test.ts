/** The request rules the admin and group handlers take from Kafka 4.4, as pure functions. */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { validClientSoftware } from './api-versions.ts';
import { CLUSTER_OPERATIONS, GROUP_OPERATIONS } from './authorized-operations.ts';
import { assignmentProblem, duplicateNames } from './create-topics.ts';
import { planDeletion } from './delete-topics.ts';
import { endpointTypeError } from './describe-cluster.ts';
import { isSharePartitionKey } from './find-coordinator.ts';
import { initProducerIdRequestError, TRANSACTION_MAX_TIMEOUT_MS } from './init-producer-id.ts';
import { OffsetCommitAnswer } from './offset-commit.ts';

const ID_A = '11111111-1111-1111-1111-111111111111';

describe('ApiVersions client software (Kafka ApiVersionsRequest.isValid)', () => {
  it('takes letters, digits, dots and dashes, starting and ending alphanumerically, from v3', () => {
    expect(validClientSoftware(3, 'kconform', '1.0')).toBe(true);
    expect(validClientSoftware(3, 'apache-kafka-java', '4.4.0-rc1')).toBe(true);
    expect(validClientSoftware(3, 'bad name!', '1.0')).toBe(false);
    expect(validClientSoftware(4, '', '')).toBe(false);
    expect(validClientSoftware(3, 'x', '1.0-')).toBe(false);
    expect(validClientSoftware(2, 'bad name!', '')).toBe(true);
  });
});

describe('FindCoordinator share keys (SharePartitionKey.getInstance)', () => {
  it('needs group:topicId:partition with a base64 uuid and an int', () => {
    expect(isSharePartitionKey('g:8HqWKEYZQSWWxqBgNHTBvw:0')).toBe(true);
    expect(isSharePartitionKey('a:b:8HqWKEYZQSWWxqBgNHTBvw:-3')).toBe(true);
    // Java's split drops trailing empty parts
    expect(isSharePartitionKey('g:8HqWKEYZQSWWxqBgNHTBvw:0:')).toBe(true);
    expect(isSharePartitionKey('g:<id:conform-multi>:0')).toBe(false);
    expect(isSharePartitionKey(' :8HqWKEYZQSWWxqBgNHTBvw:0')).toBe(false);
    expect(isSharePartitionKey('g:8HqWKEYZQSWWxqBgNHTBvw:x')).toBe(false);
    expect(isSharePartitionKey('g:8HqWKEYZQSWWxqBgNHTBvw:2147483648')).toBe(false);
    expect(isSharePartitionKey('nocolon')).toBe(false);
    expect(isSharePartitionKey('')).toBe(false);
  });
});

describe('InitProducerId request checks (KafkaApis, TransactionCoordinator)', () => {
  const req = (
    transactionalId: string | null,
    producerId = -1n,
    producerEpoch = -1,
    transactionTimeoutMs = 60_000,
  ) => ({ transactionalId, producerId, producerEpoch, transactionTimeoutMs });
  it('wants a producer id and an epoch together', () => {
    expect(initProducerIdRequestError(req(null))).toBe(ErrorCode.NONE);
    expect(initProducerIdRequestError(req(null, 5n, 3))).toBe(ErrorCode.NONE);
    expect(initProducerIdRequestError(req(null, -1n, 0))).toBe(ErrorCode.INVALID_REQUEST);
    expect(initProducerIdRequestError(req(null, 5n, -1))).toBe(ErrorCode.INVALID_REQUEST);
  });
  it('refuses an empty transactional id, then a timeout out of range', () => {
    expect(initProducerIdRequestError(req(''))).toBe(ErrorCode.INVALID_REQUEST);
    expect(initProducerIdRequestError(req('t', -1n, -1, TRANSACTION_MAX_TIMEOUT_MS + 1))).toBe(
      ErrorCode.INVALID_TRANSACTION_TIMEOUT,
    );
    expect(initProducerIdRequestError(req('t', -1n, -1, 0))).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(initProducerIdRequestError(req('t'))).toBe(ErrorCode.NONE);
  });
});

describe('DescribeCluster endpoint types (AuthHelper.computeDescribeClusterResponse on a broker)', () => {
  it('answers brokers, mismatched controllers and unknown types', () => {
    expect(endpointTypeError(1, 1)).toBe(ErrorCode.NONE);
    expect(endpointTypeError(1, 2)).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
    expect(endpointTypeError(2, 9)).toBe(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE);
    expect(endpointTypeError(0, 2)).toBe(ErrorCode.INVALID_REQUEST);
  });
});

describe('authorized operations without an authorizer', () => {
  it('are the bitmasks Kafka 4.4 answers', () => {
    expect(GROUP_OPERATIONS).toBe(3400);
    expect(CLUSTER_OPERATIONS).toBe(8096);
  });
});

describe('CreateTopics duplicates', () => {
  it('finds names given more than once', () => {
    expect([...duplicateNames([{ name: 'a' }, { name: 'b' }, { name: 'a' }, { name: 'a' }])]).toEqual(['a']);
  });
});

describe('CreateTopics manual assignment on one node (validateManualPartitionAssignment)', () => {
  const a = (partitionIndex: number, brokerIds: number[]) => ({ partitionIndex, brokerIds });
  it('takes partitions 0..n-1 on this node and refuses anything else', () => {
    expect(assignmentProblem(new Set([1]), [a(1, [1]), a(0, [1])])).toBeNull();
    expect(assignmentProblem(new Set([1]), [a(0, [99])])?.message).toMatch(
      /broker 99, but no such broker is registered/,
    );
    expect(assignmentProblem(new Set([1]), [a(0, [1, 1])])?.message).toMatch(/broker 1 more than once/);
    expect(assignmentProblem(new Set([1]), [a(0, [])])?.message).toMatch(/empty replica list/);
    expect(assignmentProblem(new Set([1]), [a(0, [1]), a(0, [1])])?.message).toMatch(
      /multiple manual partition assignments for partition 0/,
    );
    expect(assignmentProblem(new Set([1]), [a(0, [1]), a(2, [1])])?.message).toMatch(/consecutive/);
    expect(assignmentProblem(new Set([1]), [a(0, [1])])).toBeNull();
  });
});

describe('DeleteTopics request sorting (ControllerApis.deleteTopics)', () => {
  it('answers duplicates once and entries with both or neither of name and id', () => {
    const plan = planDeletion(
      [],
      [
        { name: 'a', topicId: NULL_UUID },
        { name: 'a', topicId: NULL_UUID },
        { name: null, topicId: NULL_UUID },
        { name: 'b', topicId: ID_A },
        { name: null, topicId: ID_A },
        { name: 'c', topicId: NULL_UUID },
      ],
    );
    expect(plan.names).toEqual(['c']);
    expect(plan.ids).toEqual([ID_A]);
    expect(plan.rejected.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([
      [null, NULL_UUID, ErrorCode.INVALID_REQUEST],
      ['b', ID_A, ErrorCode.INVALID_REQUEST],
      ['a', NULL_UUID, ErrorCode.INVALID_REQUEST],
    ]);
  });
  it('treats topic names (v0-5) the same way', () => {
    const plan = planDeletion(['x', 'x', 'y'], []);
    expect(plan.names).toEqual(['y']);
    expect(plan.rejected).toHaveLength(1);
  });
});

describe('OffsetCommit answer assembly (OffsetCommitResponse.Builder)', () => {
  it('keeps unknown topics with no partitions, merges by name, takes the coordinator answer whole when alone', () => {
    const a = new OffsetCommitAnswer(false);
    a.addPartitions('missing', NULL_UUID, [], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    a.addPartitions('t', NULL_UUID, [7], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    a.merge([{ name: 't', topicId: NULL_UUID, partitions: [{ partitionIndex: 0, errorCode: 0 }] }]);
    expect(a.topics).toEqual([
      { name: 'missing', topicId: NULL_UUID, partitions: [] },
      {
        name: 't',
        topicId: NULL_UUID,
        partitions: [
          { partitionIndex: 7, errorCode: 3 },
          { partitionIndex: 0, errorCode: 0 },
        ],
      },
    ]);
    const alone = new OffsetCommitAnswer(false);
    const twice = [
      { name: 't', topicId: NULL_UUID, partitions: [{ partitionIndex: 0, errorCode: 0 }] },
      { name: 't', topicId: NULL_UUID, partitions: [{ partitionIndex: 1, errorCode: 0 }] },
    ];
    alone.merge(twice);
    expect(alone.topics).toHaveLength(2);
  });
  it('keys topics by id from v10', () => {
    const a = new OffsetCommitAnswer(true);
    a.addPartitions('', ID_A, [0], ErrorCode.UNKNOWN_TOPIC_ID);
    a.addPartitions('', ID_A, [1], ErrorCode.UNKNOWN_TOPIC_ID);
    expect(a.topics).toEqual([
      {
        name: '',
        topicId: ID_A,
        partitions: [
          { partitionIndex: 0, errorCode: 100 },
          { partitionIndex: 1, errorCode: 100 },
        ],
      },
    ]);
  });
});
