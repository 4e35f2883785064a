import type { Clock } from './clock.ts';

/**
 * Timers addressed by a string key, as Kafka's coordinator timer is: scheduling a key that is
 * already pending replaces it, so "the" heartbeat deadline of a member or "the" join deadline
 * of a group can be pushed back without tracking handles at every call site.
 */
export class KeyedTimers {
  readonly #clock: Clock;
  readonly #handles = new Map<string, unknown>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `fn` after `delayMs` unless `key` is cancelled or rescheduled first. */
  schedule(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    const handle = this.#clock.setTimeout(() => {
      // A replaced timer may still fire on clocks that cannot cancel reliably; only the
      // current one for the key may run.
      if (this.#handles.get(key) !== handle) return;
      this.#handles.delete(key);
      fn();
    }, delayMs);
    this.#handles.set(key, handle);
  }

  /** Cancels the timer of `key`, if any. */
  cancel(key: string): void {
    const handle = this.#handles.get(key);
    if (handle === undefined) return;
    this.#handles.delete(key);
    this.#clock.clearTimeout(handle);
  }

  /** Whether `key` has a pending timer. */
  has(key: string): boolean {
    return this.#handles.has(key);
  }

  /** Number of pending timers. */
  get size(): number {
    return this.#handles.size;
  }

  /** Cancels every pending timer. */
  cancelAll(): void {
    for (const handle of this.#handles.values()) this.#clock.clearTimeout(handle);
    this.#handles.clear();
  }
}
