/**
 * An in-memory network for Raft tests: messages are delivered through the (fake) clock after a
 * small random delay, and can be lost at random or cut by partitions. Every message is copied as
 * JSON, as the real transport would, so nodes never share objects.
 */
import type { Clock } from '../../groups/clock.ts';
import type { RaftReply, RaftRequest, RaftTransport } from './raft-messages.ts';

/** What the network delivers requests to: a running node, or nothing while the node is down. */
export interface RaftEndpoint {
  handleRequest(request: RaftRequest): RaftReply;
}

export interface MemoryNetworkOptions {
  random: () => number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Nodes, links and losses of a simulated cluster. */
export class MemoryNetwork {
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #endpoints = new Map<number, RaftEndpoint>();
  /** Group of each node while partitioned; nodes in different groups cannot talk. */
  #groups = new Map<number, number>();
  /** Probability that any one message is lost. */
  dropRate = 0;
  /** Messages delivered so far (tests use it to check something happened). */
  delivered = 0;

  constructor(clock: Clock, options: MemoryNetworkOptions) {
    this.#clock = clock;
    this.#random = options.random;
    this.#minDelay = options.minDelayMs ?? 1;
    this.#maxDelay = options.maxDelayMs ?? 5;
  }

  /** The transport node `from` sends with. */
  transport(from: number): RaftTransport {
    return { send: (to, request, timeoutMs, onReply) => this.#send(from, to, request, timeoutMs, onReply) };
  }

  /** Connects a running node (after a restart: the new instance). */
  attach(id: number, endpoint: RaftEndpoint): void {
    this.#endpoints.set(id, endpoint);
  }

  /** A crashed node: requests to it get no answer. */
  detach(id: number): void {
    this.#endpoints.delete(id);
  }

  /** Splits the nodes into groups that can only talk within themselves; nodes not named form one more group. */
  partition(groups: number[][]): void {
    this.#groups = new Map();
    groups.forEach((g, i) => g.forEach((id) => this.#groups.set(id, i + 1)));
  }

  /** Cuts one node off from all others. */
  isolate(id: number): void {
    this.partition([[id]]);
  }

  /** Removes every partition and stops random losses. */
  heal(): void {
    this.#groups = new Map();
    this.dropRate = 0;
  }

  canTalk(a: number, b: number): boolean {
    return (this.#groups.get(a) ?? 0) === (this.#groups.get(b) ?? 0);
  }

  #delay(): number {
    return this.#minDelay + Math.floor(this.#random() * (this.#maxDelay - this.#minDelay + 1));
  }

  #lost(from: number, to: number): boolean {
    return !this.canTalk(from, to) || (this.dropRate > 0 && this.#random() < this.dropRate);
  }

  #send(
    from: number,
    to: number,
    request: RaftRequest,
    timeoutMs: number,
    onReply: (reply: RaftReply | undefined) => void,
  ): void {
    let done = false;
    const timeout = this.#clock.setTimeout(() => {
      if (done) return;
      done = true;
      onReply(undefined);
    }, timeoutMs);
    if (this.#lost(from, to)) return;
    const copy = JSON.parse(JSON.stringify(request)) as RaftRequest;
    this.#clock.setTimeout(() => {
      const target = this.#endpoints.get(to);
      if (!target || !this.canTalk(from, to)) return;
      this.delivered++;
      const reply = JSON.parse(JSON.stringify(target.handleRequest(copy))) as RaftReply;
      if (this.#lost(to, from)) return;
      this.#clock.setTimeout(() => {
        if (done || !this.canTalk(to, from)) return;
        done = true;
        this.#clock.clearTimeout(timeout);
        onReply(reply);
      }, this.#delay());
    }, this.#delay());
  }
}
