/** ListGroups (key 16), versions 0-5: every group with its protocol type, state (v4+, filterable) and type (v5+). */
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

export const listGroupsHandler: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  ...specVersions(ApiKey.ListGroups),
  handle(req, { broker, apiVersion }) {
    const r = broker.groups.listGroups(apiVersion >= 4 ? req.statesFilter : []);
    const types = apiVersion >= 5 ? req.typesFilter.map((t) => t.toLowerCase()) : [];
    const groups = r.groups.filter((g) => types.length === 0 || types.includes(g.groupType));
    return { throttleTimeMs: 0, errorCode: r.errorCode, groups };
  },
};
