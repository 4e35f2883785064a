/**
 * AlterConfigs (key 33), versions 0-2: the legacy API, whose configs replace every own config of
 * a topic (keys left out are deleted). Same checks and metadata-log path as
 * IncrementalAlterConfigs (incremental-alter-configs.ts), in Kafka 4.4's order
 * (ConfigAdminManager.preprocess, ConfigurationControlManager.legacyAlterConfigs).
 */
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/messages/generated/index.ts';
import { alterTopicConfigs } from './alter-topic-configs.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const alterConfigsHandler: ApiHandler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.AlterConfigs,
  ...specVersions(ApiKey.AlterConfigs),
  async handle(req, ctx) {
    const responses = await alterTopicConfigs(ctx, req.resources, req.validateOnly, false);
    return { throttleTimeMs: 0, responses };
  },
};
