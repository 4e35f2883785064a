import { POLL, SEND } from '../../../harness/history/ops.ts';

/**
 * Invocations waiting for their completion, first in, first out. An entry is a number the part
 * that owns the op chose (for sends the send row, which knows the position; for other ops the
 * invocation's position) and the number of the expectation it states (-1: none). The arrays are
 * reused from the front whenever the queue runs empty and never shrunk (setting an array's length
 * to 0 would drop its storage, and the next entry would allocate it again), so pairing allocates
 * nothing per op.
 */
export class Waiting {
  private readonly items: number[] = [];
  private readonly expects: number[] = [];
  private head = 0;
  private tail = 0;
  /** The expectation number of the entry `take` returned last. */
  expectation = -1;

  add(x: number, expectation: number): void {
    if (this.tail === this.items.length) {
      this.items.push(x);
      this.expects.push(expectation);
    } else {
      this.items[this.tail] = x;
      this.expects[this.tail] = expectation;
    }
    this.tail++;
  }

  /** The oldest entry, taken out; -1 when none waits. */
  take(): number {
    if (this.head === this.tail) return -1;
    this.expectation = this.expects[this.head]!;
    const x = this.items[this.head++]!;
    if (this.head === this.tail) this.head = this.tail = 0;
    else if (this.head > 1024 && 2 * this.head > this.tail) {
      // A queue that never runs empty: move what waits to the front so it does not grow with the history.
      this.items.copyWithin(0, this.head, this.tail);
      this.expects.copyWithin(0, this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return x;
  }
}

/**
 * Pairs completions with invocations first in, first out per actor and `f`: a process may have
 * several ops of one kind in flight (a batch of sends), and they complete in the order they were
 * made. So a process's sends, taken in invocation order, are also in completion order.
 */
export class Pairing {
  /** Per actor, per op-kind number: its queue. */
  private readonly queues: (Waiting | undefined)[][] = [];
  private readonly kinds = new Map<string, number>();
  /** The expectation number of the invocation `take` returned last (-1: none, or nothing waited). */
  expectation = -1;

  /** Sends and polls are most ops: their queues are 0 and 1, the others numbered as they come. */
  private kind(f: string): number {
    if (f === SEND) return 0;
    if (f === POLL) return 1;
    let k = this.kinds.get(f);
    if (k === undefined) this.kinds.set(f, (k = this.kinds.size + 2));
    return k;
  }

  /** An invocation by `actor` of `f`, waiting as `x`, stating expectation number `expectation` (-1: none). */
  add(actor: number, f: string, x: number, expectation: number): void {
    // One push per new actor keeps the array packed (actors are numbered 0, 1, 2…).
    while (this.queues.length <= actor) this.queues.push([]);
    const queues = this.queues[actor]!;
    const k = this.kind(f);
    (queues[k] ??= new Waiting()).add(x, expectation);
  }

  /** The oldest invocation by `actor` of `f` still waiting, taken out; -1 when none waits. */
  take(actor: number, f: string): number {
    const queue = this.queues[actor]?.[this.kind(f)];
    const x = queue ? queue.take() : -1;
    this.expectation = x >= 0 ? queue!.expectation : -1;
    return x;
  }
}
