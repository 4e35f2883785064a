/**
 * A consumer that assigns itself partitions (no group), as `consumer.assign()` does in Kafka's
 * clients, written with raw Fetches so it follows leaders the way a client must during a
 * failover: it asks the cluster who leads each partition, fetches from that node, and on an error
 * (not the leader, fenced epoch, connection lost) asks again. Every non-empty fetch is a poll in
 * the history, so the checkers see its reads stay monotonic and gapless across failovers.
 */
import type { HistoryRecorder } from '../harness/history/history.ts';
import type { TargetNode } from '../harness/nemesis/fault-control.ts';
import { findPartitionLeader } from '../harness/nemesis/node-roles.ts';
import { RawClient } from '../protocol/client/raw-client.ts';
import { POLL } from '../harness/history/ops.ts';
import { fetchOnce, ref } from './raw-reads.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads assigned partitions of one topic from offset 0 until stopped. */
export class AssignedReader {
  private readonly nodes: readonly TargetNode[];
  private readonly history: HistoryRecorder;
  private readonly process: string;
  private readonly topic: string;
  private readonly partitions: readonly number[];
  /** Next offset to read, per partition. */
  readonly position = new Map<number, number>();
  /** Fetch errors met (by error code, or 'io' for a lost connection): what a failover costs a reader. */
  readonly errors = new Map<string, number>();
  private readonly connections = new Map<number, RawClient>();
  private readonly leaders = new Map<number, number>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    nodes: readonly TargetNode[],
    history: HistoryRecorder,
    process: string,
    topic: string,
    partitions: readonly number[],
  ) {
    this.nodes = nodes;
    this.history = history;
    this.process = process;
    this.topic = topic;
    this.partitions = partitions;
    for (const p of partitions) this.position.set(p, 0);
  }

  /** Records the assignment and starts reading in the background. */
  start(): void {
    const value = { topic: this.topic, partitions: [...this.partitions] };
    this.history.invoke(this.process, 'assign', value).ok(value);
    this.loop = this.run();
  }

  /** Stops reading (after the fetch in flight) and closes its connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }

  /** True once every partition was read up to `ends` (partition → end offset). */
  caughtUp(ends: ReadonlyMap<number, number>): boolean {
    return [...ends].every(([p, end]) => (this.position.get(p) ?? 0) >= end);
  }

  private count(what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }

  private async connection(partition: number): Promise<RawClient | undefined> {
    let leader = this.leaders.get(partition);
    if (leader === undefined) {
      leader = await findPartitionLeader(this.nodes, this.topic, partition, { timeoutMs: 1_000 });
      if (leader === undefined) return undefined;
      this.leaders.set(partition, leader);
    }
    const open = this.connections.get(leader);
    if (open && !open.closed) return open;
    const node = this.nodes.find((n) => n.id === leader);
    if (!node) return undefined;
    const fresh = await RawClient.connect(node.bootstrap, `kconform-${this.process}`, 2_000);
    this.connections.set(leader, fresh);
    return fresh;
  }

  /** Forgets the leader of `partition` (and the connection, when it broke). */
  private forget(partition: number, broken: boolean): void {
    const leader = this.leaders.get(partition);
    this.leaders.delete(partition);
    if (broken && leader !== undefined) {
      this.connections.get(leader)?.close();
      this.connections.delete(leader);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let progressed = false;
      for (const p of this.partitions) {
        if (this.stopped) break;
        const position = this.position.get(p)!;
        try {
          const raw = await this.connection(p);
          if (!raw) {
            this.count('no-leader');
            continue;
          }
          const [answer] = await fetchOnce(raw, this.topic, new Map([[p, position]]), { maxWaitMs: 100, minBytes: 1 });
          if (answer?.errorCode !== 0) {
            // Not the leader any more, a fenced or unknown epoch, an offset it does not have: the
            // failed read goes into the history with its code, and the reader asks for the leader again.
            this.history
              .invoke(this.process, POLL, { topic: this.topic, partition: p, offset: position })
              .fail(`Fetch answered error ${answer?.errorCode}`, {
                topic: this.topic,
                partition: p,
                offset: position,
                errorCode: answer?.errorCode ?? -1,
              });
            this.count(String(answer?.errorCode ?? -1));
            this.forget(p, false);
            continue;
          }
          if (answer.records.length === 0) continue;
          this.history
            .invoke(this.process, POLL, { topic: this.topic, partition: p, offset: position })
            .ok({ records: answer.records.map(ref) });
          this.position.set(p, answer.records[answer.records.length - 1]!.offset + 1);
          progressed = true;
        } catch {
          this.count('io');
          this.forget(p, true);
        }
      }
      if (!progressed) await sleep(100);
    }
  }
}
