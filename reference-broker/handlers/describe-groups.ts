/**
 * DescribeGroups (key 15), versions 0-6: state, protocol and members of classic groups (v6:
 * GROUP_ID_NOT_FOUND for unknown groups, KIP-1043). Asked for (v3+), the authorized operations of
 * every group answered without error are filled in, as Kafka's handleDescribeGroupsRequest does.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/messages/generated/index.ts';
import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_OPERATIONS } from './authorized-operations.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const describeGroupsHandler: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  ...specVersions(ApiKey.DescribeGroups),
  handle(req, { broker, apiVersion }) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((id) => {
        const g = broker.groups.describeGroup(id);
        const missing = apiVersion >= 6 && g.groupState === 'Dead' && g.errorCode === ErrorCode.NONE;
        const errorCode = missing ? ErrorCode.GROUP_ID_NOT_FOUND : g.errorCode;
        return {
          errorCode,
          errorMessage: missing ? `Group ${id} not found.` : null,
          groupId: g.groupId,
          groupState: g.groupState,
          protocolType: g.protocolType,
          protocolData: g.protocolData,
          members: g.members,
          authorizedOperations:
            req.includeAuthorizedOperations && errorCode === ErrorCode.NONE
              ? GROUP_OPERATIONS
              : AUTHORIZED_OPERATIONS_OMITTED,
        };
      }),
    };
  },
};
