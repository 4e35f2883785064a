/**
 * DeleteGroups (key 42), versions 0-2: deletes empty groups and their committed offsets
 * (NON_EMPTY_GROUP otherwise). A group named twice is answered once, as Kafka 4.4 does.
 */
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const deleteGroupsHandler: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  ...specVersions(ApiKey.DeleteGroups),
  handle(req, { broker }) {
    return { throttleTimeMs: 0, results: broker.groups.deleteGroups([...new Set(req.groupsNames)]) };
  },
};
