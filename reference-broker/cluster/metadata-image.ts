/**
 * The cluster metadata state machine: every node applies the committed metadata log, in order,
 * to its own {@link MetadataImage}, so all nodes reach the same state (KRaft's MetadataImage
 * built from MetadataDelta). Pure and deterministic: the outcome depends only on the records and
 * their indexes; a record that does not fit the state (a change for an unknown topic, say) is
 * ignored on every node alike and reported in the delta.
 *
 * Objects handed out are never mutated afterwards (a change replaces them), so a caller may keep
 * a registration as a snapshot.
 */
import { EventEmitter } from 'node:events';
import type { MetadataRecord, PartitionRegistration } from './metadata-records.ts';
import type { AclBinding } from '../acls/acl-model.ts';

export type { MetadataRecord, PartitionRegistration } from './metadata-records.ts';

/** A registered broker: where it listens, its epoch (the index of its registration record) and whether it is fenced. */
export interface BrokerRegistration {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly epoch: number;
  readonly incarnationId: string;
  readonly fenced: boolean;
}

/** A topic with its id, configs and partitions (index = partition number). */
export interface TopicImage {
  readonly name: string;
  readonly id: string;
  readonly configs: Readonly<Record<string, string>>;
  readonly partitions: readonly Readonly<PartitionRegistration>[];
}

/** A topic-partition named by topic name. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

/** What one applied entry changed: enough for a broker to know which partitions to lead or follow. */
export interface MetadataDelta {
  /** The Raft index of the entry. */
  index: number;
  /** Brokers registered, fenced or unfenced. */
  brokers: number[];
  topicsCreated: string[];
  topicsDeleted: Array<{ name: string; id: string }>;
  /** Topics whose own configs changed (AlterConfigs). */
  configsChanged: string[];
  /** Partitions created or whose leader, ISR, ELR or epochs changed (not those of deleted topics). */
  partitions: PartitionRef[];
  producerIdsChanged: boolean;
  /** ACLs were added or removed. */
  aclsChanged: boolean;
  /** Records that did not apply, with the reason (identical on every node). */
  ignored: string[];
}

/** Producer ids before this one were handed out (KRaft's first block starts at 0). */
const FIRST_PRODUCER_ID = 0;

/** The committed cluster metadata as seen by one node. Emits 'change' with the delta of every applied entry. */
export class MetadataImage extends EventEmitter<{ change: [delta: MetadataDelta] }> {
  #brokers = new Map<number, BrokerRegistration>();
  #topics = new Map<string, TopicImage>();
  #topicsById = new Map<string, TopicImage>();
  #nextProducerId = FIRST_PRODUCER_ID;
  #appliedIndex = 0;
  #acls = new Map<string, AclBinding>();
  /** The ACLs as one array, replaced (never changed) when they change, so readers may hold it. */
  #aclList: readonly AclBinding[] = [];

  /** The index of the last entry applied (0 before any). */
  get appliedIndex(): number {
    return this.#appliedIndex;
  }

  /** The first producer id not handed out yet. */
  get nextProducerId(): number {
    return this.#nextProducerId;
  }

  broker(id: number): BrokerRegistration | undefined {
    return this.#brokers.get(id);
  }

  /** Every registered broker, by id. */
  brokers(): BrokerRegistration[] {
    return [...this.#brokers.values()].sort((a, b) => a.id - b.id);
  }

  /** Registered brokers that are not fenced, by id: the ones that may lead and be placed on. */
  unfencedBrokers(): BrokerRegistration[] {
    return this.brokers().filter((b) => !b.fenced);
  }

  isUnfenced(id: number): boolean {
    const b = this.#brokers.get(id);
    return b !== undefined && !b.fenced;
  }

  topic(name: string): TopicImage | undefined {
    return this.#topics.get(name);
  }

  topicById(id: string): TopicImage | undefined {
    return this.#topicsById.get(id);
  }

  /** Every ACL, in the order they were created. */
  acls(): readonly AclBinding[] {
    return this.#aclList;
  }

  /** Every ACL with its id. */
  aclsById(): ReadonlyMap<string, AclBinding> {
    return this.#acls;
  }

  /** Every topic, by name. */
  topics(): TopicImage[] {
    return [...this.#topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  partition(topic: string, partition: number): Readonly<PartitionRegistration> | undefined {
    return this.#topics.get(topic)?.partitions[partition];
  }

  /** Every partition with its registration, topics by name then partition number. */
  *allPartitions(): Generator<PartitionRef & { registration: Readonly<PartitionRegistration> }> {
    for (const t of this.topics())
      for (let p = 0; p < t.partitions.length; p++)
        yield { topic: t.name, partition: p, registration: t.partitions[p]! };
  }

  /**
   * Applies one committed Raft entry: a record or a batch (array) of records, all at `index`.
   * Emits 'change' with what changed and returns it.
   */
  apply(entry: MetadataRecord | readonly MetadataRecord[], index: number): MetadataDelta {
    const delta: MetadataDelta = {
      index,
      brokers: [],
      topicsCreated: [],
      topicsDeleted: [],
      configsChanged: [],
      partitions: [],
      producerIdsChanged: false,
      aclsChanged: false,
      ignored: [],
    };
    if (index <= this.#appliedIndex)
      throw new Error(
        `metadata entry ${index} applied after ${this.#appliedIndex}: entries must be applied once, in order`,
      );
    for (const record of Array.isArray(entry) ? entry : [entry as MetadataRecord])
      this.#applyRecord(record, index, delta);
    this.#appliedIndex = index;
    this.emit('change', delta);
    return delta;
  }

  #applyRecord(record: MetadataRecord, index: number, delta: MetadataDelta): void {
    const ignore = (why: string): void => {
      delta.ignored.push(`${record?.type ?? 'unknown'}: ${why}`);
    };
    switch (record?.type) {
      case 'noop':
        return;
      case 'register-broker': {
        this.#brokers.set(record.id, {
          id: record.id,
          host: record.host,
          port: record.port,
          epoch: index,
          incarnationId: record.incarnationId,
          fenced: true,
        });
        addOnce(delta.brokers, record.id);
        return;
      }
      case 'fence-broker':
      case 'unfence-broker': {
        const b = this.#brokers.get(record.id);
        if (!b) return ignore(`broker ${record.id} is not registered`);
        const fenced = record.type === 'fence-broker';
        if (b.fenced !== fenced) {
          this.#brokers.set(b.id, { ...b, fenced });
          addOnce(delta.brokers, b.id);
        }
        return;
      }
      case 'create-topic': {
        if (this.#topics.has(record.name)) return ignore(`topic ${record.name} exists`);
        if (this.#topicsById.has(record.id)) return ignore(`topic id ${record.id} exists`);
        const topic: TopicImage = {
          name: record.name,
          id: record.id,
          configs: { ...record.configs },
          partitions: record.partitions.map((p) => ({
            replicas: [...p.replicas],
            isr: [...p.isr],
            leader: p.leader,
            leaderEpoch: p.leaderEpoch,
            partitionEpoch: p.partitionEpoch,
            elr: [...(p.elr ?? [])],
            lastKnownElr: [...(p.lastKnownElr ?? [])],
          })),
        };
        this.#topics.set(topic.name, topic);
        this.#topicsById.set(topic.id, topic);
        delta.topicsCreated.push(topic.name);
        for (let p = 0; p < topic.partitions.length; p++) delta.partitions.push({ topic: topic.name, partition: p });
        return;
      }
      case 'delete-topic': {
        const topic = this.#topics.get(record.name);
        if (!topic) return ignore(`topic ${record.name} does not exist`);
        this.#topics.delete(topic.name);
        this.#topicsById.delete(topic.id);
        delta.topicsDeleted.push({ name: topic.name, id: topic.id });
        delta.topicsCreated = delta.topicsCreated.filter((n) => n !== topic.name);
        delta.partitions = delta.partitions.filter((p) => p.topic !== topic.name);
        return;
      }
      case 'topic-configs': {
        const topic = this.#topics.get(record.name);
        if (!topic) return ignore(`topic ${record.name} does not exist`);
        const updated: TopicImage = { ...topic, configs: { ...record.configs } };
        this.#topics.set(topic.name, updated);
        this.#topicsById.set(topic.id, updated);
        addOnce(delta.configsChanged, topic.name);
        return;
      }
      case 'create-partitions': {
        const topic = this.#topics.get(record.topic);
        if (!topic) return ignore(`topic ${record.topic} does not exist`);
        if (topic.partitions.length !== record.firstPartition)
          return ignore(
            `topic ${record.topic} has ${topic.partitions.length} partitions, not ${record.firstPartition}`,
          );
        const added = record.partitions.map((p) => ({
          replicas: [...p.replicas],
          isr: [...p.isr],
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          elr: [...(p.elr ?? [])],
          lastKnownElr: [...(p.lastKnownElr ?? [])],
        }));
        const updated: TopicImage = { ...topic, partitions: [...topic.partitions, ...added] };
        this.#topics.set(topic.name, updated);
        this.#topicsById.set(topic.id, updated);
        for (let p = record.firstPartition; p < updated.partitions.length; p++)
          delta.partitions.push({ topic: topic.name, partition: p });
        return;
      }
      case 'partition-change': {
        const topic = this.#topics.get(record.topic);
        const current = topic?.partitions[record.partition];
        if (!topic || !current) return ignore(`partition ${record.topic}-${record.partition} does not exist`);
        const partitions = [...topic.partitions];
        partitions[record.partition] = {
          replicas: current.replicas,
          isr: [...record.isr],
          leader: record.leader,
          leaderEpoch: record.leaderEpoch,
          partitionEpoch: record.partitionEpoch,
          elr: [...(record.elr ?? current.elr ?? [])],
          lastKnownElr: [...(record.lastKnownElr ?? current.lastKnownElr ?? [])],
        };
        const updated: TopicImage = { ...topic, partitions };
        this.#topics.set(topic.name, updated);
        this.#topicsById.set(topic.id, updated);
        if (!delta.partitions.some((p) => p.topic === record.topic && p.partition === record.partition))
          delta.partitions.push({ topic: record.topic, partition: record.partition });
        return;
      }
      case 'producer-ids': {
        const end = record.firstId + record.size;
        if (end > this.#nextProducerId) this.#nextProducerId = end;
        delta.producerIdsChanged = true;
        return;
      }
      case 'acl': {
        if (this.#acls.has(record.id)) return ignore(`acl ${record.id} exists`);
        const { type: _type, id, ...binding } = record;
        this.#acls.set(id, binding);
        this.#aclList = [...this.#acls.values()];
        delta.aclsChanged = true;
        return;
      }
      case 'remove-acl': {
        if (!this.#acls.delete(record.id)) return ignore(`acl ${record.id} does not exist`);
        this.#aclList = [...this.#acls.values()];
        delta.aclsChanged = true;
        return;
      }
      default:
        ignore('unknown record type');
    }
  }

  /** A plain-JSON copy of the whole state (status pages, tests comparing nodes). */
  toJSON(): {
    appliedIndex: number;
    nextProducerId: number;
    brokers: BrokerRegistration[];
    topics: TopicImage[];
    acls: AclBinding[];
  } {
    return {
      appliedIndex: this.#appliedIndex,
      nextProducerId: this.#nextProducerId,
      brokers: this.brokers(),
      topics: this.topics(),
      acls: [...this.#aclList],
    };
  }
}

function addOnce<T>(list: T[], id: T): void {
  if (!list.includes(id)) list.push(id);
}
