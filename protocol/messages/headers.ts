import { API_TABLE } from './generated/api-table.ts';
import { ApiKey } from './generated/api-keys.ts';

const CONTROLLED_SHUTDOWN = 7;

/**
 * The request header version a request of `apiKey` at `apiVersion` carries: 2 for flexible
 * versions, else 1; 0 only for ControlledShutdown v0 (an API Kafka 4 removed). A version above
 * the highest known counts as flexible when the API went flexible, as Kafka reasons too; an
 * unknown API key gets 1, so its correlation ID can still be read.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === CONTROLLED_SHUTDOWN && apiVersion === 0) return 0;
  const api = API_TABLE.get(apiKey);
  return api !== undefined && apiVersion >= api.requestFlexibleMin ? 2 : 1;
}

/**
 * The response header version for `apiKey` at `apiVersion`: 1 for flexible versions, else 0.
 * ApiVersions responses always use 0, so a client that does not know the broker's versions
 * yet can still read the answer (KIP-511).
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const api = API_TABLE.get(apiKey);
  return api !== undefined && apiVersion >= api.responseFlexibleMin ? 1 : 0;
}
