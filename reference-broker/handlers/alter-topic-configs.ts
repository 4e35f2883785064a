/**
 * The body AlterConfigs and IncrementalAlterConfigs share: the broker-side checks
 * (config-preprocess.ts), then each topic resource's change through the active controller, one
 * answer per resource in request order. The two APIs differ only in what a config entry means:
 * the legacy API sets every named key and deletes the rest, the incremental one applies each
 * entry's own operation.
 */
import { ERROR_INFO, ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { RequestContext } from './handler.ts';
import { AclOperation, configDenial } from './authorize.ts';
import { ConfigOp } from '../topics/config-ops.ts';
import { type AlterResource, preprocessAlterConfigs, type ResourceError } from './config-preprocess.ts';

/** One resource's answer, as both responses carry it. */
export interface AlterResourceAnswer extends ResourceError {
  resourceType: number;
  resourceName: string;
}

/** Checks and applies `resources`; `incremental` picks IncrementalAlterConfigs' meaning of an entry. */
export function alterTopicConfigs(
  ctx: RequestContext,
  resources: readonly AlterResource[],
  validateOnly: boolean,
  incremental: boolean,
): Promise<AlterResourceAnswer[]> {
  const { broker } = ctx;
  const refused = preprocessAlterConfigs(resources, broker.nodeId, incremental);
  return Promise.all(
    resources.map(async (r, i) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const early = refused.get(i);
      if (early) return { ...base, ...early };
      // the controller answers a resource the principal may not ALTER_CONFIGS with the error's default message
      const denied = configDenial(ctx, r, AclOperation.ALTER_CONFIGS);
      if (denied !== undefined)
        return { ...base, errorCode: denied, errorMessage: ERROR_INFO.get(denied)?.message ?? null };
      const a = await broker.controlPlane.alterTopicConfigs({
        name: r.resourceName,
        changes: r.configs.map((c) => ({
          name: c.name,
          op: incremental ? (c.configOperation ?? ConfigOp.SET) : ConfigOp.SET,
          value: c.value,
        })),
        replace: !incremental,
        validateOnly,
      });
      return {
        ...base,
        errorCode: a.errorCode,
        errorMessage: a.errorCode === ErrorCode.NONE ? null : a.errorMessage,
      };
    }),
  );
}
