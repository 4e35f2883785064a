import type { Op } from '../../../harness/history/history.ts';

/**
 * Numbers every process of a history 0, 1, 2… in order of first appearance ("actors"; the
 * polls, repositions and final-read parts hold these numbers).
 */
export class ActorIds {
  /** The process behind each actor number. */
  readonly list: Op['process'][] = [];
  private readonly ids = new Map<Op['process'], number>();
  private readonly small: number[] = [];
  private lastProcess: Op['process'] | undefined = undefined;
  private lastActor = -1;

  /** The actor number of `process`, numbering it when new. */
  of(process: Op['process']): number {
    // Consecutive ops are often one process's (an invocation and its completion).
    if (process === this.lastProcess && this.lastActor >= 0) return this.lastActor;
    // Producers are mostly numbered 0, 1, 2…: an array finds them without hashing.
    const small = typeof process === 'number' && process >= 0 && process < 1024 && (process | 0) === process;
    let actor = small ? (this.small[process] ?? -1) : (this.ids.get(process) ?? -1);
    if (actor < 0) {
      actor = this.list.length;
      this.ids.set(process, actor);
      if (small) this.small[process] = actor;
      this.list.push(process);
    }
    this.lastProcess = process;
    this.lastActor = actor;
    return actor;
  }

  /** The actor number of `process`, or -1 when it never appeared. */
  get(process: Op['process']): number {
    return this.ids.get(process) ?? -1;
  }
}
