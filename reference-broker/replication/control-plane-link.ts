import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { startControlPlane, type ControllerResult } from '../cluster/control-plane.ts';
import { quorumConfig, type BrokerConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ClusterLink, ErrorAnswer } from './cluster-link.ts';

function answer<T>(r: ControllerResult<T>): ErrorAnswer & { value?: T } {
  return r.ok
    ? { errorCode: ErrorCode.NONE, errorMessage: null, value: r.value }
    : { errorCode: r.errorCode, errorMessage: r.message };
}

/**
 * Starts this node's control plane (reference-broker/cluster/; a one-voter quorum for a single
 * node) and presents it to the data plane
 * as a {@link ClusterLink}: the metadata image this node applied, and the calls its broker makes
 * to the active controller. The metadata log lives in `<data-dir>/__cluster_metadata-0`.
 */
export async function startControlPlaneLink(
  config: BrokerConfig,
  endpoint: { host: string; port: number },
  log: Logger,
): Promise<ClusterLink> {
  const cluster = quorumConfig(config);
  const plane = await startControlPlane({
    nodeId: config.nodeId,
    voters: cluster.voters,
    controllerHost: config.host,
    controllerPort: cluster.controllerPort,
    dataDir: config.dataDir,
    brokerEndpoint: endpoint,
    logger: log,
    timings: {
      brokerSessionTimeoutMs: cluster.brokerSessionTimeoutMs,
      brokerHeartbeatIntervalMs: cluster.brokerHeartbeatIntervalMs,
    },
    uncleanLeaderElectionEnable: cluster.uncleanLeaderElection,
    minInsyncReplicas: config.minInsyncReplicas,
    bugs: config.bugs,
  });
  return {
    nodeId: config.nodeId,
    get brokerEpoch() {
      return plane.brokerEpoch;
    },
    brokers: () => plane.image.brokers().map((b) => ({ id: b.id, host: b.host, port: b.port, fenced: b.fenced })),
    topics: () =>
      plane.image.topics().map((t) => ({
        name: t.name,
        id: t.id,
        configs: { ...t.configs },
        partitions: t.partitions.map((p) => ({
          replicas: [...p.replicas],
          isr: [...p.isr],
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          elr: [...(p.elr ?? [])],
          lastKnownElr: [...(p.lastKnownElr ?? [])],
        })),
      })),
    activeControllerId: () => plane.activeControllerId ?? -1,
    onChange(listener) {
      plane.on('metadata', () => listener());
      plane.on('broker-state', () => listener());
    },
    async createTopic(req) {
      const a = answer(await plane.createTopic(req));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage, topicId: a.value?.id };
    },
    async deleteTopic(name) {
      const a = answer(await plane.deleteTopic(name));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage };
    },
    async alterTopicConfigs(req) {
      const a = answer(await plane.alterTopicConfigs(req));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage };
    },
    async createPartitions(req) {
      const a = answer(await plane.createPartitions(req));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage };
    },
    acls: () => plane.image.acls(),
    async createAcls(acls) {
      const a = answer(await plane.createAcls(acls));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage, results: a.value };
    },
    async deleteAcls(filters) {
      const a = answer(await plane.deleteAcls(filters));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage, results: a.value };
    },
    async alterPartition(req) {
      const a = answer(await plane.alterPartition({ ...req, brokerId: config.nodeId, brokerEpoch: plane.brokerEpoch }));
      return { errorCode: a.errorCode, errorMessage: a.errorMessage, partition: a.value };
    },
    async allocateProducerIds() {
      const a = answer(await plane.allocateProducerIds());
      return { errorCode: a.errorCode, errorMessage: a.errorMessage, firstId: a.value?.firstId, size: a.value?.size };
    },
    whenServing: () =>
      new Promise<void>((resolve) => {
        const check = () => {
          const self = plane.image.broker(config.nodeId);
          if (plane.brokerEpoch < 0 || plane.isFenced || !self || self.fenced || self.epoch !== plane.brokerEpoch)
            return false;
          plane.off('broker-state', check);
          plane.off('metadata', check);
          resolve();
          return true;
        };
        if (!check()) {
          plane.on('broker-state', check);
          plane.on('metadata', check);
        }
      }),
    shutdown: () => plane.shutdown(),
    close: () => plane.close(),
  };
}
