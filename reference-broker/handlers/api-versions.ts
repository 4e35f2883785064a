/**
 * ApiVersions (key 18), versions 0-4. Lists every API this broker serves with its version range.
 * An ApiVersions request of a version we do not serve gets a v0 answer with UNSUPPORTED_VERSION
 * and the list, so the client can retry with a version we know (KIP-511).
 * From v3 the client names its software; a name or version Kafka's ApiVersionsRequest.isValid
 * refuses (not `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`, so also an empty one) is answered
 * INVALID_REQUEST with no API list, as Kafka's getErrorResponse does.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-511%3A+Collect+and+Expose+Client%27s+Name+and+Version+in+the+Brokers
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** Kafka's SOFTWARE_NAME_VERSION_PATTERN: letters, digits, '-' and '.', starting and ending with a letter or digit. */
const SOFTWARE_NAME_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

/** Whether an ApiVersions request of `version` names its client software the way Kafka accepts (always true before v3). */
export function validClientSoftware(version: number, name: string, softwareVersion: string): boolean {
  return version < 3 || (SOFTWARE_NAME_VERSION.test(name) && SOFTWARE_NAME_VERSION.test(softwareVersion));
}

function apiKeys(handlers: ReadonlyMap<number, ApiHandler>): ApiVersionsResponse['apiKeys'] {
  return [...handlers.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
}

function response(errorCode: number, handlers: ReadonlyMap<number, ApiHandler>): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys: apiKeys(handlers),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}

/** The v0 answer to an ApiVersions request whose version we do not serve. */
export function apiVersionsFallback(handlers: ReadonlyMap<number, ApiHandler>): ApiVersionsResponse {
  return response(ErrorCode.UNSUPPORTED_VERSION, handlers);
}

/** Builds the ApiVersions handler over the broker's handler table (it must list itself). */
export function apiVersionsHandler(
  handlers: () => ReadonlyMap<number, ApiHandler>,
): ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  return {
    apiKey: ApiKey.ApiVersions,
    ...specVersions(ApiKey.ApiVersions),
    handle(req, { apiVersion }) {
      if (!validClientSoftware(apiVersion, req.clientSoftwareName, req.clientSoftwareVersion))
        return response(ErrorCode.INVALID_REQUEST, new Map());
      return response(ErrorCode.NONE, handlers());
    },
  };
}
