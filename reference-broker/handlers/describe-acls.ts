/**
 * DescribeAcls (key 29), versions 1-3, as Kafka 4.4 answers it (AclApis.handleDescribeAcls): the
 * principal needs DESCRIBE on the cluster; without an authorizer SECURITY_DISABLED; otherwise the
 * ACLs the filter matches (reference-broker/acls/acl-model.ts), grouped by resource pattern. A
 * filter field holding UNKNOWN (code 0) closes the connection, as Kafka's request class refuses it.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DescribeAclsRequest, DescribeAclsResponse } from '../../protocol/messages/generated/index.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { filterMatches, hasUnknownCode, normalizeBinding, type AclBinding } from '../acls/acl-model.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, clusterAuthorized, clusterDeniedMessage } from './authorize.ts';

type Resource = DescribeAclsResponse['resources'][number];

/** Bindings grouped by resource pattern, as Kafka's DescribeAclsResponse.aclsResources (each ACL once). */
export function aclsResources(acls: readonly AclBinding[]): Resource[] {
  const byPattern = new Map<string, Resource>();
  for (const a of acls) {
    const key = JSON.stringify([a.resourceType, a.resourceName, a.patternType]);
    let r = byPattern.get(key);
    if (!r) {
      r = { resourceType: a.resourceType, resourceName: a.resourceName, patternType: a.patternType, acls: [] };
      byPattern.set(key, r);
    }
    r.acls.push({ principal: a.principal, host: a.host, operation: a.operation, permissionType: a.permissionType });
  }
  return [...byPattern.values()];
}

export const describeAclsHandler: ApiHandler<DescribeAclsRequest, DescribeAclsResponse> = {
  apiKey: ApiKey.DescribeAcls,
  ...specVersions(ApiKey.DescribeAcls),
  handle(req, ctx) {
    const filter = normalizeBinding({
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: req.patternTypeFilter,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    });
    const raw = {
      resourceType: req.resourceTypeFilter,
      patternType: req.patternTypeFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    };
    if (hasUnknownCode(raw)) {
      ctx.connection.close('DescribeAcls with an UNKNOWN resource type, pattern type, operation or permission type');
      return null;
    }
    const error = (errorCode: number, errorMessage: string): DescribeAclsResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      resources: [],
    });
    const { authorizer, controlPlane } = ctx.broker;
    if (!clusterAuthorized(ctx, AclOperation.DESCRIBE))
      return error(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, clusterDeniedMessage(ctx, 'DescribeAcls'));
    if (!authorizer) return error(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    const matched = controlPlane.acls().filter((a) => filterMatches(filter, a));
    // Kafka leaves the message of a success at the field's default: empty, not null
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', resources: aclsResources(matched) };
  },
};
