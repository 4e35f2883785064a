import { REPOSITION } from '../../../harness/history/ops.ts';

const repositionFs: ReadonlySet<string> = new Set<string>(REPOSITION);

/**
 * Where consumers moved their position on purpose: the ok or info completions of seek, assign
 * and subscribe ops (REPOSITION), in history order. After one, a consumer's next poll of a
 * partition need not follow on from its last (poll-order.ts).
 */
export interface RepositionsIndex {
  /** Positions of the completions. */
  at: readonly number[];
  /** The actor of each. */
  actor: readonly number[];
}

/** Builds the RepositionsIndex as the history is read in order. */
export class RepositionsBuilder {
  private readonly at: number[] = [];
  private readonly actor: number[] = [];

  /** True for the op kinds this part records. */
  static handles(f: string): boolean {
    return repositionFs.has(f);
  }

  /** A completion of a REPOSITION op by `actor` at position `i`; a fail moved nothing and is left out. */
  completed(i: number, actor: number, type: string): void {
    if (type === 'fail') return;
    this.at.push(i);
    this.actor.push(actor);
  }

  finish(): RepositionsIndex {
    return { at: this.at, actor: this.actor };
  }
}
