/**
 * ApiVersions (key 18), versions 0-4. Lists every API this broker serves with its version range.
 * An ApiVersions request of a version we do not serve gets a v0 answer with UNSUPPORTED_VERSION
 * and the list, so the client can retry with a version we know (KIP-511).
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-511%3A+Collect+and+Expose+Client%27s+Name+and+Version+in+the+Brokers
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

const KEY = 18;

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
export function apiVersionsHandler(handlers: () => ReadonlyMap<number, ApiHandler>): ApiHandler<ApiVersionsRequest, ApiVersionsResponse> {
  return {
    apiKey: KEY,
    ...specVersions(KEY),
    handle: () => response(ErrorCode.NONE, handlers()),
  };
}
