/**
 * LeaveGroup (key 13), versions 0-5: members leave (v3+ in batches, KIP-345), which starts a
 * rebalance of the rest.
 */
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const leaveGroupHandler: ApiHandler<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  ...specVersions(ApiKey.LeaveGroup),
  handle(req, { broker, apiVersion }) {
    const members =
      apiVersion >= 3
        ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
        : [{ memberId: req.memberId, groupInstanceId: null }];
    const r = broker.groups.leaveGroup({ groupId: req.groupId, members });
    // Before v3 there is only the top-level error: the one member's.
    const errorCode = apiVersion >= 3 ? r.errorCode : r.errorCode || (r.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode, members: r.members };
  },
};
