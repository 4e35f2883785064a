/**
 * Coordinators that live on the partitions of an internal topic (the group coordinator on
 * `__consumer_offsets`, the transaction coordinator on `__transaction_state`): a key's partition
 * and where a client finds its coordinator.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { Broker } from '../broker.ts';

/** Java's String.hashCode, which Kafka's coordinators hash keys with. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The partition of `key` among `partitions` (Kafka's Utils.abs(key.hashCode) % partitions). */
export function keyPartitionFor(key: string, partitions: number): number {
  return (javaStringHash(key) & 0x7fffffff) % partitions;
}

/** Where a client finds a coordinator, or why it cannot yet. */
export type CoordinatorLookup =
  | { errorCode: typeof ErrorCode.NONE; nodeId: number }
  | { errorCode: number; nodeId: -1 };

/**
 * FindCoordinator's answer for `key`: the leader of its partition of `topic`. Before the topic
 * exists the controller is asked to create it (`create`) and the client hears
 * COORDINATOR_NOT_AVAILABLE, as with Kafka.
 */
export function coordinatorOnInternalTopic(
  broker: Broker,
  topic: string,
  key: string,
  create: { partitions: number; replicationFactor: number },
): CoordinatorLookup {
  const t = broker.topics.get(topic);
  if (!t) {
    broker.requestInternalTopic(topic, create.partitions, create.replicationFactor);
    return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 };
  }
  const p = t.partitions[keyPartitionFor(key, t.partitions.length)];
  if (!p || p.leaderId < 0) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 };
  return { errorCode: ErrorCode.NONE, nodeId: p.leaderId };
}
