/**
 * Heartbeat (key 12), versions 0-4: keeps a member's session alive and tells it to rejoin
 * (REBALANCE_IN_PROGRESS) when a rebalance is pending.
 */
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const heartbeatHandler: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  ...specVersions(ApiKey.Heartbeat),
  handle(req, { broker }) {
    const errorCode = broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
};
