import type { Op } from '../../../harness/history/history.ts';

/**
 * The nemesis's ops (`process: "nemesis"`: invocations and completions of faults and heals), in
 * history order. Between two of them no fault came or went: these quiet windows are where a
 * timing or visibility observation can be trusted (long-poll.ts and under-min-isr.ts reason so).
 */
export interface NemesisIndex {
  /** Positions of the nemesis ops. */
  at: readonly number[];
  /** Their times (ms). */
  time: readonly number[];
}

/** Builds the NemesisIndex as the history is read in order. */
export class NemesisBuilder {
  private readonly at: number[] = [];
  private readonly time: number[] = [];

  /** A nemesis op at position `i`. */
  saw(i: number, op: Op): void {
    this.at.push(i);
    this.time.push(op.time);
  }

  finish(): NemesisIndex {
    return { at: this.at, time: this.time };
  }
}

/** How many nemesis ops lie strictly between positions `from` and `to` (0: a quiet window). O(log n). */
export function faultChangesBetween(nemesis: NemesisIndex, from: number, to: number): number {
  return Math.max(0, firstAtOrAfter(nemesis.at, to) - firstAtOrAfter(nemesis.at, from + 1));
}

/** The index of the first position ≥ `pos` in ascending `at` (at.length when none). */
function firstAtOrAfter(at: readonly number[], pos: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
