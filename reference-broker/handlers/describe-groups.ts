/** DescribeGroups (key 15), versions 0-6: state, protocol and members of classic groups (v6: GROUP_ID_NOT_FOUND for unknown groups, KIP-1043). */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const describeGroupsHandler: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  ...specVersions(15),
  handle(req, { broker, apiVersion }) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((id) => {
        const g = broker.groups.describeGroup(id);
        const missing = apiVersion >= 6 && g.groupState === 'Dead' && g.errorCode === ErrorCode.NONE;
        return {
          errorCode: missing ? ErrorCode.GROUP_ID_NOT_FOUND : g.errorCode,
          errorMessage: missing ? `Group ${id} not found.` : null,
          groupId: g.groupId,
          groupState: g.groupState,
          protocolType: g.protocolType,
          protocolData: g.protocolData,
          members: g.members,
          authorizedOperations: -2147483648,
        };
      }),
    };
  },
};
