import type { HistoryRecorder } from '../history/history.ts';
import type { FaultControl, FaultName, PartitionGroups } from './fault-control.ts';
import { FaultUnavailableError } from './fault-control.ts';

/** One fault (or heal) the nemesis can apply, as it appears in the history. */
export type FaultOp =
  | { fault: 'kill' | 'restart' | 'clean-restart' | 'pause' | 'resume'; node: number }
  | { fault: 'partition'; groups: PartitionGroups }
  | { fault: 'cut-client'; node: number }
  | { fault: 'delay'; node: number; ms: number }
  | { fault: 'blackhole'; node: number }
  | { fault: 'drop-responses'; node: number; apiKey: number; count: number }
  | { fault: 'heal-network' }
  | { fault: 'heal-all' };

/** The process name nemesis ops carry in histories. */
export const NEMESIS = 'nemesis';

/** The capability an op needs: any one of the names (null: none). */
function capability(op: FaultOp): FaultName[] | null {
  switch (op.fault) {
    case 'kill':
    case 'restart':
      return [op.fault];
    case 'clean-restart':
      return ['clean-restart'];
    case 'pause':
    case 'resume':
      return ['pause'];
    case 'partition':
      return ['partition'];
    // a client cut is done by the network (namespaces) or by the proxy in front of the node
    case 'cut-client':
    case 'heal-network':
      return ['partition', 'proxy'];
    case 'delay':
    case 'blackhole':
    case 'drop-responses':
      return ['proxy'];
    case 'heal-all':
      return null;
  }
}

/** A proxy fault method of the control, bound; throws unavailable when the target has none. */
function proxyFault<A extends unknown[]>(
  method: ((...args: A) => Promise<void>) | undefined,
  fault: string,
): (...args: A) => Promise<void> {
  return (
    method ??
    (async () => {
      throw new FaultUnavailableError('proxy', 'this target', `it has no proxy in front of its nodes for '${fault}'`);
    })
  );
}

/**
 * Applies faults to a target and records each as a history op (`process: "nemesis"`,
 * `f: "nemesis"`): invoke before, ok after it took effect, fail when it could not be done
 * (an unavailable fault is recorded as a fail with the reason, never skipped silently).
 */
export class Nemesis {
  private readonly control: FaultControl;
  private readonly history: HistoryRecorder;
  /** Faults in effect, by what heals them. */
  private readonly inEffect = new Map<string, string>();

  constructor(control: FaultControl, history: HistoryRecorder) {
    this.control = control;
    this.history = history;
  }

  /** Applies `op`; resolves false when it failed or is unavailable on this target. */
  async apply(op: FaultOp): Promise<boolean> {
    const done = this.history.invoke(NEMESIS, NEMESIS, op);
    const needed = capability(op);
    if (needed && !needed.some((n) => this.control.supported.has(n))) {
      done.fail(new FaultUnavailableError(needed[0]!, 'this target', 'not supported').message);
      return false;
    }
    try {
      await this.run(op);
      done.ok(op);
      this.track(op);
      return true;
    } catch (err) {
      done.fail((err as Error).message);
      return false;
    }
  }

  /** Faults currently in effect, e.g. `kill 2`, `pause 1`, `cut-client 3`. */
  active(): string[] {
    return [...this.inEffect.values()];
  }

  private track(op: FaultOp): void {
    switch (op.fault) {
      case 'kill':
      case 'pause':
        this.inEffect.set(`node ${op.node}`, `${op.fault} ${op.node}`);
        break;
      case 'restart':
      case 'resume':
        this.inEffect.delete(`node ${op.node}`);
        break;
      case 'cut-client':
      case 'blackhole':
        this.inEffect.set(`net ${op.node}`, `${op.fault} ${op.node}`);
        break;
      case 'delay':
        this.inEffect.set(`net ${op.node}`, `delay ${op.node} ${op.ms} ms`);
        break;
      case 'drop-responses':
        this.inEffect.set(`net ${op.node}`, `drop-responses ${op.node} api ${op.apiKey} ×${op.count}`);
        break;
      case 'partition':
        this.inEffect.set('partition', `partition ${JSON.stringify(op.groups)}`);
        break;
      case 'heal-network':
        for (const k of [...this.inEffect.keys()])
          if (k.startsWith('net ') || k === 'partition') this.inEffect.delete(k);
        break;
      case 'heal-all':
        this.inEffect.clear();
        break;
      case 'clean-restart':
        break;
    }
  }

  /** Heals everything; every run ends with this. */
  healAll(): Promise<boolean> {
    return this.apply({ fault: 'heal-all' });
  }

  private run(op: FaultOp): Promise<void> {
    const c = this.control;
    switch (op.fault) {
      case 'kill':
        return c.kill(op.node);
      case 'restart':
        return c.restart(op.node);
      case 'clean-restart':
        return c.cleanRestart(op.node);
      case 'pause':
        return c.pause(op.node);
      case 'resume':
        return c.resume(op.node);
      case 'partition':
        return c.partition(op.groups);
      case 'cut-client':
        return c.cutClient(op.node);
      case 'heal-network':
        return c.healNetwork();
      case 'heal-all':
        return c.healAll();
      case 'delay':
        return proxyFault(c.delay?.bind(c), op.fault)(op.node, op.ms);
      case 'blackhole':
        return proxyFault(c.blackhole?.bind(c), op.fault)(op.node);
      case 'drop-responses':
        return proxyFault(c.dropResponses?.bind(c), op.fault)(op.node, op.apiKey, op.count);
    }
  }
}
