/**
 * The control plane of one reference-cluster node: what KRaft calls combined mode, where every
 * node is both a broker and a voter of the metadata quorum.
 *
 * How it maps to KRaft
 * - `raft/` is the metadata quorum (KafkaRaftClient): Raft with PreVote (KIP-996) and
 *   check-quorum; the log is the cluster metadata log (`__cluster_metadata-0` in the data dir).
 * - `metadata-image.ts` is the MetadataImage every node builds by applying committed records in
 *   order; brokers act on its change events (which partitions to lead or follow).
 * - `controller.ts` is the active controller (QuorumController): it runs on the Raft leader only
 *   and changes the cluster only by committing records — broker registration and fencing by
 *   heartbeat sessions, leader election from the ISR, AlterPartition, topics, producer ids.
 * - Brokers register and heartbeat with whoever is the active controller, and any node forwards
 *   admin operations there (KRaft's forwarding of CreateTopics etc. to the controller).
 *
 * Why JSON lines over TCP for the controller listener: it is internal to kconform's reference
 * cluster (no Kafka client ever speaks to it), the messages are few and small, and a readable
 * wire format makes failures easy to diagnose. It is deliberately NOT the Kafka protocol (KRaft
 * uses Vote/BeginQuorumEpoch/Fetch/BrokerRegistration/BrokerHeartbeat RPCs there).
 *
 * Simplified on purpose
 * - no snapshots: the metadata log grows without bound and is replayed from the start (small);
 * - static voters (no KIP-853 dynamic quorum): the voter set is fixed at start;
 * - every node is a voter and a broker (no separate controller-only or broker-only roles);
 * - push replication in Raft (AppendEntries) instead of KRaft's pull (Fetch);
 * - controller operations run one at a time and finish when committed (no pipelining);
 * - no ELR (KIP-966), no preferred-leader rebalancing, no controlled shutdown.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { Logger } from '../logger.ts';
import {
  Controller,
  type AlterPartitionParams,
  type AlterTopicConfigsParams,
  type ControllerResult,
  type CreatePartitionsParams,
  type CreateTopicParams,
  type DeleteAclsResult,
  type ErrorAnswer,
} from './controller.ts';
import type { AclBinding, AclBindingFilter } from '../acls/acl-model.ts';
import { MetadataImage, type MetadataDelta, type TopicImage } from './metadata-image.ts';
import type { MetadataRecord, PartitionRegistration } from './metadata-records.ts';
import {
  RaftNode,
  type RaftReply,
  type RaftRequest,
  type RaftTimings,
  type RaftTransport,
  type Voter,
} from './raft/index.ts';
import { RpcClient, startRpcServer, type RpcServer } from './rpc/index.ts';
import type { BugName } from '../bugs/known-bugs.ts';

export type { ControllerResult } from './controller.ts';

/** Prefix of the listener methods that run on the active controller (the other one is `raft`). */
const CONTROLLER_METHOD = 'controller.';

/** Every timeout of the control plane; tests shorten them. */
export interface ControlPlaneTimings extends RaftTimings {
  /** Kafka's broker.heartbeat.interval.ms (2000). */
  brokerHeartbeatIntervalMs: number;
  /** Kafka's broker.session.timeout.ms (9000): a broker silent this long is fenced. */
  brokerSessionTimeoutMs: number;
  /** How long a forwarded controller call keeps retrying across leader changes before it gives up. */
  controllerRequestTimeoutMs: number;
}

export const DEFAULT_CONTROL_PLANE_TIMINGS: ControlPlaneTimings = {
  electionTimeoutMinMs: 1000,
  electionTimeoutMaxMs: 2000,
  heartbeatIntervalMs: 250,
  requestTimeoutMs: 500,
  brokerHeartbeatIntervalMs: 2000,
  brokerSessionTimeoutMs: 9000,
  controllerRequestTimeoutMs: 15_000,
};

/** A voter with its controller-listener address. */
export interface ControllerVoter {
  id: number;
  host: string;
  port: number;
}

export interface ControlPlaneOptions {
  /** This node's id: its voter id and its broker id. */
  nodeId: number;
  /** All voters, this node included (Kafka's controller.quorum.voters). */
  voters: readonly ControllerVoter[];
  /** Where this node's controller listener binds. */
  controllerHost: string;
  controllerPort: number;
  /** The node's data directory; the metadata log goes to `<dataDir>/__cluster_metadata-0`. In memory without it. */
  dataDir?: string;
  /** The broker's Kafka listener, registered so the cluster can advertise it. */
  brokerEndpoint: { host: string; port: number };
  logger: Logger;
  timings?: Partial<ControlPlaneTimings>;
  /** Cluster default of unclean.leader.election.enable (topic configs override). Default false. */
  uncleanLeaderElectionEnable?: boolean;
  /** Cluster default of min.insync.replicas (topic configs override): the ELR rules need it. Default 1. */
  minInsyncReplicas?: number;
  /** Known bugs switched on (`--bug`); the controller acts on elect-outside-isr. */
  bugs?: ReadonlySet<BugName>;
}

/** What {@link ControlPlane.describe} reports. */
export interface ControlPlaneStatus {
  nodeId: number;
  term: number;
  role: string;
  leaderId: number | undefined;
  activeController: boolean;
  commitIndex: number;
  lastIndex: number;
  appliedIndex: number;
  brokerEpoch: number;
  fenced: boolean;
  brokers: Array<{ id: number; host: string; port: number; epoch: number; fenced: boolean }>;
  topics: number;
}

/** Events of a control plane. */
export interface ControlPlaneEvents {
  /**
   * After each applied metadata entry: what changed. Entries replayed from disk are applied
   * before {@link startControlPlane} resolves, so read {@link ControlPlane.image} once first.
   */
  metadata: [delta: MetadataDelta];
  /** This node's broker registration changed: a new epoch, or fenced/unfenced. */
  'broker-state': [state: { brokerEpoch: number; fenced: boolean }];
  /** The known active controller or the quorum's term changed. */
  'controller-change': [info: { term: number; controllerId: number | undefined }];
}

/** One node's control plane; see {@link startControlPlane}. */
export class ControlPlane extends EventEmitter<ControlPlaneEvents> {
  readonly nodeId: number;
  /** The committed metadata as applied on this node, in log order. */
  readonly image = new MetadataImage();
  readonly timings: ControlPlaneTimings;
  readonly #options: ControlPlaneOptions;
  readonly #logger: Logger;
  readonly #raft: RaftNode;
  readonly #controller: Controller;
  readonly #clients = new Map<number, RpcClient>();
  readonly #incarnationId = randomUUID();
  #server: RpcServer | undefined;
  #brokerEpoch = -1;
  #fenced = true;
  #closed = false;
  #closing: Promise<void> | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #sleepers = new Set<() => void>();

  /** Use {@link startControlPlane}. */
  constructor(options: ControlPlaneOptions) {
    super();
    const ids = options.voters.map((v) => v.id);
    if (!ids.includes(options.nodeId))
      throw new Error(`node ${options.nodeId} is not one of the voters ${ids.join(',')}`);
    this.nodeId = options.nodeId;
    this.#options = options;
    this.#logger = options.logger;
    this.timings = withDefaults(DEFAULT_CONTROL_PLANE_TIMINGS, options.timings);
    for (const v of options.voters)
      if (v.id !== options.nodeId) this.#clients.set(v.id, new RpcClient(v.host, v.port, options.logger));
    const transport: RaftTransport = {
      send: (to, request, timeoutMs, onReply) => {
        const client = this.#clients.get(to);
        if (!client) return onReply(undefined);
        client.call('raft', request, timeoutMs).then(
          (reply) => onReply(reply as RaftReply),
          () => onReply(undefined),
        );
      },
    };
    this.#raft = new RaftNode({
      id: options.nodeId,
      voters: options.voters.map((v): Voter => ({ id: v.id, host: v.host, port: v.port })),
      dir: options.dataDir ? join(options.dataDir, '__cluster_metadata-0') : undefined,
      transport,
      logger: options.logger,
      timings: this.timings,
      noopEntry: [{ type: 'noop' }] satisfies MetadataRecord[],
    });
    this.#controller = new Controller({
      image: this.image,
      propose: (records) => this.#raft.propose(records),
      logger: options.logger,
      brokerSessionTimeoutMs: this.timings.brokerSessionTimeoutMs,
      uncleanLeaderElectionEnable: options.uncleanLeaderElectionEnable,
      minInsyncReplicas: options.minInsyncReplicas,
      bugs: options.bugs,
      localBroker: { id: options.nodeId, incarnationId: this.#incarnationId },
    });
    this.image.on('change', (delta) => this.emit('metadata', delta));
    this.#raft.on('commit', (data, index) => this.image.apply(data as MetadataRecord[], index));
    this.#raft.on('leader', () => this.#controller.activate());
    this.#raft.on('resign', () => this.#controller.deactivate());
    this.#raft.on('leader-change', ({ term, leaderId }) =>
      this.emit('controller-change', { term, controllerId: leaderId }),
    );
  }

  /** The node the quorum currently follows as active controller (undefined while unknown). */
  get activeControllerId(): number | undefined {
    return this.#raft.leaderId;
  }
  /** True while this node is the active controller. */
  get isActiveController(): boolean {
    return this.#controller.isActive;
  }
  /** This broker's current epoch (-1 until registered). */
  get brokerEpoch(): number {
    return this.#brokerEpoch;
  }
  /** Whether the controller has this broker fenced (true until the first successful heartbeat). */
  get isFenced(): boolean {
    return this.#fenced;
  }

  /** @internal Starts the listener, replays the local log, joins the quorum and starts the broker's lifecycle. */
  async start(): Promise<void> {
    // A one-voter quorum (a single node) has no peer to listen for: it elects itself at once and
    // calls its own controller in-process, so it opens no controller listener.
    if (this.#clients.size > 0)
      this.#server = await startRpcServer(
        this.#options.controllerHost,
        this.#options.controllerPort,
        (method, params) => this.#serve(method, params),
        this.#logger,
      );
    this.#raft.start();
    const listener = this.#server
      ? `controller listener on ${this.#options.controllerHost}:${this.#server.port}`
      : 'the only voter, no controller listener';
    this.#logger.info(`control plane ${this.nodeId}: ${listener}, metadata applied up to ${this.image.appliedIndex}`);
    void this.#brokerLifecycle();
  }

  // ---- forwarded controller calls (usable on any node) -----------------------------------

  /** Creates a topic through the active controller. */
  createTopic(params: CreateTopicParams): Promise<ControllerResult<TopicImage>> {
    return this.#forward('createTopic', params);
  }
  /** Deletes a topic through the active controller. */
  deleteTopic(name: string): Promise<ControllerResult<{ id: string }>> {
    return this.#forward('deleteTopic', { name });
  }
  /** Changes a topic's own configs through the active controller (AlterConfigs, IncrementalAlterConfigs). */
  alterTopicConfigs(params: AlterTopicConfigsParams): Promise<ControllerResult<{ configs: Record<string, string> }>> {
    return this.#forward('alterTopicConfigs', params);
  }
  /** Adds partitions to a topic through the active controller. */
  createPartitions(params: CreatePartitionsParams): Promise<ControllerResult<{ partitions: number }>> {
    return this.#forward('createPartitions', params);
  }
  /** Stores ACLs through the active controller (CreateAcls). */
  createAcls(acls: AclBinding[]): Promise<ControllerResult<ErrorAnswer[]>> {
    return this.#forward('createAcls', { acls });
  }
  /** Deletes the ACLs the filters match through the active controller (DeleteAcls). */
  deleteAcls(filters: AclBindingFilter[]): Promise<ControllerResult<DeleteAclsResult[]>> {
    return this.#forward('deleteAcls', { filters });
  }
  /** Changes a partition's ISR (sent by its leader) through the active controller. */
  alterPartition(params: AlterPartitionParams): Promise<ControllerResult<PartitionRegistration>> {
    return this.#forward('alterPartition', params);
  }
  /** Gets a fresh block of producer ids for this broker. */
  allocateProducerIds(): Promise<ControllerResult<{ firstId: number; size: number }>> {
    return this.#forward('allocateProducerIds', { brokerId: this.nodeId, brokerEpoch: this.#brokerEpoch });
  }

  /**
   * Controlled shutdown before {@link close}: asks the active controller to move this broker's
   * leadership and take it out of the ISRs now rather than after the session timeout, as Kafka
   * does on SIGTERM (it stays registered until its session ends, or its next start registers). Gives up after `timeoutMs` (no controller reachable): the session expires then.
   */
  async shutdown(timeoutMs = 5_000): Promise<void> {
    if (!this.#closed && this.#brokerEpoch >= 0) {
      const r = await this.#forward<{ moved: number }>(
        'controlledShutdown',
        { id: this.nodeId, epoch: this.#brokerEpoch },
        timeoutMs,
      ).catch(() => undefined);
      if (!r?.ok)
        this.#logger.warn(
          `control plane ${this.nodeId}: controlled shutdown not confirmed${r && !r.ok ? ` (${r.message})` : ''}; leaving it to the session timeout`,
        );
    }
    await this.close();
  }

  /** Quorum and cluster state as this node sees it (status pages, debugging). */
  describe(): ControlPlaneStatus {
    return {
      nodeId: this.nodeId,
      term: this.#raft.term,
      role: this.#raft.role,
      leaderId: this.#raft.leaderId,
      activeController: this.#controller.isActive,
      commitIndex: this.#raft.commitIndex,
      lastIndex: this.#raft.lastIndex,
      appliedIndex: this.image.appliedIndex,
      brokerEpoch: this.#brokerEpoch,
      fenced: this.#fenced,
      brokers: this.image.brokers().map(({ id, host, port, epoch, fenced }) => ({ id, host, port, epoch, fenced })),
      topics: this.image.topics().length,
    };
  }

  /** Stops timers, the quorum member, the listener and every connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
      for (const wake of this.#sleepers) wake();
      this.#controller.deactivate();
      this.#raft.close();
      for (const c of this.#clients.values()) c.close();
      await this.#server?.close();
      this.#logger.info(`control plane ${this.nodeId}: closed`);
    })();
    return this.#closing;
  }

  // ---- serving peers ---------------------------------------------------------------------

  async #serve(method: string, params: unknown): Promise<unknown> {
    if (this.#closed) throw new Error('node is shutting down');
    if (method === 'raft') return this.#raft.handleRequest(params as RaftRequest);
    if (!method.startsWith(CONTROLLER_METHOD)) throw new Error(`unknown method ${method}`);
    const result = await this.#local(method.slice(CONTROLLER_METHOD.length), params);
    if (!result.ok && result.errorCode === ErrorCode.NOT_CONTROLLER && result.leaderHint === undefined) {
      const hint = this.#raft.leaderId;
      return hint === this.nodeId ? result : { ...result, leaderHint: hint };
    }
    return result;
  }

  /** Runs a controller call on this node's controller (NOT_CONTROLLER unless it is active). */
  #local(method: string, params: unknown): Promise<ControllerResult<unknown>> {
    const p = params as Record<string, unknown>;
    switch (method) {
      case 'registerBroker':
        return this.#controller.registerBroker(p as never);
      case 'heartbeat':
        return this.#controller.heartbeat(p as never);
      case 'createTopic':
        return this.#controller.createTopic(p as never);
      case 'deleteTopic':
        return this.#controller.deleteTopic(p?.name as string);
      case 'alterPartition':
        return this.#controller.alterPartition(p as never);
      case 'alterTopicConfigs':
        return this.#controller.alterTopicConfigs(p as never);
      case 'createPartitions':
        return this.#controller.createPartitions(p as never);
      case 'createAcls':
        return this.#controller.createAcls(p as never);
      case 'deleteAcls':
        return this.#controller.deleteAcls(p as never);
      case 'allocateProducerIds':
        return this.#controller.allocateProducerIds(p as never);
      case 'controlledShutdown':
        return this.#controller.controlledShutdown(p as never);
      default:
        return Promise.resolve({
          ok: false,
          errorCode: ErrorCode.INVALID_REQUEST,
          message: `unknown controller method ${method}`,
        });
    }
  }

  /**
   * Sends a call to the active controller: the known leader first, following NOT_CONTROLLER
   * hints, trying each voter in turn while no leader is known, until the deadline. Network
   * trouble is an answer (REQUEST_TIMED_OUT or NOT_CONTROLLER), never an exception.
   */
  async #forward<T>(
    method: string,
    params: unknown,
    timeoutMs = this.timings.controllerRequestTimeoutMs,
  ): Promise<ControllerResult<T>> {
    const deadline = Date.now() + timeoutMs;
    const voterIds = this.#options.voters.map((v) => v.id);
    let lastError: ControllerResult<T> = {
      ok: false,
      errorCode: ErrorCode.REQUEST_TIMED_OUT,
      message: `no controller answered ${method} within ${timeoutMs} ms`,
    };
    let target: number | undefined = this.#raft.leaderId;
    for (let attempt = 0; !this.#closed && Date.now() < deadline; attempt++) {
      const to = target ?? voterIds[attempt % voterIds.length]!;
      let result: ControllerResult<T> | undefined;
      if (to === this.nodeId) {
        result = (await this.#local(method, params)) as ControllerResult<T>;
      } else {
        const remaining = Math.max(1, deadline - Date.now());
        try {
          result = (await this.#clients
            .get(to)!
            .call(`${CONTROLLER_METHOD}${method}`, params, remaining)) as ControllerResult<T>;
        } catch (err) {
          lastError = {
            ok: false,
            errorCode: ErrorCode.REQUEST_TIMED_OUT,
            message: `${method}: node ${to}: ${(err as Error).message}`,
          };
        }
      }
      if (result && (result.ok || result.errorCode !== ErrorCode.NOT_CONTROLLER)) return result;
      if (result)
        lastError = {
          ok: false,
          errorCode: ErrorCode.NOT_CONTROLLER,
          message: `${method}: no active controller found (last asked: node ${to})`,
        };
      const hint = result && !result.ok ? result.leaderHint : undefined;
      const known = this.#raft.leaderId;
      // Follow a hint to another node at once; otherwise give the quorum a moment to settle.
      target = hint !== undefined && hint !== to ? hint : known !== undefined && known !== to ? known : undefined;
      if (target === undefined || result === undefined)
        await this.#sleep(Math.min(100, Math.max(0, deadline - Date.now())));
    }
    return lastError;
  }

  // ---- the broker's lifecycle ------------------------------------------------------------

  /** Registers this broker with the active controller, then heartbeats until closed. */
  async #brokerLifecycle(): Promise<void> {
    const { host, port } = this.#options.brokerEndpoint;
    while (!this.#closed) {
      const result = await this.#forward<{ brokerEpoch: number }>('registerBroker', {
        id: this.nodeId,
        host,
        port,
        incarnationId: this.#incarnationId,
      });
      if (this.#closed) return;
      if (result.ok) {
        this.#setBrokerState(result.value.brokerEpoch, true);
        this.#logger.info(`control plane ${this.nodeId}: broker registered, epoch ${result.value.brokerEpoch}`);
        // The first heartbeat at once: it is what unfences the broker, and clients wait for that.
        void this.#heartbeat();
        return;
      }
      // DUPLICATE_BROKER_REGISTRATION: our previous process's session has not expired yet (Kafka waits it out too).
      this.#logger.info(
        `control plane ${this.nodeId}: registration refused (${result.errorCode}: ${result.message}); retrying`,
      );
      await this.#sleep(Math.min(this.timings.brokerHeartbeatIntervalMs, 1000));
    }
  }

  #scheduleHeartbeat(ms: number): void {
    if (this.#closed) return;
    if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(() => void this.#heartbeat(), ms);
    this.#heartbeatTimer.unref();
  }

  async #heartbeat(): Promise<void> {
    this.#heartbeatTimer = undefined;
    if (this.#closed) return;
    const interval = this.timings.brokerHeartbeatIntervalMs;
    // A heartbeat that cannot reach a controller within an interval is simply late; the next one follows.
    const result = await this.#forward<{ fenced: boolean }>(
      'heartbeat',
      { id: this.nodeId, epoch: this.#brokerEpoch, metadataOffset: this.image.appliedIndex },
      interval,
    );
    if (this.#closed) return;
    if (result.ok) {
      this.#setBrokerState(this.#brokerEpoch, result.value.fenced);
      // While fenced (catching up), ask again sooner so the broker serves as early as it can.
      this.#scheduleHeartbeat(result.value.fenced ? Math.max(10, Math.floor(interval / 8)) : interval);
      return;
    }
    if (result.errorCode === ErrorCode.STALE_BROKER_EPOCH || result.errorCode === ErrorCode.BROKER_ID_NOT_REGISTERED) {
      this.#logger.warn(`control plane ${this.nodeId}: heartbeat refused (${result.message}); registering again`);
      this.#setBrokerState(this.#brokerEpoch, true);
      void this.#brokerLifecycle();
      return;
    }
    this.#scheduleHeartbeat(Math.floor(interval / 4));
  }

  #setBrokerState(brokerEpoch: number, fenced: boolean): void {
    if (brokerEpoch === this.#brokerEpoch && fenced === this.#fenced) return;
    this.#brokerEpoch = brokerEpoch;
    this.#fenced = fenced;
    this.emit('broker-state', { brokerEpoch, fenced });
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.#sleepers.add(wake);
    });
  }
}

/** `defaults` overridden by the fields of `given` that are set (an explicit undefined keeps the default). */
function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * Starts one node's control plane: the controller listener, the node's quorum member (after
 * replaying its committed metadata from disk into {@link ControlPlane.image}), and the broker's
 * registration and heartbeats. Resolves once listening; registration continues in the
 * background ('broker-state' events, {@link ControlPlane.isFenced}).
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const plane = new ControlPlane(options);
  try {
    await plane.start();
  } catch (err) {
    await plane.close();
    throw err;
  }
  return plane;
}
