/**
 * What a broker node of the replicated reference cluster needs from the control plane
 * (reference-broker/cluster/): the committed cluster metadata as this node last applied it, and
 * calls that the active controller answers. The data plane (replication/, handlers) depends on
 * this interface only, so it reads as a list of the questions a Kafka broker asks its controller.
 */

import type { AclBinding, AclBindingFilter } from '../acls/acl-model.ts';

/** A registered broker. */
export interface ClusterBroker {
  id: number;
  host: string;
  port: number;
  /** Fenced brokers (no heartbeat within the session timeout) are not listed to clients and lead nothing. */
  fenced: boolean;
}

/** A partition's registration in the metadata log (Kafka's PartitionRegistration). */
export interface ClusterPartition {
  replicas: number[];
  isr: number[];
  /** -1 while offline */
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  /** Eligible leader replicas (KIP-966); absent: none. */
  elr?: number[];
  /** The last known leader once the ISR became empty (KIP-966); absent: none. */
  lastKnownElr?: number[];
}

/** A topic in the metadata log. */
export interface ClusterTopic {
  name: string;
  id: string;
  configs: Record<string, string>;
  partitions: ClusterPartition[];
}

/** A Kafka error code with its message (null when the code says enough). */
export interface ErrorAnswer {
  errorCode: number;
  errorMessage: string | null;
}

/** A leader's request to change a partition's ISR (Kafka's AlterPartition). */
export interface AlterIsrRequest {
  topic: string;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: number[];
}

/** The control plane as a broker node sees it. Calls never throw on network trouble: they answer an error code. */
export interface ClusterLink {
  readonly nodeId: number;
  /** This node's broker epoch (-1 before it registered). */
  readonly brokerEpoch: number;
  /** Every registered broker, fenced ones included. */
  brokers(): ClusterBroker[];
  topics(): ClusterTopic[];
  /** The node id of the active controller, -1 when there is none. */
  activeControllerId(): number;
  /** Called after each batch of committed metadata records is applied on this node. */
  onChange(listener: () => void): void;
  /** Creates a topic; `assignments` (replicas per partition) places it by hand, as CreateTopics may. */
  createTopic(req: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    configs: Record<string, string>;
    assignments?: number[][];
  }): Promise<ErrorAnswer & { topicId?: string }>;
  deleteTopic(name: string): Promise<ErrorAnswer>;
  /** Changes a topic's own configs: `changes` applied as IncrementalAlterConfigs does, or (`replace`) the whole new set as AlterConfigs. */
  alterTopicConfigs(req: {
    name: string;
    changes: { name: string; op: number; value: string | null }[];
    replace?: boolean;
    validateOnly?: boolean;
  }): Promise<ErrorAnswer>;
  /** Grows a topic to `count` partitions; `assignments` (replicas of each new partition) places them by hand. */
  createPartitions(req: {
    name: string;
    count: number;
    assignments: number[][] | null;
    validateOnly: boolean;
  }): Promise<ErrorAnswer>;
  /** The ACLs as this node last applied them (the array is replaced, never changed, when they change). */
  acls(): readonly AclBinding[];
  /** Stores ACLs (CreateAcls): one answer per binding, in order. */
  createAcls(acls: AclBinding[]): Promise<ErrorAnswer & { results?: ErrorAnswer[] }>;
  /** Deletes the ACLs each filter matches (DeleteAcls): one answer per filter, in order. */
  deleteAcls(
    filters: AclBindingFilter[],
  ): Promise<ErrorAnswer & { results?: (ErrorAnswer & { deleted: AclBinding[] })[] }>;
  alterPartition(req: AlterIsrRequest): Promise<ErrorAnswer & { partition?: ClusterPartition }>;
  allocateProducerIds(): Promise<ErrorAnswer & { firstId?: number; size?: number }>;
  /**
   * Resolves once the controller has registered and unfenced this broker and this node has applied
   * that (Kafka opens a broker's client listener only then, so clients never meet a broker that
   * cannot serve what the metadata says it leads).
   */
  whenServing(): Promise<void>;
  /** Controlled shutdown: leadership moves to other nodes first, then the link closes. */
  shutdown(): Promise<void>;
  close(): Promise<void>;
}
