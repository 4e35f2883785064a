/**
 * DeleteAcls (key 31), versions 1-3, as Kafka 4.4 answers it (AclApis.handleDeleteAcls and
 * AclControlManager.deleteAcls): without an authorizer SECURITY_DISABLED for every filter; the
 * principal needs ALTER on the cluster; each filter then lists the ACLs it matched, all of which
 * the controller removes from the metadata log together (a filter with an unknown part answers
 * INVALID_REQUEST). A field holding UNKNOWN (code 0) closes the connection, as Kafka's request
 * class refuses the request.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DeleteAclsRequest, DeleteAclsResponse } from '../../protocol/messages/generated/index.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { hasUnknownCode, normalizeBinding, type AclBindingFilter } from '../acls/acl-model.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, clusterAuthorized, clusterDeniedMessage } from './authorize.ts';

type FilterResult = DeleteAclsResponse['filterResults'][number];

export const deleteAclsHandler: ApiHandler<DeleteAclsRequest, DeleteAclsResponse> = {
  apiKey: ApiKey.DeleteAcls,
  ...specVersions(ApiKey.DeleteAcls),
  async handle(req, ctx) {
    const filters: AclBindingFilter[] = req.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: f.patternTypeFilter,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    }));
    if (filters.some(hasUnknownCode)) {
      ctx.connection.close('DeleteAcls with an UNKNOWN resource type, pattern type, operation or permission type');
      return null;
    }
    const all = (errorCode: number, errorMessage: string | null): DeleteAclsResponse => ({
      throttleTimeMs: 0,
      filterResults: filters.map((): FilterResult => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    const { authorizer, controlPlane } = ctx.broker;
    if (!authorizer) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!clusterAuthorized(ctx, AclOperation.ALTER))
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, clusterDeniedMessage(ctx, 'DeleteAcls'));
    const answer = await controlPlane.deleteAcls(filters.map(normalizeBinding));
    if (answer.errorCode !== ErrorCode.NONE || !answer.results) return all(answer.errorCode, answer.errorMessage);
    return {
      throttleTimeMs: 0,
      filterResults: answer.results.map((r) => ({
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        matchingAcls: r.deleted.map((a) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: a.resourceType,
          resourceName: a.resourceName,
          patternType: a.patternType,
          principal: a.principal,
          host: a.host,
          operation: a.operation,
          permissionType: a.permissionType,
        })),
      })),
    };
  },
};
