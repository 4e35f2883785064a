import type { Op } from '../../harness/history/history.ts';

/**
 * Pairs each completion with its invocation, first in first out per process and `f` — the
 * convention of the history checkers (scenarios/checkers/history-index/pairing.ts): a process may have
 * several ops of one kind in flight (a batch of sends) and they complete in the order made.
 */
export class OpPairing {
  private readonly inFlight = new Map<string, Op[]>();

  /** Feed ops in history order; for a completion, returns its invocation (undefined when none was recorded). */
  add(op: Op): Op | undefined {
    const key = `${typeof op.process}:${op.process}\u0000${op.f}`;
    let queue = this.inFlight.get(key);
    if (op.type === 'invoke') {
      if (!queue) this.inFlight.set(key, (queue = []));
      queue.push(op);
      return undefined;
    }
    return queue?.shift();
  }
}
