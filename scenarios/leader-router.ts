/**
 * Raw requests that target a partition go to the partition's leader, as a Kafka client sends
 * them: on a cluster the first bootstrap node leads only some partitions. The router asks the
 * cluster who leads (Metadata of every node, the highest leader epoch wins), keeps one connection
 * per caller name and node, and when an answer says the leader moved (NOT_LEADER_OR_FOLLOWER,
 * FENCED_LEADER_EPOCH, …) or the connection is lost it asks again and retries, a bounded number
 * of times. On a one-node target there is nothing to route: every request goes to that node, with
 * no Metadata asked, exactly as before routing existed.
 */
import type { TargetNode } from '../harness/nemesis/fault-control.ts';
import { describePartition } from '../harness/nemesis/node-roles.ts';
import { RawClient } from '../protocol/client/raw-client.ts';

/**
 * Error codes that mean "this node does not lead the partition (any more, or yet)": a client
 * refreshes its metadata and retries. UNKNOWN_TOPIC_OR_PARTITION (3) is one of them on a cluster:
 * a node answers it until it has applied the topic's creation.
 */
export const LEADER_MOVED: ReadonlySet<number> = new Set([3, 5, 6, 74, 75]);

/** Retry bounds of routed requests. */
export interface RouterOptions {
  /** Attempts per routed request, the first included; default 8. */
  attempts?: number;
  /** Pause before the second attempt, doubled up to {@link maxBackoffMs}; default 100 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Connecting and each leader look-up; default 5 s. */
  connectTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Leader look-ups, a connection pool and bounded retries for the raw requests of one scenario. */
export class LeaderRouter {
  private readonly nodes: readonly TargetNode[];
  private readonly clientPrefix: string;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly connectTimeoutMs: number;
  /** `topic/partition` → the leader's address, while it is believed. */
  private readonly leaders = new Map<string, string>();
  /** `name@address` → an open connection. */
  private readonly open = new Map<string, RawClient>();
  /** Leader look-ups and redirects so far (reported by scenarios that care). */
  redirects = 0;

  constructor(nodes: readonly TargetNode[], clientPrefix: string, opts: RouterOptions = {}) {
    if (nodes.length === 0) throw new Error('a leader router needs at least one node');
    this.nodes = nodes;
    this.clientPrefix = clientPrefix;
    this.attempts = Math.max(1, opts.attempts ?? 8);
    this.backoffMs = opts.backoffMs ?? 100;
    this.maxBackoffMs = opts.maxBackoffMs ?? 1_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
  }

  /** True when the target has one node: no routing, no Metadata. */
  get single(): boolean {
    return this.nodes.length === 1;
  }

  /** The first node's address (requests that target no partition: FindCoordinator, probes). */
  get bootstrap(): string {
    return this.nodes[0]!.bootstrap;
  }

  /** The address of the leader of `topic`/`partition`; rejects when no node knows one. */
  async leaderOf(topic: string, partition: number): Promise<string> {
    if (this.single) return this.bootstrap;
    const k = `${topic}/${partition}`;
    const known = this.leaders.get(k);
    if (known) return known;
    const view = await describePartition(this.nodes, topic, partition, {
      timeoutMs: Math.min(2_000, this.connectTimeoutMs),
    });
    const node = view ? this.nodes.find((n) => n.id === view.leaderId) : undefined;
    if (!node)
      throw new Error(`no node knows a leader of ${k}${view ? ` (Metadata names node ${view.leaderId})` : ''}`);
    this.leaders.set(k, node.bootstrap);
    return node.bootstrap;
  }

  /** Forgets what it believed about `partitions` of `topic`: the next request asks the cluster again. */
  forget(topic: string, partitions: readonly number[]): void {
    if (this.single) return;
    for (const p of partitions) this.leaders.delete(`${topic}/${p}`);
    this.redirects++;
  }

  /** The connection `name` uses to reach `address` (opened on first use, and again once closed). */
  async connection(name: string, address: string): Promise<RawClient> {
    const k = `${name}@${address}`;
    const c = this.open.get(k);
    if (c && !c.closed) return c;
    c?.close();
    const fresh = await RawClient.connect(address, `${this.clientPrefix}-${name}`, this.connectTimeoutMs);
    this.open.set(k, fresh);
    return fresh;
  }

  /** The connection `name` uses to reach the leader of `topic`/`partition`. */
  async leaderConnection(name: string, topic: string, partition: number): Promise<RawClient> {
    return this.connection(name, await this.leaderOf(topic, partition));
  }

  /** Drops `name`'s connection to `address` (it broke or timed out). */
  drop(name: string, address: string): void {
    const k = `${name}@${address}`;
    this.open.get(k)?.close();
    this.open.delete(k);
  }

  /** Partitions of `topic` grouped by their leader's address. */
  async byLeader(topic: string, partitions: readonly number[]): Promise<Map<string, number[]>> {
    const groups = new Map<string, number[]>();
    for (const p of partitions) {
      const at = await this.leaderOf(topic, p);
      groups.set(at, [...(groups.get(at) ?? []), p]);
    }
    return groups;
  }

  /**
   * Sends one partition's request to its leader through `name`'s connection, and retries on a
   * moved leader (`errorOf` of the answer in {@link LEADER_MOVED}), a lost connection or no known
   * leader, up to the router's attempts. Resolves with the last answer (its error code may still
   * say the leader moved, when the attempts ran out); rejects with the last I/O error.
   * `retryLostAnswers: false` (writes that are not idempotent) retries only answers that say the
   * leader moved — those were refused before anything was written — never a request whose answer
   * was lost, which may have been applied.
   */
  async call<T>(
    name: string,
    topic: string,
    partition: number,
    send: (raw: RawClient) => Promise<T>,
    errorOf: (answer: T) => number,
    retryLostAnswers = true,
  ): Promise<T> {
    // One node: nothing to route and nothing to retry, as before routing existed.
    if (this.single) return send(await this.connection(name, this.bootstrap));
    let wait = this.backoffMs;
    for (let attempt = 1; ; attempt++) {
      let address: string | undefined;
      let sent = false;
      try {
        address = await this.leaderOf(topic, partition);
        const raw = await this.connection(name, address);
        sent = true;
        const answer = await send(raw);
        if (!LEADER_MOVED.has(errorOf(answer)) || attempt >= this.attempts) return answer;
        this.forget(topic, [partition]);
      } catch (err) {
        if (address) this.drop(name, address);
        this.forget(topic, [partition]);
        if (attempt >= this.attempts || (sent && !retryLostAnswers)) throw err;
      }
      await sleep(wait);
      wait = Math.min(this.maxBackoffMs, wait * 2);
    }
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const c of this.open.values()) c.close();
    this.open.clear();
  }
}
