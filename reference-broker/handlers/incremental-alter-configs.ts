/**
 * IncrementalAlterConfigs (key 44), versions 0-1 (KIP-339): SET, DELETE, APPEND and SUBTRACT on
 * a topic's own configs, validated and committed to the metadata log by the active controller
 * (so a change survives restarts and reaches every node, whose logs take the new settings);
 * validate_only checks without changing. Broker-side checks first (config-preprocess.ts), then
 * the controller's, in Kafka 4.4's order (ConfigurationControlManager).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-339%3A+Create+a+new+IncrementalAlterConfigs+API
 */
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from '../../protocol/messages/generated/index.ts';
import { alterTopicConfigs } from './alter-topic-configs.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const incrementalAlterConfigsHandler: ApiHandler<
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse
> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  ...specVersions(ApiKey.IncrementalAlterConfigs),
  async handle(req, ctx) {
    const responses = await alterTopicConfigs(ctx, req.resources, req.validateOnly, true);
    return { throttleTimeMs: 0, responses };
  },
};
