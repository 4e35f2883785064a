/**
 * Network namespaces for local process clusters: each node gets its own namespace and
 * address, the host reaches them all, and partitions and client cuts are firewall rules
 * inside the node namespaces. See network-lab.ts for the layout and lab-cleanup.ts for how
 * nothing outlives a run.
 */
export type { NetworkFaults, PartitionGroups } from './network-faults.ts';
export {
  startNetworkLab,
  NetnsCommandError,
  type LabNode,
  type NetworkLab,
  type NetworkLabOptions,
} from './network-lab.ts';
export {
  checkNetnsPrerequisites,
  NETNS_INSTALL_HINT,
  PrerequisiteError,
  type FirewallChoice,
  type NetnsPrerequisiteOptions,
  type NetnsTools,
} from './prerequisites.ts';
export { cleanupStale, type StaleCleanup } from './lab-cleanup.ts';
export type { FirewallKind } from './firewall-rules.ts';
export { tcpConnects, tcpConnectsFrom } from './tcp-probe.ts';
export { startKafkaInNamespace, type NamespacedKafka, type NamespacedKafkaOptions } from './kafka-in-namespace.ts';
export {
  startClusterInLab,
  startKafkaClusterInLab,
  type ClusterInLab,
  type ClusterInLabOptions,
  type KafkaClusterInLabOptions,
  type StoppableCluster,
} from './lab-cluster.ts';
