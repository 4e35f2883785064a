/**
 * DeleteGroups (key 42), versions 0-2: deletes empty groups and their committed offsets
 * (NON_EMPTY_GROUP otherwise). A group named twice is answered once, as Kafka 4.4 does.
 */
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const deleteGroupsHandler: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: 42,
  ...specVersions(42),
  handle(req, { broker }) {
    return { throttleTimeMs: 0, results: broker.groups.deleteGroups([...new Set(req.groupsNames)]) };
  },
};
