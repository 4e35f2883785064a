/**
 * CreateTopics (key 19), versions 2-7. Creates topics with a partition count and replication
 * factor (-1 takes the broker defaults, KIP-464), or with a manual replica assignment of
 * registered brokers. The active controller creates the topic (forwarded over the controller
 * listener when another node is the active one; a single node is its own controller). validateOnly checks without creating. Configs are
 * stored as given.
 *
 * Checks run in the order of Kafka 4.4's ControllerApis.createTopics and
 * ReplicationControlManager.createTopics: a name given twice is answered once, INVALID_REQUEST;
 * then the name, an existing topic, null config values, the config values, the replication
 * factor, the partition count. From v5 (KIP-525) a created (or validated) topic is answered with
 * its effective configs, an error with an empty config list.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-464%3A+Defaults+for+AdminClient%23createTopic
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { brokerTopicDefaults, describeTopicConfigs, topicConfigsProblem } from '../topics/topic-config.ts';
import { topicNameProblem } from '../topics/topic-name.ts';
import type { ApiHandler } from './handler.ts';
import { AclOperation, authorized, clusterAuthorized, ResourceType } from './authorize.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type Result = CreateTopicsResponse['topics'][number];
type Creatable = CreateTopicsRequest['topics'][number];

/** How long a node waits for a topic the controller created to reach its own metadata. */
const CLUSTER_PROPAGATION_WAIT_MS = 5_000;

function failure(name: string, errorCode: number, errorMessage: string | null): Result {
  return {
    name,
    topicId: NULL_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}

/** Names given more than once in one request (Kafka answers each once, INVALID_REQUEST). */
export function duplicateNames(topics: readonly { name: string }[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const t of topics) (seen.has(t.name) ? dup : seen).add(t.name);
  return dup;
}

/**
 * Checks a manual replica assignment the way Kafka's ReplicationControlManager
 * (validateManualPartitionAssignment) does: each partition once, a non-empty replica list of
 * registered brokers without repeats, the same replica count everywhere, and partitions
 * numbered 0..n-1.
 */
export function assignmentProblem(
  registered: ReadonlySet<number>,
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[],
): { errorCode: number; message: string } | null {
  const bad = (message: string) => ({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, message });
  const seen = new Set<number>();
  let replicationFactor: number | undefined;
  for (const a of assignments) {
    if (seen.has(a.partitionIndex))
      return bad(`Found multiple manual partition assignments for partition ${a.partitionIndex}`);
    seen.add(a.partitionIndex);
    if (a.brokerIds.length === 0) return bad('The manual partition assignment includes an empty replica list.');
    const sorted = [...a.brokerIds].sort((x, y) => x - y);
    for (const [i, id] of sorted.entries()) {
      if (!registered.has(id))
        return bad(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
      if (i > 0 && sorted[i - 1] === id)
        return bad(`The manual partition assignment includes the broker ${id} more than once.`);
    }
    if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
      return bad(
        `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
      );
    }
    replicationFactor = sorted.length;
  }
  for (let i = 0; i < seen.size; i++)
    if (!seen.has(i)) return bad('partitions should be a consecutive 0-based integer sequence');
  return null;
}

/** The error of one topic to create, checked in Kafka's order, or null when it can be created. */
export function createTopicProblem(broker: Broker, t: Creatable): { errorCode: number; message: string } | null {
  const nameProblem = topicNameProblem(t.name);
  if (nameProblem) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, message: nameProblem };
  if (broker.topics.get(t.name))
    return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, message: `Topic '${t.name}' already exists.` };
  const nulls = t.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0)
    return {
      errorCode: ErrorCode.INVALID_CONFIG,
      message: `Null value not supported for topic configs: ${nulls.join(',')}`,
    };
  const configProblem = topicConfigsProblem(new Map(t.configs.map((c) => [c.name, c.value!])));
  if (configProblem) return { errorCode: ErrorCode.INVALID_CONFIG, message: configProblem };
  if (t.assignments.length > 0) {
    if (t.replicationFactor !== -1)
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        message: 'A manual partition assignment was specified, but replication factor was not set to -1.',
      };
    if (t.numPartitions !== -1)
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        message: 'A manual partition assignment was specified, but numPartitions was not set to -1.',
      };
    return assignmentProblem(new Set(broker.controlPlane.brokers().map((b) => b.id)), t.assignments);
  }
  if (t.replicationFactor < -1 || t.replicationFactor === 0)
    return {
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      message: 'Replication factor must be larger than 0, or -1 to use the default value.',
    };
  if (t.numPartitions < -1 || t.numPartitions === 0)
    return {
      errorCode: ErrorCode.INVALID_PARTITIONS,
      message: 'Number of partitions was set to an invalid non-positive value.',
    };
  const replicationFactor = t.replicationFactor === -1 ? broker.config.defaultReplicationFactor : t.replicationFactor;
  if (replicationFactor > broker.liveBrokers) {
    return {
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      message: `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${broker.liveBrokers} broker(s) are registered.`,
    };
  }
  return null;
}

async function createOne(broker: Broker, t: Creatable, validateOnly: boolean): Promise<Result> {
  const problem = createTopicProblem(broker, t);
  if (problem) return failure(t.name, problem.errorCode, problem.message);
  const manual = t.assignments.length > 0;
  const assignments = manual ? [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex) : undefined;
  const partitions = assignments
    ? assignments.length
    : t.numPartitions === -1
      ? broker.config.numPartitions
      : t.numPartitions;
  const replicationFactor = assignments
    ? (assignments[0]?.brokerIds.length ?? 0)
    : t.replicationFactor === -1
      ? broker.config.defaultReplicationFactor
      : t.replicationFactor;
  const configs = new Map(t.configs.map((c) => [c.name, c.value!]));
  const created = (topicId: string): Result => ({
    name: t.name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: 0,
    numPartitions: partitions,
    replicationFactor,
    configs: describeTopicConfigs(configs, brokerTopicDefaults(broker.config)),
  });
  // Kafka's controller draws the id before it knows whether the request only validates.
  if (validateOnly) return created(randomUUID());
  // The active controller decides; answer once this node has the topic in its metadata too.
  const answer = await broker.controlPlane.createTopic({
    name: t.name,
    numPartitions: partitions,
    replicationFactor,
    configs: Object.fromEntries(configs),
    assignments: assignments?.map((a) => [...a.brokerIds]),
  });
  if (answer.errorCode !== ErrorCode.NONE) return failure(t.name, answer.errorCode, answer.errorMessage);
  await broker.awaitTopic(t.name, CLUSTER_PROPAGATION_WAIT_MS);
  return created(answer.topicId ?? broker.topics.get(t.name)?.id ?? NULL_UUID);
}

export const createTopicsHandler: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  ...specVersions(ApiKey.CreateTopics),
  async handle(req, ctx) {
    const { broker } = ctx;
    const duplicates = duplicateNames(req.topics);
    // CREATE on the cluster allows every topic, else CREATE on each (ControllerApis.createTopics)
    const clusterCreate = clusterAuthorized(ctx, AclOperation.CREATE);
    const mayCreate = (name: string) => clusterCreate || authorized(ctx, AclOperation.CREATE, ResourceType.TOPIC, name);
    const results = await Promise.all(
      req.topics
        .filter((t) => !duplicates.has(t.name) && mayCreate(t.name))
        .map((t) => createOne(broker, t, req.validateOnly)),
    );
    for (const name of duplicates) results.push(failure(name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    for (const t of req.topics)
      if (!mayCreate(t.name))
        results.push(failure(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'));
    return { throttleTimeMs: 0, topics: results };
  },
};
