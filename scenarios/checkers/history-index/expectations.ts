import { loose } from './op-values.ts';

/**
 * Invocations that state an expected error code (`value.expect`, any op kind), in history order,
 * and their completions — what protocol-expectations.ts decides over.
 */
export interface ExpectationsIndex {
  /** Positions of the invocations. */
  invoke: readonly number[];
  /** Position of each one's completion; -1 when it never completed. */
  done: readonly number[];
}

/** Builds the ExpectationsIndex as the history is read in order. */
export class ExpectationsBuilder {
  private readonly invoke: number[] = [];
  private readonly done: number[] = [];

  /** An invocation at position `i` with `value`: its expectation number, or -1 when it states none. */
  invoked(i: number, value: unknown): number {
    if (loose(value)?.expect === undefined) return -1;
    this.invoke.push(i);
    this.done.push(-1);
    return this.invoke.length - 1;
  }

  /** Expectation `e` (-1: none, ignored) completed at position `i`. */
  completed(e: number, i: number): void {
    if (e >= 0) this.done[e] = i;
  }

  finish(): ExpectationsIndex {
    return { invoke: this.invoke, done: this.done };
  }
}
