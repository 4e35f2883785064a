/**
 * Watches the node processes of a `kconform broker --brokers K` cluster: a node that exits is
 * reported at once (one line: node id, pid, exit code or signal), the cluster keeps serving with
 * the nodes that are left, and when no node is left (and none was stopped on purpose, through
 * the control endpoint, to be started again) the supervisor gives up with a reason, so the
 * command ends with exit code 3 instead of hanging or dying of an unsettled await.
 */
import type { ProcessCluster } from '../kafka-dist/process-cluster.ts';
import { describeExit } from '../kafka-dist/node-process.ts';

/** What {@link superviseCluster} returns. */
export interface ClusterSupervisor {
  /**
   * Settles when no node is left: rejects with an Error whose message says which nodes died how.
   * Never resolves while one node serves or may be started again through the supervisor.
   */
  readonly gone: Promise<never>;
  /**
   * Marks node `id` as being stopped on purpose (a control request): its exit is reported as
   * requested and does not count towards "no node left". Call before stopping it.
   */
  expectExit(id: number, why: string): void;
  /** Starts watching the node's current process again after a (re)start. */
  watch(id: number): void;
  /** Stops reporting (the command is shutting the cluster down). */
  close(): void;
}

/**
 * Supervises `cluster`'s nodes as they run now; `log` gets one line per exit.
 * Every node must be running when this is called.
 */
export function superviseCluster(cluster: ProcessCluster, log: (line: string) => void): ClusterSupervisor {
  const expected = new Map<number, string>();
  const deaths = new Map<number, string>();
  // A watch belongs to one process: a restart makes a new one, and the old watch must stay silent.
  const watching = new Map<number, number>();
  let closed = false;
  let giveUp: (err: Error) => void = () => {};
  const gone = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  // The caller may only look at `gone` once a node died; an unobserved rejection must not crash the process.
  gone.catch(() => {});

  const total = cluster.nodes.length;
  const running = () => cluster.nodes.filter((n) => cluster.nodeProcess(n.id).state !== 'stopped').length;

  const watch = (id: number): void => {
    const proc = cluster.nodeProcess(id);
    const pid = proc.pid;
    const exited = proc.exited;
    if (pid === undefined || exited === undefined) return;
    watching.set(id, pid);
    expected.delete(id);
    deaths.delete(id);
    void exited.then((status) => {
      if (closed || watching.get(id) !== pid) return;
      watching.delete(id);
      const how = describeExit(status);
      const left = running();
      const why = expected.get(id);
      if (why !== undefined) {
        log(`kconform: node ${id} (pid ${pid}) stopped (${why}): ${how}; ${left} of ${total} nodes running`);
        return;
      }
      deaths.set(id, how);
      log(`kconform: node ${id} (pid ${pid}) died: ${how}; ${left} of ${total} nodes running`);
      if (left === 0 && expected.size === 0) {
        closed = true;
        giveUp(
          new Error(
            `no node is left: all ${total} reference broker nodes have died (${[...deaths]
              .sort((a, b) => a[0] - b[0])
              .map(([n, h]) => `node ${n}: ${h}`)
              .join(', ')})`,
          ),
        );
      }
    });
  };
  for (const n of cluster.nodes) watch(n.id);
  return {
    gone,
    expectExit: (id, why) => void expected.set(id, why),
    watch,
    close: () => void (closed = true),
  };
}
