/**
 * AlterConfigs (key 33), versions 0-2: the legacy API, whose configs replace every own config of
 * a topic (keys left out are deleted). Same checks and metadata-log path as
 * IncrementalAlterConfigs (incremental-alter-configs.ts), in Kafka 4.4's order
 * (ConfigAdminManager.preprocess, ConfigurationControlManager.legacyAlterConfigs).
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/messages/generated/index.ts';
import { ConfigOp } from '../topics/config-ops.ts';
import { preprocessAlterConfigs } from './config-preprocess.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const alterConfigsHandler: ApiHandler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.AlterConfigs,
  ...specVersions(ApiKey.AlterConfigs),
  async handle(req, { broker }) {
    const refused = preprocessAlterConfigs(req.resources, broker.nodeId, false);
    const responses = await Promise.all(
      req.resources.map(async (r, i) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        const early = refused.get(i);
        if (early) return { ...base, ...early };
        const a = await broker.controlPlane.alterTopicConfigs({
          name: r.resourceName,
          changes: r.configs.map((c) => ({ name: c.name, op: ConfigOp.SET, value: c.value })),
          replace: true,
          validateOnly: req.validateOnly,
        });
        return {
          ...base,
          errorCode: a.errorCode,
          errorMessage: a.errorCode === ErrorCode.NONE ? null : a.errorMessage,
        };
      }),
    );
    return { throttleTimeMs: 0, responses };
  },
};
