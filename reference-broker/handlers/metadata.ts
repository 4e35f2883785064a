/**
 * Metadata (key 3), versions 0-13: brokers, cluster id, controller, and each topic's partitions
 * with leader, leader epoch (v7+, KIP-320) and topic id (v10+, KIP-516), in the order and with
 * the answers of Kafka 4.4.0's KafkaApis.handleTopicMetadataRequest:
 *
 * - v10-11 may not name a topic by id nor leave its name null: the whole request fails with
 *   INVALID_REQUEST (MetadataRequest.getErrorResponse: no brokers, no cluster id, every topic asked
 *   for with the error). From v12 a request naming any topic id is answered by id only.
 * - Topics are a set: a topic asked for twice is answered once.
 * - An unknown topic is created when auto-creation is on and the request allows it (v4+,
 *   KIP-204); the answer that triggers the creation says UNKNOWN_TOPIC_OR_PARTITION, as Kafka's
 *   KRaft AutoTopicCreationManager answers (ZooKeeper-era brokers said LEADER_NOT_AVAILABLE), and
 *   the client asks again. An illegal name is INVALID_TOPIC_EXCEPTION, with or without auto-creation.
 * - Authorized operations (v8+) are what Kafka grants without an authorizer (authorized-operations.ts).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-320%3A+Allow+fetchers+to+detect+and+handle+log+truncation
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseMetadataResponseTopic,
} from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { Topic } from '../topics/topic-registry.ts';
import { isInternalTopic, topicNameProblem } from '../topics/topic-name.ts';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS } from './authorized-operations.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, authorized, authorizedOperations, clusterAuthorized, ResourceType } from './authorize.ts';
import { CLUSTER_NAME } from '../acls/acl-model.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type TopicEntry = MetadataResponseMetadataResponseTopic;

/**
 * A topic's authorized operations without an authorizer (AclEntry.supportedOperations(TOPIC)):
 * READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11
 * as bits `1 << code` = 3576, what Kafka 4.4.0 answers.
 */
export const TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((m, op) => m | (1 << op), 0);
const TOPIC_OPERATION_CODES = [3, 4, 5, 6, 7, 8, 10, 11];
const CLUSTER_OPERATION_CODES = [5, 7, 8, 9, 10, 11, 12];

function topicEntry(broker: Broker, topic: Topic): TopicEntry {
  const fenced = broker.fencedBrokerIds();
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: topic.internal,
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: p.replicas.filter((id) => fenced.has(id)),
    })),
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorEntry(name: string | null, topicId: string, errorCode: number): TopicEntry {
  return {
    errorCode,
    name,
    topicId,
    isInternal: name !== null && isInternalTopic(name),
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

/** A topic that does not exist: KafkaApis.getTopicMetadata and AutoTopicCreationManager.createTopics. */
function missingTopic(broker: Broker, name: string, autoCreate: boolean): TopicEntry {
  if (topicNameProblem(name)) return errorEntry(name, NULL_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (autoCreate) {
    // Kafka sends the creation to the controller and answers before it is done; a failed creation
    // is only logged.
    broker.requestTopicCreation(name);
  }
  return errorEntry(name, NULL_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
}

/** MetadataRequest.getErrorResponse for a request refused as a whole. */
function requestError(req: MetadataRequest, errorCode: number): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [],
    clusterId: null,
    controllerId: -1,
    // the response's name is not nullable before v12: a null name is answered as ''
    topics: (req.topics ?? []).map((t) => ({ ...errorEntry(t.name ?? '', t.topicId, errorCode), isInternal: false })),
    clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    errorCode,
  };
}

export const metadataHandler: ApiHandler<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  ...specVersions(ApiKey.Metadata),
  handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    // v0: an empty list means all topics; v1+: null means all topics and [] none.
    const all = req.topics === null || (apiVersion === 0 && req.topics.length === 0);
    if (!all && apiVersion < 12 && req.topics!.some((t) => t.name === null || t.topicId !== NULL_UUID)) {
      return requestError(req, ErrorCode.INVALID_REQUEST);
    }
    const topicIds = new Set(all ? [] : req.topics!.map((t) => t.topicId).filter((id) => id !== NULL_UUID));
    const byId = topicIds.size > 0;
    const unknownIds: TopicEntry[] = [];
    let names: string[];
    if (all) names = [...broker.topics.all()].map((t) => t.name);
    else if (byId) {
      names = [];
      for (const id of topicIds) {
        const topic = broker.topics.getById(id);
        if (topic) names.push(topic.name);
        else unknownIds.push(errorEntry(null, id, ErrorCode.UNKNOWN_TOPIC_ID));
      }
    } else names = [...new Set(req.topics!.map((t) => t.name).filter((n): n is string => n !== null))];

    // Topics the principal may not DESCRIBE are hidden from an all-topics request and answered
    // TOPIC_AUTHORIZATION_FAILED (without saying whether they exist) when named.
    const describable = names.filter((n) => authorized(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, n));
    const deniedDescribe = names.filter((n) => !describable.includes(n));
    const autoCreate = broker.config.autoCreateTopics && (apiVersion < 4 || req.allowAutoTopicCreation) && !all;
    // Auto-creation needs CREATE on the cluster or on the topic; an unknown topic without it is TOPIC_AUTHORIZATION_FAILED.
    const deniedCreate =
      autoCreate && !clusterAuthorized(ctx, AclOperation.CREATE)
        ? describable.filter(
            (n) => !broker.topics.get(n) && !authorized(ctx, AclOperation.CREATE, ResourceType.TOPIC, n),
          )
        : [];
    const topics = describable
      .filter((n) => !deniedCreate.includes(n))
      .map((name) => {
        const topic = broker.topics.get(name);
        return topic ? topicEntry(broker, topic) : missingTopic(broker, name, autoCreate);
      });
    if (apiVersion >= 8 && req.includeTopicAuthorizedOperations)
      for (const t of topics)
        t.topicAuthorizedOperations = broker.authorizer
          ? authorizedOperations(ctx, ResourceType.TOPIC, t.name ?? '', TOPIC_OPERATION_CODES)
          : TOPIC_OPERATIONS;
    const clusterAuthorizedOperations =
      apiVersion >= 8 && apiVersion <= 10 && req.includeClusterAuthorizedOperations
        ? !broker.authorizer
          ? CLUSTER_OPERATIONS
          : clusterAuthorized(ctx, AclOperation.DESCRIBE)
            ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME, CLUSTER_OPERATION_CODES)
            : 0
        : AUTHORIZED_OPERATIONS_OMITTED;
    const denied = [
      ...deniedCreate.map((n) => errorEntry(n, NULL_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED)),
      ...(all || (apiVersion === 0 && req.topics!.length === 0)
        ? []
        : deniedDescribe.map((n) =>
            byId
              ? errorEntry(null, broker.topics.get(n)?.id ?? NULL_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
              : { ...errorEntry(n, NULL_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED), isInternal: false },
          )),
    ];
    return {
      throttleTimeMs: 0,
      brokers: broker.liveBrokerEndpoints().map((b) => ({ ...b, rack: null })),
      clusterId: broker.config.clusterId,
      controllerId: broker.controllerId(),
      topics: [...unknownIds, ...topics, ...denied],
      clusterAuthorizedOperations,
      errorCode: ErrorCode.NONE,
    };
  },
};
