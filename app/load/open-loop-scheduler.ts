/**
 * Open-loop timing for load runs. With a target rate, send i is *intended* at
 * `start + i / rate`, whatever happened to earlier sends; a sender that falls behind sends the
 * overdue records at once and their latency is measured from the intended time. So a stall of
 * the broker shows up as the latency every record scheduled during the stall would have seen,
 * instead of as one slow sample (coordinated omission, as Gil Tene describes it; wrk2 and
 * HdrHistogram's recordValueWithExpectedInterval fix it the same way).
 */

/** The fixed timetable of one sender. */
export class OpenLoopSchedule {
  /** Milliseconds between intended sends. */
  readonly intervalMs: number;
  readonly startMs: number;
  private next = 0;

  /**
   * @param ratePerSecond sends per second of this sender (> 0)
   * @param startMs the intended time of send 0, on the clock later passed to {@link takeDue}
   */
  constructor(ratePerSecond: number, startMs: number) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
      throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.startMs = startMs;
  }

  /** When send `i` is meant to happen. */
  intendedTime(i: number): number {
    return this.startMs + i * this.intervalMs;
  }

  /** Index of the next send not yet taken. */
  get taken(): number {
    return this.next;
  }

  /** How many sends were due by `nowMs` (intended time ≤ now). */
  dueBy(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    return Math.floor((nowMs - this.startMs) / this.intervalMs + 1e-9) + 1;
  }

  /**
   * Takes the sends due by `nowMs` that were not taken yet, at most `limit` of them (a sender
   * with too much in flight leaves the rest due; they keep their intended times).
   */
  takeDue(nowMs: number, limit = Infinity): { from: number; to: number } {
    const from = this.next;
    const to = Math.max(from, Math.min(this.dueBy(nowMs), from + limit));
    this.next = to;
    return { from, to };
  }

  /** Milliseconds from `nowMs` until the next untaken send is due (0 if it is overdue). */
  msUntilNext(nowMs: number): number {
    return Math.max(0, this.intendedTime(this.next) - nowMs);
  }
}

/**
 * Splits a total rate over `senders` schedules with staggered starts, so N senders at R/N each
 * together send evenly at R rather than N at a time.
 */
export function staggeredSchedules(totalRatePerSecond: number, senders: number, startMs: number): OpenLoopSchedule[] {
  if (!Number.isInteger(senders) || senders < 1)
    throw new RangeError(`senders must be a positive integer, got ${senders}`);
  const step = 1000 / totalRatePerSecond;
  return Array.from(
    { length: senders },
    (_, k) => new OpenLoopSchedule(totalRatePerSecond / senders, startMs + k * step),
  );
}
