import { randomUUID } from 'node:crypto';
import type { PartitionLog } from '../log/index.ts';
import { PartitionProducerState } from '../producers/producer-state.ts';
import { isInternalTopic, topicNameProblem } from './topic-name.ts';
import { topicConfigProblem } from './topic-config.ts';

/** One partition of a topic on this node: its log, producer state and replica assignment. */
export interface Partition {
  readonly topic: string;
  readonly index: number;
  readonly log: PartitionLog;
  readonly producers: PartitionProducerState;
  /** The leader's epoch as the controller last said. */
  leaderEpoch: number;
  /** Node ids holding a replica, preferred leader first (a single node: just itself). */
  replicas: number[];
  /** In-sync replicas (the ISR), leader included. */
  isr: number[];
  /** Node id of the leader, -1 while the partition is offline. */
  leaderId: number;
  /** Bumped by the controller on every change of leader or ISR (KIP-497's partition epoch). */
  partitionEpoch: number;
  /** Eligible leader replicas as the controller last said (KIP-966). */
  elr?: number[];
  /** The last known leader once the ISR became empty (KIP-966). */
  lastKnownElr?: number[];
}

/** Where a partition's replicas are and who leads it, as the controller assigned them. */
export interface PartitionAssignment {
  replicas: number[];
  isr: number[];
  leaderId: number;
  leaderEpoch: number;
  partitionEpoch: number;
}

/** A topic with its id (KIP-516) and partitions. */
export interface Topic {
  readonly name: string;
  readonly id: string;
  readonly partitions: Partition[];
  readonly internal: boolean;
  readonly configs: Map<string, string>;
}

/** Opens (or creates) the log of one partition; memory or disk is the broker's choice, settings from the topic's configs. */
export type LogFactory = (topic: string, partition: number, configs: ReadonlyMap<string, string>) => PartitionLog;

/** Why a topic could not be created, as a Kafka error code and message. */
export interface CreateTopicFailure {
  errorCode: number;
  message: string;
}

const TOPIC_ALREADY_EXISTS = 36;
const INVALID_TOPIC_EXCEPTION = 17;
const INVALID_PARTITIONS = 37;
const INVALID_REPLICATION_FACTOR = 38;
const INVALID_CONFIG = 40;

/** The broker's topics, by name and by id. */
export class TopicRegistry {
  private readonly byName = new Map<string, Topic>();
  private readonly byId = new Map<string, Topic>();
  private readonly openLog: LogFactory;
  private readonly localNodeId: number;

  /** `localNodeId` leads every partition created without an assignment (unit tests; the broker always passes the controller's). */
  constructor(openLog: LogFactory, localNodeId = 1) {
    this.openLog = openLog;
    this.localNodeId = localNodeId;
  }

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  getById(id: string): Topic | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Topic> {
    return this.byName.values();
  }

  /**
   * Checks a create request without creating anything (CreateTopics validateOnly uses it too).
   * `brokers` is the number of live brokers, the most replicas a partition can have.
   */
  validateCreate(
    name: string,
    numPartitions: number,
    replicationFactor: number,
    brokers: number,
    configs: ReadonlyMap<string, string> = new Map(),
  ): CreateTopicFailure | null {
    const problem = topicNameProblem(name);
    if (problem) return { errorCode: INVALID_TOPIC_EXCEPTION, message: problem };
    for (const [key, value] of configs) {
      const bad = topicConfigProblem(key, value);
      if (bad) return { errorCode: INVALID_CONFIG, message: bad };
    }
    if (this.byName.has(name)) return { errorCode: TOPIC_ALREADY_EXISTS, message: `Topic '${name}' already exists.` };
    if (numPartitions < 1)
      return {
        errorCode: INVALID_PARTITIONS,
        message: 'Number of partitions was set to an invalid non-positive value.',
      };
    if (replicationFactor < 1)
      return {
        errorCode: INVALID_REPLICATION_FACTOR,
        message: 'Replication factor must be larger than 0, or -1 to use the default value.',
      };
    if (replicationFactor > brokers) {
      return {
        errorCode: INVALID_REPLICATION_FACTOR,
        message: `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers} broker(s) are registered.`,
      };
    }
    return null;
  }

  /**
   * Creates a topic (the caller validated it); `id` is given when recovering one from disk or
   * following the controller, `assignments` (one per partition) when the controller placed it.
   */
  create(
    name: string,
    numPartitions: number,
    configs: Map<string, string> = new Map(),
    id: string = randomUUID(),
    assignments?: readonly PartitionAssignment[],
  ): Topic {
    const partitions: Partition[] = [];
    for (let i = 0; i < numPartitions; i++) {
      const a = assignments?.[i] ?? {
        replicas: [this.localNodeId],
        isr: [this.localNodeId],
        leaderId: this.localNodeId,
        leaderEpoch: 0,
        partitionEpoch: 0,
      };
      partitions.push({
        topic: name,
        index: i,
        log: this.openLog(name, i, configs),
        producers: new PartitionProducerState(),
        ...a,
        replicas: [...a.replicas],
        isr: [...a.isr],
      });
    }
    const topic: Topic = { name, id, partitions, internal: isInternalTopic(name), configs };
    this.byName.set(name, topic);
    this.byId.set(id, topic);
    return topic;
  }

  /**
   * Adds partitions to a topic (CreatePartitions), numbered from its current count, placed as the
   * controller assigned them.
   */
  addPartitions(name: string, assignments: readonly PartitionAssignment[]): Partition[] {
    const topic = this.byName.get(name);
    if (!topic) throw new Error(`no topic ${name} to add partitions to`);
    const added: Partition[] = [];
    for (const a of assignments) {
      const index = topic.partitions.length;
      const p: Partition = {
        topic: name,
        index,
        log: this.openLog(name, index, topic.configs),
        producers: new PartitionProducerState(),
        ...a,
        replicas: [...a.replicas],
        isr: [...a.isr],
      };
      topic.partitions.push(p);
      added.push(p);
    }
    return added;
  }

  /** Deletes a topic and its logs (on disk too); returns the topic, or undefined when there is none. */
  delete(name: string): Topic | undefined {
    const topic = this.byName.get(name);
    if (!topic) return undefined;
    this.byName.delete(name);
    this.byId.delete(topic.id);
    for (const p of topic.partitions) p.log.delete();
    return topic;
  }

  /** Closes every log (broker shutdown). */
  closeAll(): void {
    for (const t of this.byName.values()) for (const p of t.partitions) p.log.close();
  }
}
