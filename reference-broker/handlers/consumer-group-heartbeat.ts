/**
 * ConsumerGroupHeartbeat (key 68), versions 0-1: the KIP-848 consumer group protocol. One request
 * joins (epoch 0), heartbeats, acknowledges revocations (by no longer listing the partitions) and
 * leaves (epoch -1; -2 for a static member that will come back); the answer carries the member's
 * epoch and, when it changed or the request was a full one, its assignment. v1 requires the
 * client to generate its member id (KIP-1082).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-848%3A+The+Next+Generation+of+the+Consumer+Rebalance+Protocol
 */
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const consumerGroupHeartbeatHandler: ApiHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse> =
  {
    apiKey: ApiKey.ConsumerGroupHeartbeat,
    ...specVersions(ApiKey.ConsumerGroupHeartbeat),
    handle(req, { broker, apiVersion, clientId, connection }) {
      const r = broker.groups.consumerGroupHeartbeat({
        groupId: req.groupId,
        memberId: req.memberId,
        memberEpoch: req.memberEpoch,
        instanceId: req.instanceId,
        rackId: req.rackId,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        subscribedTopicNames: req.subscribedTopicNames,
        subscribedTopicRegex: apiVersion >= 1 ? req.subscribedTopicRegex : null,
        serverAssignor: req.serverAssignor,
        topicPartitions: req.topicPartitions,
        clientId: clientId ?? '',
        clientHost: `/${connection.remoteAddress}`,
        apiVersion,
      });
      return {
        throttleTimeMs: 0,
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        memberId: r.memberId,
        memberEpoch: r.memberEpoch,
        heartbeatIntervalMs: r.heartbeatIntervalMs,
        assignment:
          r.assignment === null
            ? null
            : {
                topicPartitions: Object.entries(r.assignment).map(([topicId, partitions]) => ({
                  topicId,
                  partitions: [...partitions],
                })),
              },
      };
    },
  };
