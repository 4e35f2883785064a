/**
 * CreateAcls (key 30), versions 1-3, as Kafka 4.4 answers it (AclApis.handleCreateAcls on the
 * controller): without an authorizer every creation gets SECURITY_DISABLED; the principal needs
 * ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED for every creation); each binding is then
 * checked and stored by the controller in the metadata log (reference-broker/acls/acl-model.ts
 * has Kafka's checks and messages). A field holding UNKNOWN (code 0) makes Kafka's request class
 * refuse the request: the connection is closed. A binding Kafka cannot even build (resource type
 * ANY, pattern type ANY or MATCH, operation ANY, permission ANY) fails the whole request with
 * UNKNOWN_SERVER_ERROR for every creation.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { CreateAclsRequest, CreateAclsResponse } from '../../protocol/messages/generated/index.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { hasUnknownCode, normalizeBinding, unbuildableBinding, type AclBinding } from '../acls/acl-model.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, clusterAuthorized, clusterDeniedMessage } from './authorize.ts';

type Result = CreateAclsResponse['results'][number];

export const createAclsHandler: ApiHandler<CreateAclsRequest, CreateAclsResponse> = {
  apiKey: ApiKey.CreateAcls,
  ...specVersions(ApiKey.CreateAcls),
  async handle(req, ctx) {
    const { broker, connection } = ctx;
    const bindings: AclBinding[] = req.creations.map((c) => ({
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: c.resourcePatternType,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType,
    }));
    if (bindings.some(hasUnknownCode)) {
      connection.close('CreateAcls with an UNKNOWN resource type, pattern type, operation or permission type');
      return null;
    }
    const all = (errorCode: number, errorMessage: string | null): CreateAclsResponse => ({
      throttleTimeMs: 0,
      results: bindings.map((): Result => ({ errorCode, errorMessage })),
    });
    if (!broker.authorizer) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!clusterAuthorized(ctx, AclOperation.ALTER))
      return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, clusterDeniedMessage(ctx, 'CreateAcls'));
    const normalized = bindings.map(normalizeBinding);
    if (normalized.some(unbuildableBinding)) return all(ErrorCode.UNKNOWN_SERVER_ERROR, null);
    const answer = await broker.controlPlane.createAcls(normalized);
    if (answer.errorCode !== ErrorCode.NONE || !answer.results) return all(answer.errorCode, answer.errorMessage);
    // Kafka's AclCreationResult of a success keeps the field's default: an empty message, not null
    return {
      throttleTimeMs: 0,
      results: answer.results.map((r) => ({ errorCode: r.errorCode, errorMessage: r.errorMessage ?? '' })),
    };
  },
};
