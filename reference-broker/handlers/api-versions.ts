/**
 * ApiVersions (key 18), versions 0-4. Lists every API this broker serves with its version range.
 * An ApiVersions request of a version we do not serve gets a v0 answer with UNSUPPORTED_VERSION
 * and the list, so the client can retry with a version we know (KIP-511).
 * From v3 the client names its software; a name or version Kafka's ApiVersionsRequest.isValid
 * refuses (not `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`, so also an empty one) is answered
 * INVALID_REQUEST with no API list, as Kafka's getErrorResponse does.
 * From v3 the answer carries features (KIP-584): `transaction.version` supported 0-2 and finalized
 * at 2, as Kafka 4.4.0 formats a cluster by default, so clients run transaction version 2
 * (KIP-890 part 2). Like Kafka 4.x, v3 leaves out supported features whose minimum is 0
 * (KAFKA-17011: Java clients before 3.9 refuse them), so only v4 lists it as supported.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-511%3A+Collect+and+Expose+Client%27s+Name+and+Version+in+the+Brokers
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-584%3A+Versioning+scheme+for+features
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

/** Kafka's TransactionVersion feature: its name, the versions this broker supports, the finalized level. */
export const TRANSACTION_VERSION_FEATURE = { name: 'transaction.version', min: 0, max: 2, finalized: 2 } as const;

/** Kafka's GroupVersion feature: level 1 is the KIP-848 consumer group protocol, finalized as Kafka 4.4.0's `format` leaves it. */
export const GROUP_VERSION_FEATURE = { name: 'group.version', min: 0, max: 1, finalized: 1 } as const;

/** The features this broker has, in the order Kafka 4.4.0 lists them. */
const FEATURES = [GROUP_VERSION_FEATURE, TRANSACTION_VERSION_FEATURE] as const;

/**
 * The finalized features' epoch. Kafka answers the offset of the metadata record that finalized
 * them; this broker's features never change, so any fixed epoch >= 0 (clients ignore features
 * with epoch -1) serves.
 */
const FINALIZED_FEATURES_EPOCH = 1n;

/**
 * Kafka 4.4.0 answers ApiVersions v3 without the supported features whose minimum is 0 (older
 * clients mis-read them) and lists them from v4; the finalized ones go out in both.
 */
function response(errorCode: number, handlers: ReadonlyMap<number, ApiHandler>, apiVersion = 0): ApiVersionsResponse {
  const withFeatures = errorCode === ErrorCode.NONE && apiVersion >= 3;
  return {
    errorCode,
    apiKeys: apiKeys(handlers),
    throttleTimeMs: 0,
    supportedFeatures: withFeatures
      ? FEATURES.filter((f) => apiVersion >= 4 || f.min > 0).map((f) => ({
          name: f.name,
          minVersion: f.min,
          maxVersion: f.max,
        }))
      : [],
    finalizedFeaturesEpoch: withFeatures ? FINALIZED_FEATURES_EPOCH : -1n,
    finalizedFeatures: withFeatures
      ? FEATURES.map((f) => ({ name: f.name, minVersionLevel: f.finalized, maxVersionLevel: f.finalized }))
      : [],
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
      return response(ErrorCode.NONE, handlers(), apiVersion);
    },
  };
}
