import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { BrokerConfig } from './config.ts';
import { createMemoryLog, openDiskLog, type LogConfig } from './log/index.ts';
import type { Logger } from './logger.ts';
import { TopicRegistry, type Partition } from './topics/topic-registry.ts';
import { GroupCoordinator } from './groups/index.ts';
import { logOverrides } from './topics/topic-config.ts';
import { BugSwitch } from './bugs/known-bugs.ts';
import type { ClusterLink } from './replication/cluster-link.ts';
import { ReplicaManager } from './replication/replica-manager.ts';
import { ReplicatedGroupState } from './groups/offsets-topic.ts';
import { TransactionCoordinator } from './transactions/txn-coordinator.ts';
import { Authorizer } from './acls/authorizer.ts';

/** Where clients reach this broker (put in Metadata and FindCoordinator answers). */
export interface Endpoint {
  host: string;
  port: number;
}

/**
 * The state of one reference broker node: topics and their partition logs, the group
 * coordinator, producer ids, and the notifier that wakes long-polling fetches.
 * The network layer (server.ts) and the handlers work on it; it knows nothing of sockets.
 *
 * One code path: a single node is a cluster of one (a one-voter controller quorum), so topics,
 * replica roles, producer ids and group coordinators always come from the controller's metadata
 * image through {@link Broker.controlPlane}, as in Kafka 4's combined mode.
 */
export class Broker {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly topics: TopicRegistry;
  readonly groups: GroupCoordinator;
  /** Replica roles, high watermarks and acks=all waits. */
  readonly replication: ReplicaManager;
  /** The control plane: the metadata image this node applied and the calls to the active controller. */
  readonly controlPlane: ClusterLink;
  /** Which groups this node coordinates and their state in __consumer_offsets. */
  readonly groupState: ReplicatedGroupState;
  /** The transaction coordinator: the transactional ids whose __transaction_state partition this node leads. */
  readonly transactions: TransactionCoordinator;
  /** The authorizer over the cluster's ACLs; undefined when none is configured (everything is allowed). */
  readonly authorizer: Authorizer | undefined;
  /** Known defects switched on with --bug, to prove the checkers catch them. */
  readonly bugs: BugSwitch;
  /** Emits 'append' after records are appended, so waiting fetches re-check min.bytes. */
  readonly appends = new EventEmitter();
  /** Set by the server once the listener is bound. */
  endpoint: Endpoint;
  private producerIdBlock = { next: 0, end: 0 };
  private readonly brokerLogConfig: Partial<LogConfig>;
  private retentionTimer: NodeJS.Timeout | undefined;

  constructor(config: BrokerConfig, log: Logger, cluster: ClusterLink) {
    this.config = config;
    this.log = log;
    this.controlPlane = cluster;
    this.bugs = new BugSwitch(config.bugs);
    this.authorizer = config.authorizer && new Authorizer(config.authorizer, () => cluster.acls());
    if (this.bugs.any)
      log.warn(`known bugs switched on: ${[...config.bugs].join(', ')} — this broker is wrong on purpose`);
    this.endpoint = { host: config.advertisedHost ?? config.host, port: config.advertisedPort ?? config.port };
    this.appends.setMaxListeners(0);
    const logConfig: Partial<LogConfig> = {
      segmentBytes: config.segmentBytes,
      retentionBytes: config.retentionBytes,
      retentionMs: config.retentionMs,
      flushMessages: config.flushMessages,
    };
    this.brokerLogConfig = logConfig;
    const dataDir = config.dataDir;
    this.topics = new TopicRegistry((t, p, configs) => {
      const settings = this.logSettings(configs);
      return dataDir
        ? openDiskLog(join(dataDir, `${t}-${p}`), settings, (line) => log.warn(`log recovery: ${line}`))
        : createMemoryLog(settings);
    }, config.nodeId);
    this.groupState = new ReplicatedGroupState(this);
    this.groups = new GroupCoordinator({
      config: {
        groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
        consumerGroupSessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
        consumerGroupHeartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
      },
      logger: log,
      partitionExists: (topic, partition) => this.partition(topic, partition) !== undefined,
      onPersistentStateChange: () => this.groupState.persist(),
      ownsGroup: (groupId) => this.groupState.owns(groupId),
      assignsUnreleasedPartition: () => this.bugs.strikes('overlapping-assignment'),
      topics: {
        byName: (name) => {
          const t = this.topics.get(name);
          return t && { id: t.id, partitions: t.partitions.length };
        },
        nameOf: (id) => this.topics.getById(id)?.name,
      },
    });
    this.transactions = new TransactionCoordinator(this);
    this.replication = new ReplicaManager(this, cluster);
    this.retentionTimer = setInterval(() => this.applyRetention(), config.retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  /** The log settings of a partition of a topic with `configs`: the topic's own, else the broker's. */
  logSettings(configs: ReadonlyMap<string, string>): Partial<LogConfig> {
    return { ...this.brokerLogConfig, ...logOverrides(configs) };
  }

  /** The node id and endpoint of this broker, as Metadata lists it. */
  get nodeId(): number {
    return this.config.nodeId;
  }

  /** Number of live brokers (replication factor limit). */
  get liveBrokers(): number {
    return this.controlPlane.brokers().filter((b) => !b.fenced).length;
  }

  /** Brokers clients may use, as Metadata lists them: the unfenced ones. */
  liveBrokerEndpoints(): { nodeId: number; host: string; port: number }[] {
    return this.controlPlane
      .brokers()
      .filter((b) => !b.fenced)
      .map((b) => ({ nodeId: b.id, host: b.host, port: b.port }))
      .sort((a, b) => a.nodeId - b.nodeId);
  }

  /** Ids of registered brokers that are fenced (offline replicas in Metadata). */
  fencedBrokerIds(): Set<number> {
    return new Set(
      this.controlPlane
        .brokers()
        .filter((b) => b.fenced)
        .map((b) => b.id),
    );
  }

  /**
   * The controller id Metadata and DescribeCluster report. Clients send admin requests there, so
   * it must be a broker they can reach: as in KRaft (KIP-631, where it is a random live broker
   * that forwards), the active controller while it is a live broker, else the lowest live broker;
   * -1 when none is live.
   */
  controllerId(): number {
    const live = this.liveBrokerEndpoints().map((b) => b.nodeId);
    const active = this.controlPlane.activeControllerId();
    return live.includes(active) ? active : (live[0] ?? -1);
  }

  /**
   * Client endpoints of the given nodes, for the nodeEndpoints of Produce and Fetch answers that
   * redirect a client to a new leader (KIP-951).
   */
  nodeEndpoints(ids: ReadonlySet<number>): { nodeId: number; host: string; port: number; rack: null }[] {
    if (ids.size === 0) return [];
    return this.controlPlane
      .brokers()
      .filter((b) => ids.has(b.id))
      .map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: null }));
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  /** Asks the controller to create `name` with the broker defaults, without waiting (auto-creation). */
  requestTopicCreation(name: string): void {
    const replicationFactor = Math.min(this.config.defaultReplicationFactor, Math.max(1, this.liveBrokers));
    void this.controlPlane
      .createTopic({ name, numPartitions: this.config.numPartitions, replicationFactor, configs: {} })
      .then((a) => {
        if (a.errorCode !== 0 && a.errorCode !== 36)
          this.log.warn(`auto-creating topic ${name} failed: error ${a.errorCode} ${a.errorMessage ?? ''}`);
      });
  }

  /** Asks the controller for an internal topic (__consumer_offsets) with the given layout, without waiting. */
  requestInternalTopic(name: string, numPartitions: number, replicationFactor: number): void {
    const rf = Math.min(replicationFactor, Math.max(1, this.liveBrokers));
    void this.controlPlane.createTopic({ name, numPartitions, replicationFactor: rf, configs: {} }).then((a) => {
      if (a.errorCode !== 0 && a.errorCode !== 36)
        this.log.warn(`creating internal topic ${name} failed: error ${a.errorCode} ${a.errorMessage ?? ''}`);
    });
  }

  /** Resolves once `name` is in this node's topics (a cluster node applies metadata a little after the controller commits it), or after `timeoutMs`. */
  async awaitTopic(name: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.topics.get(name)) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  /**
   * A producer id no node of the cluster handed out before: from a block the controller gave
   * this node (Kafka's ProducerIdManager, KIP-730), kept in the metadata log across restarts.
   * Null when no controller answered (the client retries COORDINATOR_LOAD_IN_PROGRESS).
   */
  async allocateClusterProducerId(): Promise<number | null> {
    if (this.producerIdBlock.next >= this.producerIdBlock.end) {
      const block = await this.controlPlane.allocateProducerIds();
      if (block.errorCode !== 0 || block.firstId === undefined || block.size === undefined) return null;
      if (this.producerIdBlock.next < this.producerIdBlock.end) return this.producerIdBlock.next++; // a concurrent call got one first
      this.producerIdBlock = { next: block.firstId, end: block.firstId + block.size };
    }
    return this.producerIdBlock.next++;
  }

  /** Wakes long-polling fetches. */
  notifyAppend(): void {
    this.appends.emit('append');
  }

  applyRetention(now = Date.now()): void {
    for (const topic of this.topics.all()) for (const p of topic.partitions) p.log.applyRetention(now);
  }

  close(): void {
    clearInterval(this.retentionTimer);
    this.transactions.close();
    this.replication.close();
    this.groups.close();
    this.topics.closeAll();
  }
}
