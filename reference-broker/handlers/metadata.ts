/**
 * Metadata (key 3), versions 0-13: brokers, cluster id, controller, and each topic's partitions
 * with leader, leader epoch (v7+, KIP-320) and topic id (v10+, KIP-516).
 * Topics asked for by name that do not exist are created when auto-creation is on and the
 * request allows it (v4+, KIP-204); like Kafka, the answer that triggers creation says
 * LEADER_NOT_AVAILABLE and the client asks again.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-320%3A+Allow+fetchers+to+detect+and+handle+log+truncation
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { MetadataRequest, MetadataResponse, MetadataResponseMetadataResponseTopic } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { Topic } from '../topics/topic-registry.ts';
import { topicNameProblem } from '../topics/topic-name.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type TopicEntry = MetadataResponseMetadataResponseTopic;
const NO_AUTHORIZED_OPERATIONS = -2147483648;

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
    topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
}

function errorEntry(name: string | null, topicId: string, errorCode: number): TopicEntry {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS };
}

function lookup(broker: Broker, name: string, allowAutoCreate: boolean): TopicEntry {
  const existing = broker.topics.get(name);
  if (existing) return topicEntry(broker, existing);
  if (broker.cluster) {
    if (!allowAutoCreate || !broker.config.autoCreateTopics) return errorEntry(name, NULL_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (topicNameProblem(name)) return errorEntry(name, NULL_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION);
    // The controller creates it; the client asks again, as with Kafka's auto-creation.
    broker.requestTopicCreation(name);
    return errorEntry(name, NULL_UUID, ErrorCode.LEADER_NOT_AVAILABLE);
  }
  const created = broker.topicOrAutoCreate(name, allowAutoCreate);
  if (created === undefined) return errorEntry(name, NULL_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if ('errorCode' in created) return errorEntry(name, NULL_UUID, created.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  return errorEntry(name, NULL_UUID, ErrorCode.LEADER_NOT_AVAILABLE);
}

export const metadataHandler: ApiHandler<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  ...specVersions(3),
  handle(req, { broker, apiVersion }) {
    // v0: an empty list means all topics; v1+: null means all topics and [] none.
    const all = req.topics === null || (apiVersion === 0 && req.topics.length === 0);
    const allowAutoCreate = apiVersion < 4 ? true : req.allowAutoTopicCreation;
    let topics: TopicEntry[];
    if (all) {
      topics = [...broker.topics.all()].map((t) => topicEntry(broker, t));
    } else {
      topics = req.topics!.map((t) => {
        if (t.name !== null) return lookup(broker, t.name, allowAutoCreate);
        const byId = broker.topics.getById(t.topicId);
        return byId ? topicEntry(broker, byId) : errorEntry(null, t.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
      });
    }
    return {
      throttleTimeMs: 0,
      brokers: broker.liveBrokerEndpoints().map((b) => ({ ...b, rack: null })),
      clusterId: broker.config.clusterId,
      controllerId: broker.controllerId(),
      topics,
      clusterAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
      errorCode: ErrorCode.NONE,
    };
  },
};
