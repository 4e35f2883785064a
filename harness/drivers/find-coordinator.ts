/**
 * FindCoordinator over the raw client at whatever version the broker serves: before v4 the
 * request names one key and the answer is the top-level node; from v4 (KIP-699) both are lists.
 */
import type { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** The first version whose request and answer are lists of keys and coordinators. */
const BATCHED = 4;

/** Key types of FindCoordinator. */
export const COORDINATOR_KEY_TYPE = { group: 0, transaction: 1 } as const;

/** One coordinator as the broker named it. */
export interface CoordinatorAnswer {
  errorCode: number;
  nodeId: number;
  /** `host:port` of the coordinator (meaningless unless errorCode is 0). */
  address: string;
}

/**
 * Asks `raw`'s broker which node coordinates `key` (a group id by default). Kafka 4.x serves
 * v0-6, 2.7.0 v0-3; the answer is read in the shape of the version negotiated.
 */
export async function findCoordinator(
  raw: RawClient,
  key: string,
  keyType: number = COORDINATOR_KEY_TYPE.group,
  timeoutMs?: number,
): Promise<CoordinatorAnswer> {
  // v0 cannot name a key type: only groups.
  const version = await raw.negotiate(
    ApiKey.FindCoordinator,
    { min: keyType === COORDINATOR_KEY_TYPE.group ? 0 : 1 },
    timeoutMs,
  );
  const res = await raw.request(ApiKey.FindCoordinator, version, { key, keyType, coordinatorKeys: [key] }, timeoutMs);
  if (version < BATCHED) return { errorCode: res.errorCode, nodeId: res.nodeId, address: `${res.host}:${res.port}` };
  const c = res.coordinators.find((x) => x.key === key) ?? res.coordinators[0];
  // An answer without the asked key is the broker's error (-1, UNKNOWN_SERVER_ERROR, when it gave none).
  if (!c) return { errorCode: res.errorCode || -1, nodeId: -1, address: ':-1' };
  return { errorCode: c.errorCode, nodeId: c.nodeId, address: `${c.host}:${c.port}` };
}
