/**
 * CreateTopics (key 19), versions 2-7. Creates topics with a partition count and replication
 * factor (-1 takes the broker defaults, KIP-464); explicit replica assignments are refused.
 * In a cluster the active controller places the replicas (forwarded over the controller listener). validateOnly checks without creating. Configs are stored as given.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-464%3A+Defaults+for+AdminClient%23createTopic
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type Result = CreateTopicsResponse['topics'][number];

/** How long a cluster node waits for a topic the controller created to reach its own metadata. */
const CLUSTER_PROPAGATION_WAIT_MS = 5_000;

export const createTopicsHandler: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  ...specVersions(19),
  async handle(req, { broker }) {
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics = await Promise.all(req.topics.map(async (t): Promise<Result> => {
      const manual = t.assignments.length > 0;
      const partitions = manual ? t.assignments.length : t.numPartitions === -1 ? broker.config.numPartitions : t.numPartitions;
      const replicationFactor = manual ? (t.assignments[0]?.brokerIds.length ?? 0) : t.replicationFactor === -1 ? broker.config.defaultReplicationFactor : t.replicationFactor;
      const result = (errorCode: number, errorMessage: string | null, topicId = NULL_UUID): Result => ({
        name: t.name,
        topicId,
        errorCode,
        errorMessage,
        topicConfigErrorCode: 0,
        numPartitions: errorCode === ErrorCode.NONE ? partitions : -1,
        replicationFactor: errorCode === ErrorCode.NONE ? replicationFactor : -1,
        configs: errorCode === ErrorCode.NONE ? [] : null,
      });
      if (seen.get(t.name)! > 1) return result(ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple entries for the topic ${t.name}`);
      if (t.assignments.length > 0 && !broker.cluster) return result(ErrorCode.INVALID_REQUEST, 'Manual replica assignment is not supported by a single reference broker');
      if (t.assignments.length > 0 && (t.numPartitions !== -1 || t.replicationFactor !== -1)) {
        return result(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      const assignments = t.assignments.length > 0 ? [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex) : undefined;
      if (assignments && assignments.some((a, i) => a.partitionIndex !== i)) return result(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be consecutive and start from 0.');
      const configs = new Map<string, string>();
      for (const c of t.configs) if (c.value !== null) configs.set(c.name, c.value);
      const failure = broker.topics.validateCreate(t.name, partitions, replicationFactor, broker.liveBrokers, configs);
      if (failure) return result(failure.errorCode, failure.message);
      if (req.validateOnly) return result(ErrorCode.NONE, null);
      if (broker.cluster) {
        // The active controller decides; answer once this node has the topic in its metadata too.
        const answer = await broker.cluster.createTopic({ name: t.name, numPartitions: partitions, replicationFactor, configs: Object.fromEntries(configs), assignments: assignments?.map((a) => [...a.brokerIds]) });
        if (answer.errorCode !== ErrorCode.NONE) return result(answer.errorCode, answer.errorMessage);
        await broker.awaitTopic(t.name, CLUSTER_PROPAGATION_WAIT_MS);
        return result(ErrorCode.NONE, null, answer.topicId ?? broker.topics.get(t.name)?.id ?? NULL_UUID);
      }
      const created = broker.createTopic(t.name, partitions, replicationFactor, configs);
      if ('errorCode' in created) return result(created.errorCode, created.message);
      return result(ErrorCode.NONE, null, created.id);
    }));
    return { throttleTimeMs: 0, topics };
  },
};
