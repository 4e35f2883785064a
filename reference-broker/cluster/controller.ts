/**
 * The active controller: runs on the Raft leader only and changes the cluster only by proposing
 * metadata records (KRaft's QuorumController with ReplicationControlManager,
 * ClusterControlManager, BrokerHeartbeatManager and ProducerIdControlManager, much reduced).
 *
 * Operations run one at a time, each validated against the committed image and finished when
 * its records committed; that is slower than KRaft's pipelined uncommitted state but cannot
 * validate against a state that never commits. Heartbeats that change nothing do not queue.
 *
 * Answers are values ({@link ControllerResult}) carrying Kafka error codes, never exceptions.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../groups/clock.ts';
import { systemClock } from '../groups/clock.ts';
import type { Logger } from '../logger.ts';
import { silentLogger } from '../logger.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { topicConfigProblem, topicConfigsProblem } from '../topics/topic-config.ts';
import { applyIncrementalChanges, replaceConfigs, sameConfigs, type ConfigChange } from '../topics/config-ops.ts';
import { topicNameInvalidReason, topicNameProblem } from '../topics/topic-name.ts';
import type { MetadataImage, TopicImage } from './metadata-image.ts';
import type { MetadataRecord, PartitionChangeRecord, PartitionRegistration } from './metadata-records.ts';
import {
  buildPartitionChange,
  effectiveMinIsr,
  NO_LEADER,
  uncleanElectionEnabled,
  type PartitionChangeRequest,
} from './partition-election.ts';
import { NotLeaderError } from './raft/raft-node.ts';
import type { BugName } from '../bugs/known-bugs.ts';
import {
  type AclBinding,
  type AclBindingFilter,
  filterMatches,
  filterProblem,
  newAclProblem,
  normalizeBinding,
  sameBinding,
} from '../acls/acl-model.ts';

/** A Kafka error code and message (null when the code says enough). */
export interface ErrorAnswer {
  errorCode: number;
  errorMessage: string | null;
}

/** What one DeleteAcls filter did: its error, or the bindings it matched and deleted. */
export interface DeleteAclsResult extends ErrorAnswer {
  deleted: AclBinding[];
}

/** A controller answer: a value, or a Kafka error code with a message (and, for NOT_CONTROLLER, where to go). */
export type ControllerResult<T> =
  | { ok: true; value: T }
  | { ok: false; errorCode: number; message: string; leaderHint?: number };

export interface ControllerOptions {
  image: MetadataImage;
  /** Proposes a batch of records to the quorum; resolves once committed and applied to `image`. */
  propose: (records: MetadataRecord[]) => Promise<number>;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** Kafka's broker.session.timeout.ms: a broker silent this long is fenced. Default 9000. */
  brokerSessionTimeoutMs?: number;
  /** Cluster default of unclean.leader.election.enable (a topic config overrides it). Default false. */
  uncleanLeaderElectionEnable?: boolean;
  /** Cluster default of min.insync.replicas (a topic config overrides it): the ELR rules need it. Default 1. */
  minInsyncReplicas?: number;
  /** Eligible leader replicas (KIP-966, on by default in Kafka 4.4.0). Default true. */
  eligibleLeaderReplicasEnabled?: boolean;
  /** Producer ids per AllocateProducerIds block. Default 1000, as Kafka. */
  producerIdBlockSize?: number;
  /** Known bugs switched on (`--bug`): elect-outside-isr is the controller's. */
  bugs?: ReadonlySet<BugName>;
  /**
   * The broker that runs in this controller's process (combined mode). Its registration under a
   * new incarnation replaces the old one at once: the old incarnation was this very process's
   * predecessor, so it cannot be alive (a single node restarting must not wait out its own session).
   */
  localBroker?: { id: number; incarnationId: string };
}

export interface RegisterBrokerParams {
  id: number;
  host: string;
  port: number;
  /** Identifies one broker process; a new process under a live registration is refused. */
  incarnationId: string;
}

export interface HeartbeatParams {
  id: number;
  epoch: number;
  /** The metadata index the broker has applied; a broker is unfenced only once it has its own registration. */
  metadataOffset?: number;
}

export interface AlterPartitionParams {
  brokerId: number;
  brokerEpoch: number;
  topic: string;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: number[];
}

export interface CreateTopicParams {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
  /** Manual replica assignment (CreateTopics' assignments): the replicas of each partition, in order. */
  assignments?: number[][];
}

/** IncrementalAlterConfigs (changes) or AlterConfigs (`replace`: the changes are the whole new set) of one topic. */
export interface AlterTopicConfigsParams {
  name: string;
  changes: ConfigChange[];
  replace?: boolean;
  validateOnly?: boolean;
}

/** CreatePartitions of one topic: the new count, and optionally the replicas of each new partition. */
export interface CreatePartitionsParams {
  name: string;
  count: number;
  assignments?: number[][] | null;
  validateOnly?: boolean;
}

/** Kafka's controller refuses more new partitions than this in one request (POLICY_VIOLATION). */
export const MAX_PARTITIONS_PER_REQUEST = 10_000;

export interface AllocateProducerIdsParams {
  brokerId: number;
  brokerEpoch?: number;
}

const fail = <T>(errorCode: number, message: string): ControllerResult<T> => ({ ok: false, errorCode, message });
const ok = <T>(value: T): ControllerResult<T> => ({ ok: true, value });

/** The controller logic of one node; {@link Controller.activate} when its Raft node is a ready leader. */
export class Controller {
  readonly #image: MetadataImage;
  readonly #propose: (records: MetadataRecord[]) => Promise<number>;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly sessionTimeoutMs: number;
  readonly #uncleanDefault: boolean;
  readonly #blockSize: number;
  readonly #electOutsideIsr: boolean;
  readonly #minIsrDefault: number;
  readonly #elrEnabled: boolean;
  readonly #localBroker: { id: number; incarnationId: string } | undefined;

  #active = false;
  /** Bumped on every activation so operations queued under an old one fail instead of running. */
  #generation = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #lastHeartbeat = new Map<number, number>();
  #fencing = new Set<number>();
  /** Brokers in controlled shutdown: still registered and unfenced, but leading nothing and eligible for nothing. */
  #shuttingDown = new Set<number>();
  #sessionTimer: unknown;

  constructor(options: ControllerOptions) {
    this.#image = options.image;
    this.#propose = options.propose;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.sessionTimeoutMs = options.brokerSessionTimeoutMs ?? 9000;
    this.#uncleanDefault = options.uncleanLeaderElectionEnable ?? false;
    this.#blockSize = options.producerIdBlockSize ?? 1000;
    this.#electOutsideIsr = options.bugs?.has('elect-outside-isr') ?? false;
    this.#minIsrDefault = options.minInsyncReplicas ?? 1;
    this.#elrEnabled = options.eligibleLeaderReplicasEnabled ?? true;
    this.#localBroker = options.localBroker;
  }

  /**
   * The partition change of `topic`-`partition` to `targetIsr` with `isEligible` leaders, under
   * the topic's unclean election and min ISR settings (ReplicationControlManager building a
   * PartitionChangeBuilder); undefined when nothing changes.
   */
  #partitionChange(
    topic: string,
    registration: Readonly<PartitionRegistration>,
    request: Pick<PartitionChangeRequest, 'targetIsr' | 'isEligible' | 'ignoreIsr' | 'uncleanShutdownReplicas'>,
  ): PartitionRegistration | undefined {
    const configs = this.#image.topic(topic)!.configs;
    return buildPartitionChange(registration, {
      ...request,
      unclean: uncleanElectionEnabled(configs, this.#uncleanDefault),
      minIsr: effectiveMinIsr(configs, this.#minIsrDefault, registration.replicas.length),
      elrEnabled: this.#elrEnabled,
    });
  }

  get isActive(): boolean {
    return this.#active;
  }

  /** Becomes the active controller. Every registered broker gets a fresh session first (KRaft does the same on failover). */
  activate(): void {
    if (this.#active) return;
    this.#active = true;
    this.#generation++;
    const now = this.#clock.now();
    this.#lastHeartbeat.clear();
    this.#fencing.clear();
    for (const b of this.#image.brokers()) this.#lastHeartbeat.set(b.id, now);
    this.#scheduleSessionCheck();
    this.#logger.info(
      `controller: active (${this.#image.brokers().length} brokers registered, session timeout ${this.sessionTimeoutMs} ms)`,
    );
  }

  /** Stops acting (leadership lost or closing); queued operations answer NOT_CONTROLLER. */
  deactivate(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#generation++;
    if (this.#sessionTimer !== undefined) this.#clock.clearTimeout(this.#sessionTimer);
    this.#sessionTimer = undefined;
    this.#logger.info('controller: inactive');
  }

  // ---- brokers ---------------------------------------------------------------------------

  /** Registers a broker (fenced until it heartbeats); the answer is its new epoch. */
  registerBroker(params: RegisterBrokerParams): Promise<ControllerResult<{ brokerEpoch: number }>> {
    return this.#run(async () => {
      if (
        !validBrokerId(params?.id) ||
        typeof params.host !== 'string' ||
        !validPort(params.port) ||
        typeof params.incarnationId !== 'string'
      ) {
        return fail(ErrorCode.INVALID_REQUEST, 'registerBroker needs an id, host, port and incarnationId');
      }
      const existing = this.#image.broker(params.id);
      const now = this.#clock.now();
      if (
        existing &&
        existing.incarnationId === params.incarnationId &&
        existing.host === params.host &&
        existing.port === params.port
      ) {
        // A retry of a registration that already committed (its answer was lost).
        this.#lastHeartbeat.set(params.id, now);
        return ok({ brokerEpoch: existing.epoch });
      }
      const local = this.#localBroker?.id === params.id && this.#localBroker.incarnationId === params.incarnationId;
      if (
        existing &&
        !existing.fenced &&
        existing.incarnationId !== params.incarnationId &&
        !local &&
        this.#sessionAlive(params.id, now) &&
        !this.#shuttingDown.has(params.id)
      ) {
        return fail(ErrorCode.DUPLICATE_BROKER_REGISTRATION, 'Another broker is registered with that broker id.');
      }
      const records: MetadataRecord[] = existing && !existing.fenced ? this.#fenceRecords(params.id) : [];
      records.push({
        type: 'register-broker',
        id: params.id,
        host: params.host,
        port: params.port,
        incarnationId: params.incarnationId,
      });
      this.#shuttingDown.delete(params.id);
      const index = await this.#commit(records);
      this.#lastHeartbeat.set(params.id, this.#clock.now());
      this.#logger.info(`controller: broker ${params.id} registered at ${params.host}:${params.port}, epoch ${index}`);
      return ok({ brokerEpoch: index });
    });
  }

  /**
   * A broker's heartbeat: keeps its session alive and unfences it once it has applied its own
   * registration. The answer says whether it is (still) fenced.
   */
  async heartbeat(params: HeartbeatParams): Promise<ControllerResult<{ fenced: boolean }>> {
    if (!this.#active) return this.#notController();
    const b = this.#image.broker(params?.id);
    if (!b) return fail(ErrorCode.BROKER_ID_NOT_REGISTERED, `Broker ${params?.id} is not registered.`);
    if (b.epoch !== params.epoch)
      return fail(
        ErrorCode.STALE_BROKER_EPOCH,
        `Expected broker epoch ${b.epoch}, but got broker epoch ${params.epoch}`,
      );
    this.#lastHeartbeat.set(b.id, this.#clock.now());
    const caughtUp = params.metadataOffset === undefined || params.metadataOffset >= b.epoch;
    if (!b.fenced || !caughtUp) return ok({ fenced: b.fenced });
    return this.#run(async () => {
      const current = this.#image.broker(b.id);
      if (!current || current.epoch !== params.epoch)
        return fail(ErrorCode.STALE_BROKER_EPOCH, `Broker ${b.id} re-registered meanwhile.`);
      if (current.fenced) {
        await this.#commit(this.#unfenceRecords(b.id));
        this.#logger.info(`controller: broker ${b.id} unfenced`);
      }
      return ok({ fenced: this.#image.broker(b.id)?.fenced ?? true });
    });
  }

  #sessionAlive(id: number, now: number): boolean {
    return now - (this.#lastHeartbeat.get(id) ?? -Infinity) <= this.sessionTimeoutMs;
  }

  #scheduleSessionCheck(): void {
    const every = Math.max(10, Math.floor(this.sessionTimeoutMs / 8));
    this.#sessionTimer = this.#clock.setTimeout(() => {
      this.#sessionTimer = undefined;
      if (!this.#active) return;
      this.#checkSessions();
      this.#scheduleSessionCheck();
    }, every);
  }

  #checkSessions(): void {
    const now = this.#clock.now();
    for (const b of this.#image.unfencedBrokers()) {
      if (this.#sessionAlive(b.id, now) || this.#fencing.has(b.id)) continue;
      this.#fencing.add(b.id);
      this.#logger.warn(`controller: broker ${b.id} sent no heartbeat for ${this.sessionTimeoutMs} ms; fencing it`);
      void this.fenceBroker(b.id).finally(() => this.#fencing.delete(b.id));
    }
  }

  /** Fences a broker now (session expiry uses this; so can a controlled shutdown). */
  fenceBroker(id: number): Promise<ControllerResult<{ fenced: true }>> {
    return this.#run(async () => {
      const b = this.#image.broker(id);
      if (!b) return fail(ErrorCode.BROKER_ID_NOT_REGISTERED, `Broker ${id} is not registered.`);
      if (!b.fenced) await this.#commit(this.#fenceRecords(id));
      this.#shuttingDown.delete(id);
      return ok({ fenced: true as const });
    });
  }

  /**
   * Controlled shutdown (Kafka's BrokerHeartbeat with wantShutDown): the broker is fenced now, so
   * its partitions get new leaders before it stops, and its next incarnation may register at once.
   */
  controlledShutdown(params: HeartbeatParams): Promise<ControllerResult<{ moved: number }>> {
    return this.#run(async () => {
      const b = this.#image.broker(params?.id);
      if (!b) return fail(ErrorCode.BROKER_ID_NOT_REGISTERED, `Broker ${params?.id} is not registered.`);
      if (b.epoch !== params.epoch)
        return fail(
          ErrorCode.STALE_BROKER_EPOCH,
          `Expected broker epoch ${b.epoch}, but got broker epoch ${params.epoch}`,
        );
      this.#shuttingDown.add(b.id);
      // As Kafka: the broker stays registered and unfenced (clients still find it) while its
      // leadership moves and it leaves the ISRs; its session ends when it stops heartbeating.
      const records = this.#leaveRecords(b.id);
      if (records.length) await this.#commit(records);
      this.#logger.info(`controller: broker ${b.id} is shutting down; moved ${records.length} partition(s) off it`);
      return ok({ moved: records.length });
    });
  }

  /** New leaders for what `id` leads and ISRs without it, `id` itself untouched (controlled shutdown). */
  #leaveRecords(id: number): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    const eligible = (b: number) => b !== id && this.#eligible(b);
    for (const { topic, partition, registration } of this.#image.allPartitions()) {
      if (registration.leader !== id && !registration.isr.includes(id)) continue;
      const next = this.#partitionChange(topic, registration, {
        targetIsr: registration.isr.filter((r) => r !== id),
        isEligible: eligible,
      });
      if (next) records.push(changeRecord(topic, partition, next));
    }
    return records;
  }

  /** Unfenced and not in controlled shutdown: may lead and join ISRs. */
  #eligible(id: number): boolean {
    return this.#image.isUnfenced(id) && !this.#shuttingDown.has(id);
  }

  /** fence-broker, then new leaders for what it led and ISRs without it. */
  #fenceRecords(id: number): MetadataRecord[] {
    const records: MetadataRecord[] = [{ type: 'fence-broker', id }];
    const eligible = (b: number) => b !== id && this.#eligible(b);
    for (const { topic, partition, registration } of this.#image.allPartitions()) {
      if (registration.leader !== id && !registration.isr.includes(id)) continue;
      const next = this.#partitionChange(topic, registration, {
        targetIsr: registration.isr.filter((r) => r !== id),
        isEligible: eligible,
        ignoreIsr: this.#electOutsideIsr,
      });
      if (next) records.push(changeRecord(topic, partition, next));
    }
    return records;
  }

  /** unfence-broker, then leaders for offline partitions it (or, unclean, anyone now eligible) can lead. */
  #unfenceRecords(id: number): MetadataRecord[] {
    const records: MetadataRecord[] = [{ type: 'unfence-broker', id }];
    const eligible = (b: number) => b === id || this.#eligible(b);
    for (const { topic, partition, registration } of this.#image.allPartitions()) {
      if (registration.leader !== NO_LEADER || !registration.replicas.includes(id)) continue;
      const next = this.#partitionChange(topic, registration, { targetIsr: registration.isr, isEligible: eligible });
      if (next) records.push(changeRecord(topic, partition, next));
    }
    return records;
  }

  // ---- partitions ------------------------------------------------------------------------

  /** AlterPartition from a partition leader: a new ISR (shrink or expand), checked as KRaft checks it. */
  alterPartition(params: AlterPartitionParams): Promise<ControllerResult<PartitionRegistration>> {
    return this.#run(async () => {
      const { brokerId, brokerEpoch, topic, partition, leaderEpoch, partitionEpoch, newIsr } =
        params ?? ({} as AlterPartitionParams);
      const broker = this.#image.broker(brokerId);
      if (!broker || broker.epoch !== brokerEpoch) {
        return fail(
          ErrorCode.STALE_BROKER_EPOCH,
          `Expected broker epoch ${broker?.epoch ?? -1} for broker ${brokerId}, but got ${brokerEpoch}`,
        );
      }
      const current = this.#image.partition(topic, partition);
      if (!current)
        return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${topic}-${partition} does not exist.`);
      if (current.leader !== brokerId) {
        return fail(
          ErrorCode.INVALID_REQUEST,
          `Rejecting AlterPartition request from node ${brokerId} for ${topic}-${partition} because the current leader is ${current.leader}.`,
        );
      }
      if (leaderEpoch !== current.leaderEpoch) {
        return fail(
          ErrorCode.FENCED_LEADER_EPOCH,
          `Rejecting AlterPartition for ${topic}-${partition}: leader epoch ${leaderEpoch}, current ${current.leaderEpoch}.`,
        );
      }
      if (partitionEpoch !== current.partitionEpoch) {
        return fail(
          ErrorCode.INVALID_UPDATE_VERSION,
          `Rejecting AlterPartition for ${topic}-${partition}: partition epoch ${partitionEpoch}, current ${current.partitionEpoch}.`,
        );
      }
      if (!Array.isArray(newIsr) || newIsr.length === 0 || new Set(newIsr).size !== newIsr.length) {
        return fail(
          ErrorCode.INVALID_REQUEST,
          `Rejecting AlterPartition for ${topic}-${partition}: the new ISR must be non-empty without duplicates.`,
        );
      }
      if (!newIsr.includes(current.leader)) {
        return fail(
          ErrorCode.INVALID_REQUEST,
          `Rejecting AlterPartition for ${topic}-${partition}: the new ISR ${fmt(newIsr)} does not contain the leader ${current.leader}.`,
        );
      }
      const notReplicas = newIsr.filter((r) => !current.replicas.includes(r));
      if (notReplicas.length > 0) {
        return fail(
          ErrorCode.INVALID_REQUEST,
          `Rejecting AlterPartition for ${topic}-${partition}: ${fmt(notReplicas)} are not replicas of it.`,
        );
      }
      // the leader itself is checked elsewhere; a follower in controlled shutdown may not rejoin (Kafka's INELIGIBLE_REPLICA)
      const ineligible = newIsr.filter(
        (r) =>
          !this.#image.isUnfenced(r) ||
          (this.#shuttingDown.has(r) && !this.#image.partition(topic, partition)?.isr.includes(r)),
      );
      if (ineligible.length > 0) {
        return fail(
          ErrorCode.INELIGIBLE_REPLICA,
          `Rejecting AlterPartition for ${topic}-${partition}: the new ISR contains fenced or unregistered brokers ${fmt(ineligible)}.`,
        );
      }
      if (sameOrder(newIsr, current.isr)) return ok(copyRegistration(current));
      // The leader stays (it asked); the builder keeps the ELR in step with the new ISR (KIP-966).
      const built = this.#partitionChange(topic, current, {
        targetIsr: newIsr,
        isEligible: (r) => r === current.leader || this.#eligible(r),
      });
      const next: PartitionRegistration = {
        ...(built ?? current),
        isr: [...newIsr],
        leader: current.leader,
        leaderEpoch: current.leaderEpoch,
        partitionEpoch: current.partitionEpoch + 1,
      };
      await this.#commit([changeRecord(topic, partition, next)]);
      return ok(copyRegistration(this.#image.partition(topic, partition)!));
    });
  }

  // ---- topics ----------------------------------------------------------------------------

  /**
   * Creates a topic: validates like Kafka (name, configs, existence, counts, replication factor
   * against the unfenced brokers), places replicas round-robin from a random start (Kafka's
   * StripedReplicaPlacer without racks), leader = first replica, ISR = all replicas.
   */
  createTopic(params: CreateTopicParams): Promise<ControllerResult<TopicImage>> {
    return this.#run(async () => {
      const { name, numPartitions, replicationFactor } = params ?? ({} as CreateTopicParams);
      const configs = params?.configs ?? {};
      const nameProblem = typeof name === 'string' ? topicNameProblem(name) : 'Topic name is missing';
      if (nameProblem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
      for (const [key, value] of Object.entries(configs)) {
        const bad = topicConfigProblem(key, value);
        if (bad) return fail(ErrorCode.INVALID_CONFIG, bad);
      }
      if (this.#image.topic(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      const collision = this.#image.topics().find((t) => t.name.replace(/\./g, '_') === name.replace(/\./g, '_'));
      if (collision)
        return fail(
          ErrorCode.INVALID_TOPIC_EXCEPTION,
          `Topic '${name}' collides with existing topic: ${collision.name}`,
        );
      if (!Number.isInteger(numPartitions) || numPartitions < 1)
        return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
      if (!Number.isInteger(replicationFactor) || replicationFactor < 1)
        return fail(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          'Replication factor must be larger than 0, or -1 to use the default value.',
        );
      const brokers = this.#image.unfencedBrokers().map((b) => b.id);
      if (params.assignments) return this.#createAssigned(name, configs, params.assignments);
      if (replicationFactor > brokers.length) {
        return fail(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.`,
        );
      }
      const start = Math.floor(this.#random() * brokers.length);
      const partitions: PartitionRegistration[] = [];
      for (let p = 0; p < numPartitions; p++) {
        const replicas = Array.from(
          { length: replicationFactor },
          (_, j) => brokers[(start + p + j) % brokers.length]!,
        );
        partitions.push({ replicas, isr: [...replicas], leader: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0 });
      }
      await this.#commit([{ type: 'create-topic', name, id: randomUUID(), configs: { ...configs }, partitions }]);
      const topic = this.#image.topic(name);
      if (!topic) return fail(ErrorCode.UNKNOWN_SERVER_ERROR, `Topic '${name}' was not created.`);
      this.#logger.info(
        `controller: created topic ${name} (${numPartitions} partitions, replication factor ${replicationFactor})`,
      );
      return ok(topic);
    });
  }

  /** createTopic with the replicas given per partition (validated as Kafka's ReplicationControlManager does). */
  async #createAssigned(
    name: string,
    configs: Record<string, string>,
    assignments: number[][],
  ): Promise<ControllerResult<TopicImage>> {
    if (assignments.length === 0)
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes no partitions.');
    const rf = assignments[0]!.length;
    for (const [p, replicas] of assignments.entries()) {
      if (replicas.length === 0)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The manual partition assignment includes an empty replica list for partition ${p}.`,
        );
      if (new Set(replicas).size !== replicas.length)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The manual partition assignment includes the broker ${replicas.find((r, i) => replicas.indexOf(r) !== i)} more than once.`,
        );
      if (replicas.length !== rf)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is inconsistent with previous partitions, which have ${rf} replica(s).`,
        );
      const unknown = replicas.find((r) => !this.#image.broker(r));
      if (unknown !== undefined)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`,
        );
    }
    const partitions: PartitionRegistration[] = assignments.map((replicas) => {
      const live = replicas.filter((r) => this.#image.isUnfenced(r));
      return {
        replicas: [...replicas],
        isr: live.length ? live : [...replicas],
        leader: live[0] ?? NO_LEADER,
        leaderEpoch: 0,
        partitionEpoch: 0,
      };
    });
    await this.#commit([{ type: 'create-topic', name, id: randomUUID(), configs: { ...configs }, partitions }]);
    const topic = this.#image.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_SERVER_ERROR, `Topic '${name}' was not created.`);
    this.#logger.info(`controller: created topic ${name} (${assignments.length} partitions, assigned replicas)`);
    return ok(topic);
  }

  /**
   * A topic's own configs changed by IncrementalAlterConfigs or replaced by AlterConfigs, checked
   * in the order of Kafka 4.4's ConfigurationControlManager: the changes themselves (APPEND and
   * SUBTRACT only on LIST configs), the topic name, the resulting configs as a whole
   * (LogConfig.validate), then that the topic exists. Commits nothing when nothing changes.
   */
  alterTopicConfigs(params: AlterTopicConfigsParams): Promise<ControllerResult<{ configs: Record<string, string> }>> {
    return this.#run(async () => {
      const { name, changes } = params ?? ({} as AlterTopicConfigsParams);
      if (typeof name !== 'string' || !Array.isArray(changes))
        return fail(ErrorCode.INVALID_REQUEST, 'alterTopicConfigs needs a name and changes');
      const topic = this.#image.topic(name);
      const current = topic?.configs ?? {};
      let next: Record<string, string>;
      if (params.replace) next = replaceConfigs(changes);
      else {
        const applied = applyIncrementalChanges(current, changes);
        if (!applied.ok) return { ok: false, errorCode: applied.errorCode, message: applied.message as string };
        next = applied.configs;
      }
      if (name === '') return fail(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
      const nameProblem = topicNameInvalidReason(name);
      if (nameProblem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
      const configProblem = topicConfigsProblem(new Map(Object.entries(next)));
      if (configProblem) return fail(ErrorCode.INVALID_CONFIG, configProblem);
      if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
      if (params.validateOnly || sameConfigs(current, next)) return ok({ configs: next });
      await this.#commit([{ type: 'topic-configs', name, configs: next }]);
      this.#logger.info(`controller: topic ${name} configs now ${JSON.stringify(next)}`);
      return ok({ configs: { ...(this.#image.topic(name)?.configs ?? next) } });
    });
  }

  /**
   * Adds partitions to a topic (Kafka 4.4's ReplicationControlManager.createPartitions): the
   * count must grow; given assignments, one per new partition, each with the topic's replication
   * factor of registered brokers; otherwise replicas placed as createTopic places them. The ISR
   * of a new partition is its unfenced replicas, its leader the first of them.
   */
  createPartitions(params: CreatePartitionsParams): Promise<ControllerResult<{ partitions: number }>> {
    return this.#run(async () => {
      const { name, count } = params ?? ({} as CreatePartitionsParams);
      const topic = typeof name === 'string' ? this.#image.topic(name) : undefined;
      if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
      const current = topic.partitions.length;
      if (count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
      if (!Number.isInteger(count) || count < current)
        return fail(
          ErrorCode.INVALID_PARTITIONS,
          `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`,
        );
      const additional = count - current;
      if (additional > MAX_PARTITIONS_PER_REQUEST)
        return fail(ErrorCode.POLICY_VIOLATION, 'Excessively large number of additional partitions per request.');
      const assignments = params.assignments ?? null;
      if (assignments && assignments.length !== additional)
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Attempted to add ${additional} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
        );
      const replicationFactor = topic.partitions[0]?.replicas.length ?? 1;
      let placed: number[][];
      if (assignments) {
        for (const [i, replicas] of assignments.entries()) {
          const bad = this.#manualAssignmentProblem(replicas, replicationFactor);
          if (bad) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, bad);
          if (!replicas.some((r) => this.#eligible(r)))
            return fail(
              ErrorCode.INVALID_REPLICA_ASSIGNMENT,
              `All brokers specified in the manual partition assignment for partition ${current + i} are fenced or in controlled shutdown.`,
            );
        }
        placed = assignments.map((r) => [...r]);
      } else {
        const brokers = this.#image
          .unfencedBrokers()
          .map((b) => b.id)
          .filter((id) => this.#eligible(id));
        if (replicationFactor > brokers.length)
          return fail(
            ErrorCode.INVALID_REPLICATION_FACTOR,
            `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.`,
          );
        const start = Math.floor(this.#random() * brokers.length);
        placed = Array.from({ length: additional }, (_, p) =>
          Array.from({ length: replicationFactor }, (_, j) => brokers[(start + p + j) % brokers.length]!),
        );
      }
      if (params.validateOnly) return ok({ partitions: count });
      const partitions: PartitionRegistration[] = placed.map((replicas) => {
        const isr = replicas.filter((r) => this.#eligible(r));
        return { replicas, isr, leader: isr[0]!, leaderEpoch: 0, partitionEpoch: 0, elr: [], lastKnownElr: [] };
      });
      await this.#commit([{ type: 'create-partitions', topic: name, firstPartition: current, partitions }]);
      const now = this.#image.topic(name)?.partitions.length ?? 0;
      if (now !== count)
        return fail(ErrorCode.UNKNOWN_SERVER_ERROR, `Topic '${name}' has ${now} partitions, not ${count}.`);
      this.#logger.info(`controller: topic ${name} grew from ${current} to ${count} partitions`);
      return ok({ partitions: count });
    });
  }

  /** Kafka's validateManualPartitionAssignment of one partition's replicas against the topic's replication factor. */
  #manualAssignmentProblem(replicas: readonly number[], replicationFactor: number): string | null {
    if (replicas.length === 0) return 'The manual partition assignment includes an empty replica list.';
    const sorted = [...replicas].sort((a, b) => a - b);
    for (const [i, id] of sorted.entries()) {
      if (!this.#image.broker(id))
        return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
      if (i > 0 && sorted[i - 1] === id)
        return `The manual partition assignment includes the broker ${id} more than once.`;
    }
    if (replicas.length !== replicationFactor)
      return `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`;
    return null;
  }

  deleteTopic(name: string): Promise<ControllerResult<{ id: string }>> {
    return this.#run(async () => {
      const topic = typeof name === 'string' ? this.#image.topic(name) : undefined;
      if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
      await this.#commit([{ type: 'delete-topic', name }]);
      this.#logger.info(`controller: deleted topic ${name}`);
      return ok({ id: topic.id });
    });
  }

  // ---- producer ids ----------------------------------------------------------------------

  /** A block of producer ids never handed out before (KRaft's AllocateProducerIds). */
  allocateProducerIds(params: AllocateProducerIdsParams): Promise<ControllerResult<{ firstId: number; size: number }>> {
    return this.#run(async () => {
      const broker = this.#image.broker(params?.brokerId);
      if (!broker || (params.brokerEpoch !== undefined && broker.epoch !== params.brokerEpoch)) {
        return fail(
          ErrorCode.STALE_BROKER_EPOCH,
          `Broker ${params?.brokerId} is not registered with epoch ${params?.brokerEpoch}.`,
        );
      }
      const firstId = this.#image.nextProducerId;
      await this.#commit([{ type: 'producer-ids', brokerId: broker.id, firstId, size: this.#blockSize }]);
      return ok({ firstId, size: this.#blockSize });
    });
  }

  // ---- ACLs ------------------------------------------------------------------------------

  /**
   * Stores ACLs (Kafka 4.4's AclApis and AclControlManager.createAcls): each binding is checked
   * on its own (INVALID_REQUEST with Kafka's message); a binding already stored succeeds without a
   * new record. The answer has one result per binding, in order.
   */
  createAcls(params: { acls: AclBinding[] }): Promise<ControllerResult<ErrorAnswer[]>> {
    return this.#run(async () => {
      const acls = Array.isArray(params?.acls) ? params.acls : [];
      const results: ErrorAnswer[] = [];
      const records: MetadataRecord[] = [];
      const stored = [...this.#image.acls()];
      for (const raw of acls) {
        const acl = normalizeBinding(raw);
        const problem = newAclProblem(acl);
        if (problem) {
          results.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem });
          continue;
        }
        if (!stored.some((s) => sameBinding(s, acl))) {
          stored.push(acl);
          records.push({ type: 'acl', id: randomUUID(), ...acl });
        }
        results.push({ errorCode: ErrorCode.NONE, errorMessage: null });
      }
      if (records.length) {
        await this.#commit(records);
        this.#logger.info(`controller: ${records.length} ACL(s) created`);
      }
      return ok(results);
    });
  }

  /**
   * Deletes the ACLs each filter matches (AclControlManager.deleteAcls): a filter with an unknown
   * part answers INVALID_REQUEST; every other one lists the bindings it matched, and all of them
   * are removed together in one batch.
   */
  deleteAcls(params: { filters: AclBindingFilter[] }): Promise<ControllerResult<DeleteAclsResult[]>> {
    return this.#run(async () => {
      const filters = Array.isArray(params?.filters) ? params.filters : [];
      const results: DeleteAclsResult[] = [];
      const ids = new Set<string>();
      for (const raw of filters) {
        const filter = normalizeBinding(raw);
        const problem = filterProblem(filter);
        if (problem) {
          results.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem, deleted: [] });
          continue;
        }
        const deleted: AclBinding[] = [];
        for (const [id, acl] of this.#image.aclsById())
          if (filterMatches(filter, acl)) {
            deleted.push(acl);
            ids.add(id);
          }
        results.push({ errorCode: ErrorCode.NONE, errorMessage: null, deleted });
      }
      if (ids.size) {
        await this.#commit([...ids].map((id) => ({ type: 'remove-acl' as const, id })));
        this.#logger.info(`controller: ${ids.size} ACL(s) deleted`);
      }
      return ok(results);
    });
  }

  // ---- plumbing --------------------------------------------------------------------------

  #notController<T>(): ControllerResult<T> {
    return { ok: false, errorCode: ErrorCode.NOT_CONTROLLER, message: 'This node is not the active controller.' };
  }

  /** Runs `op` after every earlier one finished, if this controller is still the same active one by then. */
  #run<T>(op: () => Promise<ControllerResult<T>>): Promise<ControllerResult<T>> {
    if (!this.#active) return Promise.resolve(this.#notController());
    const generation = this.#generation;
    const result = this.#queue.then(async (): Promise<ControllerResult<T>> => {
      if (!this.#active || this.#generation !== generation) return this.#notController();
      try {
        return await op();
      } catch (err) {
        if (err instanceof NotLeaderError)
          return { ok: false, errorCode: ErrorCode.NOT_CONTROLLER, message: err.message, leaderHint: err.leaderId };
        this.#logger.error(`controller: operation failed: ${(err as Error).stack ?? err}`);
        return fail(ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message ?? String(err));
      }
    });
    this.#queue = result;
    return result;
  }

  #commit(records: MetadataRecord[]): Promise<number> {
    return this.#propose(records);
  }
}

function changeRecord(topic: string, partition: number, r: PartitionRegistration): PartitionChangeRecord {
  return {
    type: 'partition-change',
    topic,
    partition,
    leader: r.leader,
    isr: r.isr,
    leaderEpoch: r.leaderEpoch,
    partitionEpoch: r.partitionEpoch,
    elr: [...(r.elr ?? [])],
    lastKnownElr: [...(r.lastKnownElr ?? [])],
  };
}

function copyRegistration(r: Readonly<PartitionRegistration>): PartitionRegistration {
  return {
    ...r,
    replicas: [...r.replicas],
    isr: [...r.isr],
    elr: [...(r.elr ?? [])],
    lastKnownElr: [...(r.lastKnownElr ?? [])],
  };
}

function validBrokerId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0;
}

function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536;
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => b[i] === x);
}

function fmt(ids: readonly number[]): string {
  return `[${ids.join(', ')}]`;
}
