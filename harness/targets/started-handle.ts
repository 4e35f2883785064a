/**
 * Pieces the kinds' builders share to make a {@link StartedTarget}: a stop that runs once (and
 * on Ctrl-C), a fault control for targets that cannot be faulted, a handle over local processes.
 */
import { registerCleanup } from '../cleanup/cleanup-registry.ts';
import { FaultUnavailableError, type FaultControl, type FaultName } from '../nemesis/fault-control.ts';
import type { StartedTarget, TargetSpecBase } from './target-kind.ts';

/** Wraps a handle's stop so it runs once, and also on Ctrl-C through the cleanup registry. */
export function withCleanup(description: string, stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const once = () => (stopping ??= stop());
  const unregister = registerCleanup(description, once);
  return () => once().finally(unregister);
}

/** A FaultControl for targets kconform does not control: every fault is reported unavailable. */
export function noFaults(target: string, why: string): FaultControl {
  const unavailable = (fault: FaultName) => async () => {
    throw new FaultUnavailableError(fault, target, why);
  };
  return {
    supported: new Set(),
    kill: unavailable('kill'),
    restart: unavailable('restart'),
    cleanRestart: unavailable('clean-restart'),
    pause: unavailable('pause'),
    resume: unavailable('pause'),
    partition: unavailable('partition'),
    cutClient: unavailable('partition'),
    healNetwork: async () => {},
    healAll: async () => {},
  };
}

/** A fresh target made of local processes (Kafka nodes or reference brokers). */
export function processTarget<S extends TargetSpecBase>(
  spec: S,
  cluster: { bootstrap: string; nodes: readonly { id: number; bootstrap: string }[]; logFiles: readonly string[] },
  faults: FaultControl,
  stop: () => Promise<void>,
): StartedTarget<S> {
  const nodes = cluster.nodes.map((n) => ({ id: n.id, bootstrap: n.bootstrap }));
  return {
    spec,
    bootstrap: cluster.bootstrap,
    fresh: true,
    logFiles: [...cluster.logFiles],
    nodes,
    faults,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
