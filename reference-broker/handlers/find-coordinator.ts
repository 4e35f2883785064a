/**
 * FindCoordinator (key 10), versions 0-6 (v4+ batches keys, KIP-699). The leader of the group's
 * __consumer_offsets partition coordinates it (a single node leads them all); before that topic
 * exists the controller is asked for it and the answer is COORDINATOR_NOT_AVAILABLE, as Kafka's.
 * An empty group id is a group id like any other (Kafka hashes it to a partition and answers).
 *
 * Key types other than a group follow Kafka's KafkaApis.getCoordinator: a transaction coordinator
 * (type 1) is the leader of the id's __transaction_state partition, found the same way; share coordinators (type 2, KIP-932) exist only from v6, and Kafka parses the
 * key (SharePartitionKey.getInstance) before anything else: a malformed one is INVALID_REQUEST,
 * a well-formed one COORDINATOR_NOT_AVAILABLE (no share groups here). Any other type is
 * INVALID_REQUEST (CoordinatorType.forId throws).
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const GROUP = 0;
const TRANSACTION = 1;
const SHARE = 2;
/** The first version that knows share coordinators (KIP-932). */
const SHARE_MIN_VERSION = 6;

type Coordinator = FindCoordinatorResponse['coordinators'][number];

/** Kafka's Uuid.fromString: URL-safe base64 (padding optional) of exactly 16 bytes, at most 24 characters. */
function isKafkaUuid(s: string): boolean {
  if (s.length > 24 || !/^[A-Za-z0-9_-]*={0,2}$/.test(s)) return false;
  return Buffer.from(s, 'base64url').length === 16;
}

/** Kafka's Integer.parseInt: optional sign, decimal digits, within int32. */
function isJavaInt(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = Number(s);
  return n >= -(2 ** 31) && n < 2 ** 31;
}

/**
 * Whether `key` is a share partition key `groupId:topicId:partition` as SharePartitionKey.getInstance
 * parses it: split on ':' (Java drops trailing empty parts), parsed from the right, group id not blank.
 */
export function isSharePartitionKey(key: string): boolean {
  if (key === '') return false;
  const tokens = key.split(':');
  while (tokens.length > 0 && tokens.at(-1) === '') tokens.pop();
  if (tokens.length < 3) return false;
  const partition = tokens.at(-1)!;
  const topicId = tokens.at(-2)!;
  const groupId = tokens.slice(0, -2).join(':');
  return groupId.trim() !== '' && isKafkaUuid(topicId) && isJavaInt(partition);
}

function failed(key: string, errorCode: number, errorMessage: string | null): Coordinator {
  return { key, nodeId: -1, host: '', port: -1, errorCode, errorMessage };
}

function groupCoordinator(broker: Broker, key: string, keyType = GROUP): Coordinator {
  const found =
    keyType === TRANSACTION ? broker.transactions.state.coordinatorFor(key) : broker.groupState.coordinatorFor(key);
  const node =
    found.errorCode === ErrorCode.NONE
      ? broker.controlPlane.brokers().find((b) => b.id === found.nodeId && !b.fenced)
      : undefined;
  if (!node) return failed(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
  return { key, nodeId: node.id, host: node.host, port: node.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

/** The answer for one key of `keyType`, as Kafka's getCoordinator gives it. */
export function findCoordinator(broker: Broker, apiVersion: number, keyType: number, key: string): Coordinator {
  switch (keyType) {
    case GROUP:
      return groupCoordinator(broker, key);
    case TRANSACTION:
      return groupCoordinator(broker, key, TRANSACTION);
    case SHARE:
      if (apiVersion < SHARE_MIN_VERSION)
        return failed(
          key,
          ErrorCode.INVALID_REQUEST,
          `Share coordinators need FindCoordinator v${SHARE_MIN_VERSION} or later`,
        );
      if (!isSharePartitionKey(key))
        return failed(key, ErrorCode.INVALID_REQUEST, `Invalid share partition key: ${key}`);
      return failed(key, ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The reference broker has no share coordinator');
    default:
      return failed(key, ErrorCode.INVALID_REQUEST, `Unknown coordinator type received: ${keyType}`);
  }
}

export const findCoordinatorHandler: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  ...specVersions(ApiKey.FindCoordinator),
  handle(req, { broker, apiVersion }) {
    if (apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        nodeId: -1,
        host: '',
        port: -1,
        coordinators: req.coordinatorKeys.map((k) => findCoordinator(broker, apiVersion, req.keyType, k)),
      };
    }
    const c = findCoordinator(broker, apiVersion, req.keyType, req.key);
    return {
      throttleTimeMs: 0,
      errorCode: c.errorCode,
      errorMessage: c.errorMessage,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
      coordinators: [],
    };
  },
};
