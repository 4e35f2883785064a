/**
 * Fault windows from a history's nemesis ops (`process: "nemesis"`, `f: "nemesis"`, value a
 * FaultOp of harness/nemesis/nemesis.ts): when each fault was in effect, to shade plots as Jepsen
 * does. A window opens at the invocation of a fault that took effect and closes when the
 * matching heal completed: kill → restart, pause → resume, cut-client/partition → heal-network,
 * anything → heal-all. A clean restart is its own window (invocation to completion).
 */
import type { Op } from '../../harness/history/history.ts';

/** One fault in effect over [start, end] (milliseconds since the run started). */
export interface FaultWindow {
  start: number;
  end: number;
  /** The fault, e.g. `kill`, `pause`, `partition`, `cut-client`, `clean-restart`. */
  fault: string;
  /** For people, e.g. `kill node 1`. */
  label: string;
  /** True when no heal was recorded: the window runs to the end of the history. */
  unhealed?: boolean;
}

const NEMESIS = 'nemesis';
interface FaultValue {
  fault?: unknown;
  node?: unknown;
  groups?: unknown;
  ms?: unknown;
}

/** Feed it every op in history order; `windows()` gives the fault windows at the end. */
export class FaultWindowTracker {
  private readonly open = new Map<string, { start: number; fault: string; label: string }>();
  private readonly done: FaultWindow[] = [];
  private pending: Op | undefined;
  private lastTime = 0;

  add(op: Op): void {
    if (op.time > this.lastTime) this.lastTime = op.time;
    if (op.f !== NEMESIS) return;
    if (op.type === 'invoke') {
      this.pending = op;
      return;
    }
    const invoke = this.pending;
    this.pending = undefined;
    const v = (op.value ?? invoke?.value ?? {}) as FaultValue;
    const fault = typeof v.fault === 'string' ? v.fault : undefined;
    if (!fault) return;
    const start = invoke?.time ?? op.time;
    // A failed fault did nothing; an info one may have: shade it. A failed heal leaves the fault in effect.
    const tookEffect = op.type !== 'fail';
    const node = typeof v.node === 'number' ? v.node : undefined;
    switch (fault) {
      case 'kill':
      case 'pause':
        if (tookEffect) this.openWindow(`node ${node}`, start, fault, `${fault} node ${node}`);
        break;
      case 'cut-client':
        if (tookEffect) this.openWindow(`net ${node}`, start, fault, `cut clients off node ${node}`);
        break;
      case 'delay':
      case 'blackhole':
      case 'drop-responses':
        // the proxy's faults on one node's client traffic: healed by heal-network like a client cut
        if (tookEffect)
          this.openWindow(
            `net ${node}`,
            start,
            fault,
            `${fault} node ${node}${fault === 'delay' ? ` ${String(v.ms)} ms` : ''}`,
          );
        break;
      case 'partition':
        if (tookEffect) this.openWindow('partition', start, fault, `partition ${JSON.stringify(v.groups)}`);
        break;
      case 'restart':
      case 'resume':
        if (tookEffect) this.close((k) => k === `node ${node}`, op.time);
        break;
      case 'heal-network':
        if (tookEffect) this.close((k) => k.startsWith('net ') || k === 'partition', op.time);
        break;
      case 'heal-all':
        if (tookEffect) this.close(() => true, op.time);
        break;
      case 'clean-restart':
        if (tookEffect) this.done.push({ start, end: op.time, fault, label: `clean restart node ${node}` });
        break;
      default:
        // a fault this version does not know: shade it until heal-all rather than drop it
        if (tookEffect) this.openWindow(`other ${fault}`, start, fault, fault);
    }
  }

  private openWindow(key: string, start: number, fault: string, label: string): void {
    if (!this.open.has(key)) this.open.set(key, { start, fault, label });
  }

  private close(match: (key: string) => boolean, end: number): void {
    for (const [k, w] of [...this.open]) {
      if (!match(k)) continue;
      this.done.push({ ...w, end });
      this.open.delete(k);
    }
  }

  /** Every window, sorted by start; faults never healed end at the last op's time. */
  windows(): FaultWindow[] {
    const unhealed = [...this.open.values()].map((w) => ({ ...w, end: this.lastTime, unhealed: true }));
    return [...this.done, ...unhealed].sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

/** The fault windows of a whole history (see {@link FaultWindowTracker}). */
export function faultWindows(history: Iterable<Op>): FaultWindow[] {
  const t = new FaultWindowTracker();
  for (const op of history) t.add(op);
  return t.windows();
}
