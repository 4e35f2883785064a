/**
 * The records of the cluster metadata log, KRaft's `__cluster_metadata` in miniature (JSON, not
 * Kafka's metadata record schemas). One Raft entry carries a batch of records that apply together
 * (KRaft writes a controller operation's records atomically too).
 */

/** A partition's replica placement and leadership, as the controller last decided it. */
export interface PartitionRegistration {
  /** Assigned replicas, in preference order (the first is the preferred leader). */
  replicas: number[];
  /** In-sync replicas; never empty (the last member stays when no replica is left in sync). */
  isr: number[];
  /** The leader's broker id, or -1 while the partition is offline. */
  leader: number;
  /** Bumped on every leader change (followers and clients fence stale leaders with it). */
  leaderEpoch: number;
  /** Bumped on every change of the registration (AlterPartition's optimistic-concurrency check). */
  partitionEpoch: number;
  /**
   * Eligible leader replicas (KIP-966): replicas that left the ISR while it was below
   * min.insync.replicas and still hold every committed record. Absent in logs written before ELR: none.
   */
  elr?: number[];
  /** The last known leader, once the ISR became empty (KIP-966's lastKnownElr). Absent: none. */
  lastKnownElr?: number[];
}

/**
 * A broker joined (or rejoined): its epoch is the Raft index of this record, so it grows with
 * every registration. A registered broker starts fenced, like KRaft's RegisterBrokerRecord.
 * `incarnationId` tells a restarted process from a retried registration of the same one.
 */
export interface RegisterBrokerRecord {
  type: 'register-broker';
  id: number;
  host: string;
  port: number;
  incarnationId: string;
}

export interface FenceBrokerRecord {
  type: 'fence-broker';
  id: number;
}

export interface UnfenceBrokerRecord {
  type: 'unfence-broker';
  id: number;
}

export interface CreateTopicRecord {
  type: 'create-topic';
  name: string;
  id: string;
  configs: Record<string, string>;
  partitions: PartitionRegistration[];
}

export interface DeleteTopicRecord {
  type: 'delete-topic';
  name: string;
}

/**
 * A topic's own configs, all of them (KRaft writes one ConfigRecord per key; one record holding
 * the whole new set applies as atomically and replays the same). Written by AlterConfigs and
 * IncrementalAlterConfigs.
 */
export interface TopicConfigsRecord {
  type: 'topic-configs';
  name: string;
  configs: Record<string, string>;
}

/** Partitions added to a topic (CreatePartitions), numbered from its current count. */
export interface CreatePartitionsRecord {
  type: 'create-partitions';
  topic: string;
  /** The current partition count when the controller decided (the record is ignored if it changed). */
  firstPartition: number;
  partitions: PartitionRegistration[];
}

/** The whole new leadership state of one partition (leader, ISR and both epochs). */
export interface PartitionChangeRecord {
  type: 'partition-change';
  topic: string;
  partition: number;
  leader: number;
  isr: number[];
  leaderEpoch: number;
  partitionEpoch: number;
  /** The new ELR and last known ELR; absent (records written before ELR) keeps them. */
  elr?: number[];
  lastKnownElr?: number[];
}

/** A block of producer ids handed to a broker: [firstId, firstId + size). */
export interface ProducerIdsRecord {
  type: 'producer-ids';
  brokerId: number;
  firstId: number;
  size: number;
}

/**
 * An ACL stored under an id (Kafka's AccessControlEntryRecord): the binding's codes and strings
 * as CreateAcls gave them (see reference-broker/acls/acl-model.ts).
 */
export interface AclRecord {
  type: 'acl';
  id: string;
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** An ACL deleted (Kafka's RemoveAccessControlEntryRecord). */
export interface RemoveAclRecord {
  type: 'remove-acl';
  id: string;
}

/** Written by every new Raft leader (KRaft's LeaderChangeMessage plays this role). */
export interface NoopRecord {
  type: 'noop';
}

export type MetadataRecord =
  | RegisterBrokerRecord
  | FenceBrokerRecord
  | UnfenceBrokerRecord
  | CreateTopicRecord
  | DeleteTopicRecord
  | TopicConfigsRecord
  | CreatePartitionsRecord
  | PartitionChangeRecord
  | ProducerIdsRecord
  | AclRecord
  | RemoveAclRecord
  | NoopRecord;
