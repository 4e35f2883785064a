/**
 * A simulated Raft cluster for tests: N nodes on a {@link MemoryNetwork}, a fake clock, memory
 * (or directory) storage that survives "crashes", and recorders that check Raft's safety
 * properties on every event: at most one leader per term (Election Safety) and the same entry at
 * every committed index on every node, across restarts (State Machine Safety).
 */
import { FakeClock } from '../../groups/fake-clock.ts';
import { MemoryNetwork } from './memory-network.ts';
import { RaftNode, type RaftTimings } from './raft-node.ts';
import { DiskRaftStorage, MemoryRaftStorage, type RaftStorage } from './raft-storage.ts';
import { join } from 'node:path';
import { seededRandom } from '../../../protocol/seeded-random.ts';

export { seededRandom };

export const SIM_TIMINGS: RaftTimings = {
  electionTimeoutMinMs: 150,
  electionTimeoutMaxMs: 300,
  heartbeatIntervalMs: 40,
  requestTimeoutMs: 100,
};

export interface SimClusterOptions {
  size: number;
  seed: number;
  /** When set, each node keeps its state in `${baseDir}/node-N` (otherwise in memory). */
  baseDir?: string;
  timings?: RaftTimings;
}

/** Records what every node reported and fails loudly on a safety violation. */
export class SimCluster {
  readonly clock = new FakeClock(0);
  readonly network: MemoryNetwork;
  readonly ids: number[];
  readonly nodes = new Map<number, RaftNode>();
  readonly timings: RaftTimings;
  /** term → the node that became leader in it. */
  readonly leadersByTerm = new Map<number, number>();
  /** index → the committed entry (as JSON, with its term) the first node reported. */
  readonly committed = new Map<number, string>();
  /** node → what it applied, in order, in its current process lifetime. */
  readonly applied = new Map<number, Array<{ index: number; data: unknown }>>();
  readonly violations: string[] = [];
  readonly #storages = new Map<number, RaftStorage>();
  readonly #random: () => number;
  readonly #baseDir: string | undefined;

  constructor(options: SimClusterOptions) {
    this.#random = seededRandom(options.seed);
    this.network = new MemoryNetwork(this.clock, { random: this.#random });
    this.ids = Array.from({ length: options.size }, (_, i) => i + 1);
    this.timings = options.timings ?? SIM_TIMINGS;
    this.#baseDir = options.baseDir;
    for (const id of this.ids) this.start(id);
  }

  /** Starts (or restarts, on its surviving storage) node `id`. */
  start(id: number): RaftNode {
    if (this.nodes.has(id)) throw new Error(`node ${id} is already running`);
    let storage = this.#storages.get(id);
    if (!storage || this.#baseDir) {
      storage = this.#baseDir ? new DiskRaftStorage(join(this.#baseDir, `node-${id}`)) : new MemoryRaftStorage();
      this.#storages.set(id, storage);
    }
    const node = new RaftNode({
      id,
      voters: this.ids.map((v) => ({ id: v })),
      storage,
      transport: this.network.transport(id),
      clock: this.clock,
      random: this.#random,
      timings: this.timings,
    });
    const applied: Array<{ index: number; data: unknown }> = [];
    this.applied.set(id, applied);
    node.on('commit', (data, index) => {
      if (applied.length > 0 && applied[applied.length - 1]!.index !== index - 1)
        this.violations.push(`node ${id} applied ${index} after ${applied[applied.length - 1]!.index}`);
      if (applied.length === 0 && index !== 1) this.violations.push(`node ${id} applied ${index} first`);
      applied.push({ index, data });
      const entry = JSON.stringify({ term: node.entry(index)?.term, data });
      const known = this.committed.get(index);
      if (known === undefined) this.committed.set(index, entry);
      else if (known !== entry)
        this.violations.push(`index ${index}: node ${id} committed ${entry} but ${known} was committed before`);
    });
    node.on('leader-change', ({ term, leaderId }) => {
      if (leaderId !== id) return;
      const other = this.leadersByTerm.get(term);
      if (other !== undefined && other !== id) this.violations.push(`term ${term} has two leaders: ${other} and ${id}`);
      this.leadersByTerm.set(term, id);
    });
    this.nodes.set(id, node);
    this.network.attach(id, node);
    node.start();
    return node;
  }

  /** Kills node `id`: it stops answering, its timers stop, its storage keeps what was durable. */
  crash(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.network.detach(id);
    node.close();
    this.nodes.delete(id);
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** The running leaders (during a partition an old one may linger until check-quorum removes it). */
  leaders(): RaftNode[] {
    return [...this.nodes.values()].filter((n) => n.isLeader);
  }

  /** Advances until exactly one running node leads and is ready, or gives up after `maxMs`. */
  waitForLeader(maxMs = 10_000): RaftNode | undefined {
    for (let t = 0; t <= maxMs; t += 10) {
      const ready = [...this.nodes.values()].filter((n) => n.isReady);
      if (ready.length === 1) return ready[0];
      this.advance(10);
    }
    return undefined;
  }

  close(): void {
    for (const id of [...this.nodes.keys()]) this.crash(id);
  }
}
