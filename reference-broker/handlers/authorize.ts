/**
 * What the handlers ask the authorizer (Kafka's AuthHelper): may the request's principal perform
 * an operation on a resource. Without an authorizer every answer is yes, as in Kafka.
 */
import { CLUSTER_NAME, ResourceType } from '../acls/acl-model.ts';
import type { RequestContext } from './handler.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ResourceType as ConfigResourceType } from './config-resource.ts';

export { AclOperation, ResourceType } from '../acls/acl-model.ts';

/** True if the request's principal may perform `operation` on `resourceType`/`name` (always, without an authorizer). */
export function authorized(ctx: RequestContext, operation: number, resourceType: number, name: string): boolean {
  return ctx.broker.authorizer?.authorize(ctx.principal, operation, resourceType, name) ?? true;
}

/** {@link authorized} on the cluster resource. */
export function clusterAuthorized(ctx: RequestContext, operation: number): boolean {
  return authorized(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME);
}

/**
 * The message Kafka's AuthHelper.authorizeClusterOperation puts in the ClusterAuthorizationException
 * ("Request <request> is not authorized."); Kafka prints its internal request object there, which
 * no other broker can reproduce, so the reference names the API and the principal instead.
 */
export function clusterDeniedMessage(ctx: RequestContext, api: string): string {
  return `Request ${api} by ${ctx.principal.principal} is not authorized.`;
}

/**
 * An authorized-operations bitmask (KIP-430, Kafka's AuthHelper.authorizedOperations): bit
 * `1 << code` for each of the resource type's `supported` operations the principal may perform.
 */
export function authorizedOperations(
  ctx: RequestContext,
  resourceType: number,
  name: string,
  supported: readonly number[],
): number {
  return supported.reduce((m, op) => (authorized(ctx, op, resourceType, name) ? m | (1 << op) : m), 0);
}

/**
 * The error for a config resource (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) the
 * principal may not `operation` (DESCRIBE_CONFIGS or ALTER_CONFIGS), as Kafka's ConfigHelper and
 * ControllerApis answer it: broker resources need it on the cluster, topics and groups on
 * themselves. Undefined: allowed.
 */
export function configDenial(
  ctx: RequestContext,
  r: { resourceType: number; resourceName: string },
  operation: number,
): number | undefined {
  switch (r.resourceType) {
    case ConfigResourceType.TOPIC:
      return authorized(ctx, operation, ResourceType.TOPIC, r.resourceName)
        ? undefined
        : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    case ConfigResourceType.GROUP:
      return authorized(ctx, operation, ResourceType.GROUP, r.resourceName)
        ? undefined
        : ErrorCode.GROUP_AUTHORIZATION_FAILED;
    default:
      return clusterAuthorized(ctx, operation) ? undefined : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  }
}
