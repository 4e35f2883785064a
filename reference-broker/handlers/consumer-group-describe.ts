/**
 * ConsumerGroupDescribe (key 69), versions 0-1: a KIP-848 consumer group's epochs, assignor and
 * members with their current and target assignments; v1 adds the member type (KIP-1099). A
 * classic group is GROUP_ID_NOT_FOUND, which is how the Admin client (kafka-consumer-groups.sh)
 * knows to describe it with DescribeGroups instead.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-848%3A+The+Next+Generation+of+the+Consumer+Rebalance+Protocol
 */
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
} from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const consumerGroupDescribeHandler: ApiHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse> = {
  apiKey: ApiKey.ConsumerGroupDescribe,
  ...specVersions(ApiKey.ConsumerGroupDescribe),
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      // Kafka answers the empty (invalid) ids first, before the groups it asked its coordinators about.
      groups: [...req.groupIds.filter((id) => id === ''), ...req.groupIds.filter((id) => id !== '')].map((id) =>
        broker.groups.consumerGroupDescribe(id),
      ),
    };
  },
};
