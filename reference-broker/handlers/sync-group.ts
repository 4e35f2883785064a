/**
 * SyncGroup (key 14), versions 0-5: the leader sends the assignments, every member gets its own
 * once the leader's arrive. v3+ static membership (KIP-345), v5+ protocol type and name checks.
 */
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const syncGroupHandler: ApiHandler<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  ...specVersions(ApiKey.SyncGroup),
  async handle(req, { broker, apiVersion }) {
    const r = await broker.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      protocolType: apiVersion >= 5 ? req.protocolType : undefined,
      protocolName: apiVersion >= 5 ? req.protocolName : undefined,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      protocolType: r.protocolType,
      protocolName: r.protocolName,
      assignment: r.assignment,
    };
  },
};
