import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { BrokerConfig } from './config.ts';
import { createMemoryLog, openDiskLog, type LogConfig } from './log/index.ts';
import type { Logger } from './logger.ts';
import { MetadataStore } from './state/metadata-store.ts';
import { TopicRegistry, type CreateTopicFailure, type Partition, type Topic } from './topics/topic-registry.ts';
import { GroupCoordinator } from './groups/index.ts';
import { logOverrides } from './topics/topic-config.ts';
import { BugSwitch } from './bugs/known-bugs.ts';

/** Where clients reach this broker (put in Metadata and FindCoordinator answers). */
export interface Endpoint {
  host: string;
  port: number;
}

/**
 * The state of one reference broker node: topics and their partition logs, the group
 * coordinator, producer ids, and the notifier that wakes long-polling fetches.
 * The network layer (server.ts) and the handlers work on it; it knows nothing of sockets.
 */
export class Broker {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly topics: TopicRegistry;
  readonly groups: GroupCoordinator;
  /** Known defects switched on with --bug, to prove the checkers catch them. */
  readonly bugs: BugSwitch;
  /** Emits 'append' after records are appended, so waiting fetches re-check min.bytes. */
  readonly appends = new EventEmitter();
  /** Set by the server once the listener is bound. */
  endpoint: Endpoint;
  private nextProducerId = 1000;
  private readonly store: MetadataStore | undefined;
  private retentionTimer: NodeJS.Timeout | undefined;

  constructor(config: BrokerConfig, log: Logger) {
    this.config = config;
    this.log = log;
    this.bugs = new BugSwitch(config.bugs);
    if (this.bugs.any) log.warn(`known bugs switched on: ${[...config.bugs].join(', ')} — this broker is wrong on purpose`);
    this.endpoint = { host: config.advertisedHost ?? config.host, port: config.advertisedPort ?? config.port };
    this.appends.setMaxListeners(0);
    const logConfig: Partial<LogConfig> = {
      segmentBytes: config.segmentBytes,
      retentionBytes: config.retentionBytes,
      retentionMs: config.retentionMs,
      flushMessages: config.flushMessages,
    };
    const dataDir = config.dataDir;
    this.topics = new TopicRegistry((t, p, configs) => {
      const settings = { ...logConfig, ...logOverrides(configs) };
      return dataDir ? openDiskLog(join(dataDir, `${t}-${p}`), settings) : createMemoryLog(settings);
    });
    this.store = dataDir ? new MetadataStore(dataDir) : undefined;
    this.groups = new GroupCoordinator({
      config: {
        groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      },
      logger: log,
      partitionExists: (topic, partition) => this.partition(topic, partition) !== undefined,
      onPersistentStateChange: () => this.persist(),
    });
    this.recover();
    this.retentionTimer = setInterval(() => this.applyRetention(), config.retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  /** The node id and endpoint of this broker, as Metadata lists it. */
  get nodeId(): number {
    return this.config.nodeId;
  }

  /** Number of live brokers (replication factor limit). */
  get liveBrokers(): number {
    return 1;
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  /** Creates a topic after validating it; persists the change when on disk. */
  createTopic(name: string, numPartitions: number, replicationFactor: number, configs: Map<string, string> = new Map()): Topic | CreateTopicFailure {
    const failure = this.topics.validateCreate(name, numPartitions, replicationFactor, this.liveBrokers, configs);
    if (failure) return failure;
    const topic = this.topics.create(name, numPartitions, configs);
    this.log.info(`created topic ${name} with ${numPartitions} partition(s), id ${topic.id}`);
    this.persist();
    return topic;
  }

  /** Looks a topic up, creating it with the broker defaults when auto-creation is on. */
  topicOrAutoCreate(name: string, allowAutoCreate: boolean): Topic | CreateTopicFailure | undefined {
    const existing = this.topics.get(name);
    if (existing || !allowAutoCreate || !this.config.autoCreateTopics) return existing;
    return this.createTopic(name, this.config.numPartitions, this.config.defaultReplicationFactor);
  }

  deleteTopic(name: string): boolean {
    const topic = this.topics.delete(name);
    if (!topic) return false;
    this.log.info(`deleted topic ${name}`);
    this.persist();
    return true;
  }

  /** Hands out a producer id that this broker never handed out before (across restarts with a data dir). */
  allocateProducerId(): number {
    const id = this.nextProducerId++;
    this.persist();
    return id;
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
    this.groups.close();
    this.persist();
    this.topics.closeAll();
  }

  private persist(): void {
    if (!this.store) return;
    this.store.save({
      version: 1,
      clusterId: this.config.clusterId,
      topics: [...this.topics.all()].map((t) => ({ name: t.name, id: t.id, partitions: t.partitions.length, configs: Object.fromEntries(t.configs) })),
      nextProducerId: this.nextProducerId,
      groups: this.groups.snapshot(),
    });
  }

  private recover(): void {
    const meta = this.store?.load();
    if (!meta) return;
    for (const t of meta.topics) this.topics.create(t.name, t.partitions, new Map(Object.entries(t.configs)), t.id);
    this.nextProducerId = meta.nextProducerId;
    if (meta.groups) this.groups.restore(meta.groups);
    this.log.info(`recovered ${meta.topics.length} topic(s) from ${this.config.dataDir}`);
  }
}
