/**
 * One voter of the metadata quorum: Raft (Ongaro & Ousterhout) with the two additions KRaft has,
 * PreVote (KIP-996) and check-quorum (a leader that has not heard from a majority for an election
 * timeout resigns, as KRaft's leader does when fetches stop arriving).
 *
 * Push-based like the Raft paper (AppendEntries), where KRaft is pull-based (followers Fetch);
 * the guarantees are the same. Everything runs on one thread and every handler is synchronous
 * (storage writes are synchronous fsyncs), so a step is atomic and tests can drive a whole
 * cluster with a fake clock and an in-memory network, deterministically.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../groups/clock.ts';
import { systemClock } from '../../groups/clock.ts';
import type { Logger } from '../../logger.ts';
import { silentLogger } from '../../logger.ts';
import type {
  AppendReply,
  AppendRequest,
  RaftReply,
  RaftRequest,
  RaftTransport,
  VoteReply,
  VoteRequest,
} from './raft-messages.ts';
import { DiskRaftStorage, MemoryRaftStorage, type LogEntry, type RaftStorage } from './raft-storage.ts';

/** The timeouts of the quorum. Kafka's defaults: election 1000 ms (+ up to 1000 ms of jitter), fetch/heartbeat well below. */
export interface RaftTimings {
  /** An election timeout is drawn uniformly from [min, max] each time the timer is armed. */
  electionTimeoutMinMs: number;
  electionTimeoutMaxMs: number;
  /** How often a leader sends AppendEntries (empty ones are heartbeats). */
  heartbeatIntervalMs: number;
  /** How long a request waits for its reply before counting as lost. */
  requestTimeoutMs: number;
}

/** Fraction of the election timeout a node waits before its first election, while it has known no leader. */
const STARTUP_ELECTION_SCALE = 0.1;

export const DEFAULT_RAFT_TIMINGS: RaftTimings = {
  electionTimeoutMinMs: 1000,
  electionTimeoutMaxMs: 2000,
  heartbeatIntervalMs: 250,
  requestTimeoutMs: 1000,
};

/** A voter of the quorum; host and port are for the transport, Raft itself only uses the id. */
export interface Voter {
  id: number;
  host?: string;
  port?: number;
}

export interface RaftNodeOptions {
  id: number;
  voters: readonly Voter[];
  /** Directory for durable state; without it (and without `storage`), state lives in memory. */
  dir?: string;
  /** Explicit storage (tests restart a node on the same {@link MemoryRaftStorage}). */
  storage?: RaftStorage;
  transport: RaftTransport;
  logger?: Logger;
  timings?: Partial<RaftTimings>;
  clock?: Clock;
  /** Jitter source for election timeouts (tests pass a seeded one). */
  random?: () => number;
  /** What a new leader appends to commit an entry of its own term before it calls itself ready. */
  noopEntry?: unknown;
  /** Most entries in one AppendEntries. */
  maxEntriesPerAppend?: number;
}

/** Raised (rejected) by {@link RaftNode.propose} on a node that is not, or stopped being, the leader. */
export class NotLeaderError extends Error {
  /** The leader this node knows of, if any: where to retry. */
  readonly leaderId: number | undefined;
  constructor(
    leaderId: number | undefined,
    message = leaderId === undefined ? 'not the leader; no leader known' : `not the leader; the leader is ${leaderId}`,
  ) {
    super(message);
    this.name = 'NotLeaderError';
    this.leaderId = leaderId;
  }
}

/** Follower (with or without a known leader), prospective (asking for pre-votes), candidate, leader. */
export type RaftRole = 'follower' | 'prospective' | 'candidate' | 'leader';

interface PendingProposal {
  term: number;
  resolve(index: number): void;
  reject(err: Error): void;
}

/** Events, all emitted synchronously from within a step. */
export interface RaftEvents {
  /** A committed entry, in index order, exactly once per index per process lifetime (replayed from disk at start). */
  commit: [data: unknown, index: number];
  /** This node leads `term` and its no-op of that term committed: everything committed before is applied here. */
  leader: [term: number];
  /** This node stopped leading `term` (higher term seen, or check-quorum failed, or closed). */
  resign: [term: number];
  /** The known leader or the term changed (leaderId undefined while no leader is known). */
  'leader-change': [info: { term: number; leaderId: number | undefined }];
}

/** A Raft voter. Create, attach 'commit' listeners, then {@link RaftNode.start}. */
export class RaftNode extends EventEmitter<RaftEvents> {
  readonly id: number;
  readonly voterIds: readonly number[];
  readonly timings: RaftTimings;
  readonly #peers: number[];
  readonly #storage: RaftStorage;
  readonly #transport: RaftTransport;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #noopEntry: unknown;
  readonly #maxEntries: number;

  #term: number;
  #votedFor: number | null;
  #log: LogEntry[];
  #commitIndex = 0;
  #lastApplied = 0;
  #role: RaftRole = 'follower';
  #leaderId: number | undefined;
  #lastLeaderContact = -Infinity;
  #ready = false;
  #noopIndex = 0;
  #started = false;
  #closed = false;
  /** Set once any leader has been known since start; until then elections come sooner (see #resetElectionTimer). */
  #knewLeader = false;

  #electionTimer: unknown;
  #heartbeatTimer: unknown;
  /** Identifies the current election round so late replies of an older round are ignored. */
  #round = 0;
  #votes = new Set<number>();

  #nextIndex = new Map<number, number>();
  #matchIndex = new Map<number, number>();
  #lastContact = new Map<number, number>();
  /** Per peer: the sequence number of the AppendEntries in flight (at most one at a time). */
  #inflight = new Map<number, number>();
  #flightSeq = 0;
  #pending = new Map<number, PendingProposal>();

  constructor(options: RaftNodeOptions) {
    super();
    this.id = options.id;
    this.voterIds = options.voters.map((v) => v.id);
    if (!this.voterIds.includes(this.id))
      throw new Error(`node ${this.id} is not one of the voters ${this.voterIds.join(',')}`);
    if (new Set(this.voterIds).size !== this.voterIds.length)
      throw new Error(`duplicate voter ids: ${this.voterIds.join(',')}`);
    this.#peers = this.voterIds.filter((v) => v !== this.id);
    this.timings = { ...DEFAULT_RAFT_TIMINGS };
    for (const key of Object.keys(DEFAULT_RAFT_TIMINGS) as Array<keyof RaftTimings>) {
      const v = options.timings?.[key];
      if (v !== undefined) this.timings[key] = v;
    }
    if (this.timings.electionTimeoutMinMs > this.timings.electionTimeoutMaxMs)
      throw new Error('electionTimeoutMinMs must not exceed electionTimeoutMaxMs');
    this.#storage = options.storage ?? (options.dir ? new DiskRaftStorage(options.dir) : new MemoryRaftStorage());
    this.#transport = options.transport;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#noopEntry = options.noopEntry ?? { type: 'noop' };
    this.#maxEntries = options.maxEntriesPerAppend ?? 500;
    const state = this.#storage.load();
    this.#term = state.term;
    this.#votedFor = state.votedFor;
    this.#log = state.entries;
    this.#commitIndex = Math.min(state.commitIndex, this.#log.length);
  }

  get term(): number {
    return this.#term;
  }
  get role(): RaftRole {
    return this.#role;
  }
  /** The leader this node currently follows (itself when leading); undefined while none is known. */
  get leaderId(): number | undefined {
    return this.#leaderId;
  }
  /** True while this node leads (possibly still committing its no-op: see {@link RaftNode.isReady}). */
  get isLeader(): boolean {
    return this.#role === 'leader';
  }
  /** True once this leader's no-op committed (the 'leader' event fired). */
  get isReady(): boolean {
    return this.#role === 'leader' && this.#ready;
  }
  get commitIndex(): number {
    return this.#commitIndex;
  }
  get lastApplied(): number {
    return this.#lastApplied;
  }
  get lastIndex(): number {
    return this.#log.length;
  }
  /** The entry at `index` (1-based), if this node has it. */
  entry(index: number): LogEntry | undefined {
    return this.#log[index - 1];
  }

  /** Replays committed entries found in storage (so state is back before any leader is heard), then joins the quorum. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    if (this.#commitIndex > 0)
      this.#logger.info(
        `raft ${this.id}: replaying ${this.#commitIndex} committed entries from storage (term ${this.#term})`,
      );
    this.#applyCommitted();
    if (this.#peers.length === 0) this.#becomeCandidate();
    else this.#resetElectionTimer();
  }

  /**
   * Appends `data` to the log as leader and resolves with its index once it is committed and
   * the 'commit' listeners ran. Rejects with {@link NotLeaderError} when this node is not the
   * leader, or stops being it before the entry commits (the entry may still commit later).
   */
  propose(data: unknown): Promise<number> {
    if (this.#closed || this.#role !== 'leader')
      return Promise.reject(new NotLeaderError(this.#closed ? undefined : this.#leaderId));
    const index = this.#appendAsLeader(data);
    return new Promise<number>((resolve, reject) => {
      this.#pending.set(index, { term: this.#term, resolve, reject });
      this.#replicateToAll();
      this.#advanceCommit();
    });
  }

  /** Answers a request from a peer (the transport's server side calls this). */
  handleRequest(request: RaftRequest): RaftReply {
    if (request.kind === 'vote') return this.#handleVote(request);
    return this.#handleAppend(request);
  }

  /** Stops timers and storage; pending proposals fail with {@link NotLeaderError}. Idempotent. */
  close(): void {
    if (this.#closed) return;
    const wasLeader = this.#role === 'leader';
    this.#closed = true;
    this.#clearElectionTimer();
    this.#clearHeartbeatTimer();
    this.#failPending(undefined);
    this.#role = 'follower';
    if (wasLeader) this.#emitSafely('resign', this.#term);
    this.#storage.close();
  }

  // ---- elections -------------------------------------------------------------------------

  #majority(): number {
    return Math.floor(this.voterIds.length / 2) + 1;
  }

  #lastLogTerm(): number {
    return this.#log.length === 0 ? 0 : this.#log[this.#log.length - 1]!.term;
  }

  #termAt(index: number): number {
    return index === 0 ? 0 : (this.#log[index - 1]?.term ?? -1);
  }

  #candidateLogOk(lastLogTerm: number, lastLogIndex: number): boolean {
    const myTerm = this.#lastLogTerm();
    return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= this.#log.length);
  }

  /** A node that heard from a live leader within the minimum election timeout refuses pre-votes. */
  #hasRecentLeader(): boolean {
    if (this.#role === 'leader') return true;
    return (
      this.#leaderId !== undefined && this.#clock.now() - this.#lastLeaderContact < this.timings.electionTimeoutMinMs
    );
  }

  #resetElectionTimer(): void {
    this.#clearElectionTimer();
    if (this.#closed) return;
    const { electionTimeoutMinMs: min, electionTimeoutMaxMs: max } = this.timings;
    // A node that has known no leader since it started (a fresh cluster, or a node back from a
    // restart) asks for votes after a tenth of the timeout: a fresh cluster elects in ~0.2 s
    // instead of 1-2 s. PreVote keeps this harmless: peers that hear from a leader refuse, so a
    // returning node cannot depose it. Once a leader was known, failover keeps Kafka's timing.
    const scale = this.#knewLeader ? 1 : STARTUP_ELECTION_SCALE;
    const ms = Math.round((min + Math.floor(this.#random() * (max - min + 1))) * scale);
    this.#electionTimer = this.#clock.setTimeout(() => this.#onElectionTimeout(), ms);
  }

  #clearElectionTimer(): void {
    if (this.#electionTimer !== undefined) this.#clock.clearTimeout(this.#electionTimer);
    this.#electionTimer = undefined;
  }

  #onElectionTimeout(): void {
    this.#electionTimer = undefined;
    if (this.#closed || this.#role === 'leader') return;
    this.#startPreVote();
  }

  /** Asks the others whether they would vote for us in term+1, without changing anyone's term. */
  #startPreVote(): void {
    this.#role = 'prospective';
    this.#setLeader(undefined);
    const round = ++this.#round;
    this.#votes = new Set([this.id]);
    this.#resetElectionTimer();
    const request: VoteRequest = {
      kind: 'vote',
      term: this.#term + 1,
      candidateId: this.id,
      lastLogIndex: this.#log.length,
      lastLogTerm: this.#lastLogTerm(),
      preVote: true,
    };
    this.#logger.debug(`raft ${this.id}: pre-vote for term ${request.term}`);
    for (const peer of this.#peers) {
      this.#transport.send(peer, request, this.timings.requestTimeoutMs, (reply) => {
        if (this.#closed || !reply || reply.kind !== 'vote') return;
        if (reply.term > this.#term) {
          this.#becomeFollower(reply.term, undefined);
          return;
        }
        if (this.#role !== 'prospective' || this.#round !== round || !reply.granted) return;
        this.#votes.add(peer);
        if (this.#votes.size >= this.#majority()) this.#becomeCandidate();
      });
    }
  }

  #becomeCandidate(): void {
    this.#role = 'candidate';
    this.#term += 1;
    this.#votedFor = this.id;
    this.#storage.saveVote(this.#term, this.#votedFor);
    this.#setLeader(undefined);
    const round = ++this.#round;
    const term = this.#term;
    this.#votes = new Set([this.id]);
    this.#logger.info(`raft ${this.id}: candidate for term ${term}`);
    if (this.#votes.size >= this.#majority()) {
      this.#becomeLeader();
      return;
    }
    this.#resetElectionTimer();
    const request: VoteRequest = {
      kind: 'vote',
      term,
      candidateId: this.id,
      lastLogIndex: this.#log.length,
      lastLogTerm: this.#lastLogTerm(),
      preVote: false,
    };
    for (const peer of this.#peers) {
      this.#transport.send(peer, request, this.timings.requestTimeoutMs, (reply) => {
        if (this.#closed || !reply || reply.kind !== 'vote') return;
        if (reply.term > this.#term) {
          this.#becomeFollower(reply.term, undefined);
          return;
        }
        if (this.#role !== 'candidate' || this.#round !== round || this.#term !== term || !reply.granted) return;
        this.#votes.add(peer);
        if (this.#votes.size >= this.#majority()) this.#becomeLeader();
      });
    }
  }

  #becomeLeader(): void {
    this.#role = 'leader';
    this.#ready = false;
    this.#clearElectionTimer();
    const now = this.#clock.now();
    for (const peer of this.#peers) {
      this.#nextIndex.set(peer, this.#log.length + 1);
      this.#matchIndex.set(peer, 0);
      this.#lastContact.set(peer, now);
    }
    this.#inflight.clear();
    this.#logger.info(`raft ${this.id}: leader of term ${this.#term}`);
    this.#setLeader(this.id);
    // Entries of earlier terms only commit through one of the current term (Raft §5.4.2).
    this.#noopIndex = this.#appendAsLeader(this.#noopEntry);
    this.#scheduleHeartbeat();
    this.#replicateToAll();
    this.#advanceCommit();
  }

  /** Follows `leaderId` in `term` (a higher term also clears the vote); a leader resigns. */
  #becomeFollower(term: number, leaderId: number | undefined): void {
    if (term > this.#term) {
      this.#term = term;
      this.#votedFor = null;
      this.#storage.saveVote(term, null);
    }
    const wasLeader = this.#role === 'leader';
    this.#role = 'follower';
    if (wasLeader) {
      this.#ready = false;
      this.#clearHeartbeatTimer();
      this.#failPending(leaderId);
      this.#logger.info(`raft ${this.id}: resigned leadership of term ${this.#term}`);
    }
    this.#setLeader(leaderId);
    if (wasLeader) this.#emitSafely('resign', this.#term);
    this.#resetElectionTimer();
  }

  #setLeader(leaderId: number | undefined): void {
    if (leaderId !== undefined) this.#knewLeader = true;
    if (this.#leaderId === leaderId && this.#announcedTerm === this.#term) return;
    this.#leaderId = leaderId;
    this.#announcedTerm = this.#term;
    this.#emitSafely('leader-change', { term: this.#term, leaderId });
  }
  #announcedTerm = -1;

  #handleVote(req: VoteRequest): VoteReply {
    const logOk = this.#candidateLogOk(req.lastLogTerm, req.lastLogIndex);
    if (req.preVote) {
      // No state changes: a pre-vote is a question, not an election.
      const granted = !this.#closed && req.term > this.#term && logOk && !this.#hasRecentLeader();
      return { kind: 'vote', term: this.#term, granted };
    }
    if (req.term > this.#term) this.#becomeFollower(req.term, undefined);
    const granted = req.term === this.#term && (this.#votedFor === null || this.#votedFor === req.candidateId) && logOk;
    if (granted && this.#votedFor === null) {
      this.#votedFor = req.candidateId;
      this.#storage.saveVote(this.#term, this.#votedFor);
    }
    if (granted) this.#resetElectionTimer();
    return { kind: 'vote', term: this.#term, granted };
  }

  // ---- replication -----------------------------------------------------------------------

  #appendAsLeader(data: unknown): number {
    const entry: LogEntry = { term: this.#term, index: this.#log.length + 1, data };
    this.#storage.append([entry]);
    this.#log.push(entry);
    return entry.index;
  }

  #scheduleHeartbeat(): void {
    this.#clearHeartbeatTimer();
    this.#heartbeatTimer = this.#clock.setTimeout(() => {
      this.#heartbeatTimer = undefined;
      if (this.#closed || this.#role !== 'leader') return;
      if (!this.#checkQuorum()) return;
      this.#replicateToAll();
      this.#scheduleHeartbeat();
    }, this.timings.heartbeatIntervalMs);
  }

  #clearHeartbeatTimer(): void {
    if (this.#heartbeatTimer !== undefined) this.#clock.clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  /** A leader cut off from a majority for longer than an election timeout resigns (its followers have moved on). */
  #checkQuorum(): boolean {
    const now = this.#clock.now();
    let heard = 1;
    for (const peer of this.#peers)
      if (now - (this.#lastContact.get(peer) ?? -Infinity) <= this.timings.electionTimeoutMaxMs) heard++;
    if (heard >= this.#majority()) return true;
    this.#logger.warn(
      `raft ${this.id}: heard from ${heard - 1} of ${this.#peers.length} peers within ${this.timings.electionTimeoutMaxMs} ms; resigning (check-quorum)`,
    );
    this.#becomeFollower(this.#term, undefined);
    return false;
  }

  #replicateToAll(): void {
    for (const peer of this.#peers) this.#sendAppend(peer);
  }

  #sendAppend(peer: number): void {
    if (this.#closed || this.#role !== 'leader' || this.#inflight.has(peer)) return;
    const next = this.#nextIndex.get(peer) ?? this.#log.length + 1;
    const prevLogIndex = next - 1;
    const entries = this.#log.slice(prevLogIndex, prevLogIndex + this.#maxEntries);
    const term = this.#term;
    const request: AppendRequest = {
      kind: 'append',
      term,
      leaderId: this.id,
      prevLogIndex,
      prevLogTerm: this.#termAt(prevLogIndex),
      entries,
      leaderCommit: this.#commitIndex,
    };
    const seq = ++this.#flightSeq;
    this.#inflight.set(peer, seq);
    this.#transport.send(peer, request, this.timings.requestTimeoutMs, (reply) => {
      if (this.#inflight.get(peer) === seq) this.#inflight.delete(peer);
      if (this.#closed || !reply || reply.kind !== 'append') return;
      this.#onAppendReply(peer, term, reply);
    });
  }

  #onAppendReply(peer: number, sentTerm: number, reply: AppendReply): void {
    if (reply.term > this.#term) {
      this.#becomeFollower(reply.term, undefined);
      return;
    }
    if (this.#role !== 'leader' || this.#term !== sentTerm) return;
    this.#lastContact.set(peer, this.#clock.now());
    const match = this.#matchIndex.get(peer) ?? 0;
    if (reply.success) {
      if (reply.matchIndex > match) this.#matchIndex.set(peer, reply.matchIndex);
      this.#nextIndex.set(peer, Math.max(this.#nextIndex.get(peer) ?? 1, reply.matchIndex + 1));
      this.#advanceCommit();
    } else {
      const next = this.#nextIndex.get(peer) ?? 1;
      this.#nextIndex.set(peer, Math.max(match + 1, Math.min(next - 1, reply.conflictIndex)));
    }
    if ((this.#nextIndex.get(peer) ?? 1) <= this.#log.length || !reply.success) this.#sendAppend(peer);
  }

  /** Commits the highest index of the current term that a majority stores. */
  #advanceCommit(): void {
    if (this.#role !== 'leader') return;
    const matches = [this.#log.length, ...this.#peers.map((p) => this.#matchIndex.get(p) ?? 0)].sort((a, b) => b - a);
    const candidate = matches[this.#majority() - 1]!;
    if (candidate <= this.#commitIndex || this.#termAt(candidate) !== this.#term) return;
    this.#commitIndex = candidate;
    this.#applyCommitted();
    // Tell followers now rather than at the next heartbeat, so their state machines keep up.
    if (this.#role === 'leader') this.#replicateToAll();
  }

  #handleAppend(req: AppendRequest): AppendReply {
    const fail = (conflictIndex: number): AppendReply => ({
      kind: 'append',
      term: this.#term,
      success: false,
      matchIndex: 0,
      conflictIndex,
    });
    if (req.term < this.#term || this.#closed) return fail(0);
    if (req.term > this.#term || this.#role !== 'follower' || this.#leaderId !== req.leaderId)
      this.#becomeFollower(req.term, req.leaderId);
    else this.#resetElectionTimer();
    this.#lastLeaderContact = this.#clock.now();

    if (req.prevLogIndex > this.#log.length) return fail(this.#log.length + 1);
    if (this.#termAt(req.prevLogIndex) !== req.prevLogTerm) {
      const conflictTerm = this.#termAt(req.prevLogIndex);
      let first = req.prevLogIndex;
      while (first - 1 > this.#commitIndex && this.#termAt(first - 1) === conflictTerm) first--;
      return fail(Math.max(first, 1));
    }
    let appendFrom = req.entries.length;
    for (let k = 0; k < req.entries.length; k++) {
      const e = req.entries[k]!;
      if (e.index > this.#log.length) {
        appendFrom = k;
        break;
      }
      if (this.#termAt(e.index) !== e.term) {
        if (e.index <= this.#commitIndex) {
          // Cannot happen under Raft's guarantees; refusing keeps a committed entry rather than lose it.
          this.#logger.error(
            `raft ${this.id}: leader ${req.leaderId} (term ${req.term}) conflicts with committed entry ${e.index}; refusing`,
          );
          return fail(this.#commitIndex + 1);
        }
        this.#logger.info(
          `raft ${this.id}: dropping divergent log tail from index ${e.index} (had term ${this.#termAt(e.index)}, leader has ${e.term})`,
        );
        this.#storage.truncateFrom(e.index);
        this.#log.length = e.index - 1;
        appendFrom = k;
        break;
      }
    }
    const fresh = req.entries.slice(appendFrom);
    if (fresh.length > 0) {
      this.#storage.append(fresh);
      for (const e of fresh) this.#log.push(e);
    }
    const lastNew = req.prevLogIndex + req.entries.length;
    const newCommit = Math.min(req.leaderCommit, lastNew);
    if (newCommit > this.#commitIndex) {
      this.#commitIndex = newCommit;
      this.#applyCommitted();
    }
    return { kind: 'append', term: this.#term, success: true, matchIndex: lastNew, conflictIndex: 0 };
  }

  // ---- applying --------------------------------------------------------------------------

  #applyCommitted(): void {
    if (!this.#started) return;
    const before = this.#lastApplied;
    while (this.#lastApplied < this.#commitIndex && !this.#closed) {
      const index = ++this.#lastApplied;
      const entry = this.#log[index - 1]!;
      this.#emitSafely('commit', entry.data, index);
      const pending = this.#pending.get(index);
      if (pending) {
        this.#pending.delete(index);
        if (pending.term === entry.term) pending.resolve(index);
        else
          pending.reject(
            new NotLeaderError(this.#leaderId, `entry ${index} was replaced by the leader of term ${entry.term}`),
          );
      }
    }
    if (this.#lastApplied !== before && !this.#closed) this.#storage.saveCommitIndex(this.#lastApplied);
    if (this.#role === 'leader' && !this.#ready && this.#lastApplied >= this.#noopIndex) {
      this.#ready = true;
      this.#emitSafely('leader', this.#term);
    }
  }

  #failPending(leaderId: number | undefined): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(new NotLeaderError(leaderId));
  }

  /** A listener's exception must not break the node's own state transitions. */
  #emitSafely<K extends keyof RaftEvents>(event: K, ...args: RaftEvents[K]): void {
    try {
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    } catch (err) {
      this.#logger.error(`raft ${this.id}: '${event}' listener failed: ${(err as Error).stack ?? err}`);
    }
  }
}
