/**
 * What the handlers ask the authorizer (Kafka's AuthHelper): may the request's principal perform
 * an operation on a resource. Without an authorizer every answer is yes, as in Kafka.
 */
import { CLUSTER_NAME, ResourceType } from '../acls/acl-model.ts';
import type { RequestContext } from './handler.ts';

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
