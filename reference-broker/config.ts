import type { SaslListenerConfig } from './auth/sasl-config.ts';
import type { BugName } from './bugs/known-bugs.ts';
import type { AuthorizerConfig } from './acls/authorizer.ts';

/**
 * Settings of the reference broker. Names follow Kafka's broker configs where there is one
 * (in the comment), and so do the defaults unless the comment says why not.
 */
export interface BrokerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Host and port put in Metadata; default: what the listener bound. */
  advertisedHost?: string;
  advertisedPort?: number;
  /** node.id */
  nodeId: number;
  /** cluster id returned in Metadata (22-char base64 UUID like Kafka's). */
  clusterId: string;
  /** log.dirs: undefined keeps partition logs in memory. */
  dataDir?: string;
  /** auto.create.topics.enable */
  autoCreateTopics: boolean;
  /** num.partitions */
  numPartitions: number;
  /** default.replication.factor (single node: 1) */
  defaultReplicationFactor: number;
  /** socket.request.max.bytes: 100 MiB */
  socketRequestMaxBytes: number;
  /** connections.max.idle.ms: a connection with no traffic this long is closed (10 minutes) */
  connectionsMaxIdleMs: number;
  /** max.connections: connections over this are refused (Kafka's default: unlimited) */
  maxConnections: number;
  /** max.connections.per.ip (Kafka's default: unlimited) */
  maxConnectionsPerIp: number;
  /** SASL_PLAINTEXT listener (undefined: PLAINTEXT, no authentication); see reference-broker/auth/ */
  sasl?: SaslListenerConfig;
  /**
   * authorizer.class.name set to Kafka's StandardAuthorizer, with super.users and
   * allow.everyone.if.no.acl.found (see reference-broker/acls/). Undefined: no authorizer, as
   * Kafka's default: every request is allowed and the ACL APIs answer SECURITY_DISABLED.
   */
  authorizer?: AuthorizerConfig;
  /** min.insync.replicas (broker default; topics may override) */
  minInsyncReplicas: number;
  /** message.max.bytes: the largest record batch accepted (1 MiB + 12 bytes of log overhead, as Kafka) */
  messageMaxBytes: number;
  /** group.initial.rebalance.delay.ms: Kafka's default is 3000; 0 here, as in the project's Kafka test setup, so groups form without waiting */
  groupInitialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** group.consumer.session.timeout.ms / group.consumer.heartbeat.interval.ms: KIP-848 members' session and heartbeat, decided by the broker */
  groupConsumerSessionTimeoutMs: number;
  groupConsumerHeartbeatIntervalMs: number;
  /** log.segment.bytes */
  segmentBytes: number;
  /** log.retention.bytes (-1 unlimited) */
  retentionBytes: number;
  /** log.retention.ms (7 days) */
  retentionMs: number;
  /** log.flush.interval.messages (unset = leave flushing to the OS, as Kafka) */
  flushMessages: number;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** known defects to switch on (--bug), to prove the checkers catch them */
  bugs: ReadonlySet<BugName>;
  /** replica.lag.time.max.ms: an in-sync follower not caught up for this long leaves the ISR */
  replicaLagTimeMaxMs: number;
  /** replica.fetch.wait.max.ms: how long a follower's Fetch waits at the leader for new records */
  replicaFetchWaitMaxMs: number;
  /** offsets.topic.num.partitions (cluster mode: the group coordinators' internal topic; the harness uses K, as for Kafka) */
  offsetsTopicPartitions: number;
  /** offsets.topic.replication.factor */
  offsetsTopicReplicationFactor: number;
  /** transaction.state.log.num.partitions */
  transactionStateTopicPartitions: number;
  /** transaction.state.log.replication.factor */
  transactionStateTopicReplicationFactor: number;
  /** transaction.max.timeout.ms: the longest transaction timeout InitProducerId accepts */
  transactionMaxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often the coordinator aborts expired transactions */
  transactionAbortTimedOutIntervalMs: number;
  /** transactional.id.expiration.ms: an id without a transaction open, not updated for this long, is removed */
  transactionalIdExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms: how often the coordinator removes expired ids */
  transactionRemoveExpiredTransactionalIdCleanupIntervalMs: number;
  /**
   * The controller listener and the quorum of a replicated cluster (issue #6). Undefined: a single
   * node, which runs the same controller as a one-voter quorum ({@link quorumConfig}).
   */
  cluster?: ClusterConfig;
  /**
   * Test-only, no Kafka config: serve (and advertise in ApiVersions) only these versions of each
   * listed API, within what its handler serves; an API whose range becomes empty is not served.
   * A broker that looks like an older Kafka or an implementer's narrower broker, to prove that
   * kconform's clients negotiate. Undefined: every version the handlers serve.
   */
  apiVersionLimits?: ReadonlyMap<number, { readonly min: number; readonly max: number }>;
}

/** The control-plane settings of a node of the replicated reference cluster. */
export interface ClusterConfig {
  /** Port of this node's controller listener (the Raft quorum and broker-to-controller calls). */
  controllerPort: number;
  /** controller.quorum.voters: every node of the cluster with its controller listener. */
  voters: { id: number; host: string; port: number }[];
  /** broker.session.timeout.ms: a broker without heartbeat for this long is fenced */
  brokerSessionTimeoutMs: number;
  /** broker.heartbeat.interval.ms */
  brokerHeartbeatIntervalMs: number;
  /** unclean.leader.election.enable (the cluster default; topics may override) */
  uncleanLeaderElection: boolean;
}

/** Kafka's defaults, adjusted where the comment in {@link BrokerConfig} says. */
export function defaultBrokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    host: '127.0.0.1',
    port: 9092,
    nodeId: 1,
    clusterId: 'kconform-reference-0001',
    autoCreateTopics: true,
    numPartitions: 1,
    defaultReplicationFactor: 1,
    socketRequestMaxBytes: 100 * 1024 * 1024,
    connectionsMaxIdleMs: 600_000,
    maxConnections: Infinity,
    maxConnectionsPerIp: Infinity,
    messageMaxBytes: 1024 * 1024 + 12,
    minInsyncReplicas: 1,
    groupInitialRebalanceDelayMs: 0,
    groupMinSessionTimeoutMs: 6000,
    groupMaxSessionTimeoutMs: 1_800_000,
    groupConsumerSessionTimeoutMs: 45_000,
    groupConsumerHeartbeatIntervalMs: 5_000,
    segmentBytes: 1024 * 1024 * 1024,
    retentionBytes: -1,
    retentionMs: 7 * 24 * 3600 * 1000,
    flushMessages: Infinity,
    retentionCheckIntervalMs: 300_000,
    bugs: new Set(),
    replicaLagTimeMaxMs: 30_000,
    replicaFetchWaitMaxMs: 500,
    offsetsTopicPartitions: 50,
    offsetsTopicReplicationFactor: 3,
    transactionStateTopicPartitions: 50,
    transactionStateTopicReplicationFactor: 3,
    transactionMaxTimeoutMs: 900_000,
    transactionAbortTimedOutIntervalMs: 10_000,
    transactionalIdExpirationMs: 604_800_000,
    transactionRemoveExpiredTransactionalIdCleanupIntervalMs: 3_600_000,
    ...overrides,
  };
}

/**
 * The control-plane settings this node runs with: `config.cluster`, or for a single node a quorum
 * of one voter, itself (KRaft combined mode with one node), with Kafka's session defaults. A lone
 * voter opens no controller listener, so its port is never bound.
 */
export function quorumConfig(config: BrokerConfig): ClusterConfig {
  return (
    config.cluster ?? {
      controllerPort: 0,
      voters: [{ id: config.nodeId, host: config.host, port: 0 }],
      brokerSessionTimeoutMs: 9_000,
      brokerHeartbeatIntervalMs: 2_000,
      uncleanLeaderElection: false,
    }
  );
}
