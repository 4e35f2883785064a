/**
 * FindCoordinator (key 10), versions 0-6 (v4+ batches keys, KIP-699). A single node coordinates
 * every consumer group; in a cluster, the leader of the group's __consumer_offsets partition does. Transaction coordinators (key type 1) are not served
 * (SKIPPED_FEATURES.md): COORDINATOR_NOT_AVAILABLE, as Kafka answers when it has none.
 * Share groups (key type 2) likewise.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

const GROUP = 0;

export const findCoordinatorHandler: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  ...specVersions(10),
  handle(req, { broker, apiVersion }) {
    const { host, port } = broker.endpoint;
    const one = (key: string) => {
      if (req.keyType !== GROUP) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The reference broker serves consumer groups only' };
      if (key === '') return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Group id must not be empty' };
      if (broker.groupState) {
        const found = broker.groupState.coordinatorFor(key);
        const node = found.errorCode === ErrorCode.NONE ? broker.cluster!.brokers().find((b) => b.id === found.nodeId && !b.fenced) : undefined;
        if (!node) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: null };
        return { key, nodeId: node.id, host: node.host, port: node.port, errorCode: ErrorCode.NONE, errorMessage: null };
      }
      return { key, nodeId: broker.nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null };
    };
    if (apiVersion >= 4) {
      return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators: req.coordinatorKeys.map(one) };
    }
    const c = one(req.key);
    return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port, coordinators: [] };
  },
};
