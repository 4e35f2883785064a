/** Per-second counters of a load run (sent, acked, bytes, errors, consumed), for plots and progress lines. */

/** One second of a run. */
export interface SecondSample {
  /** Seconds since the run started producing (0 = the first second). */
  readonly second: number;
  readonly sent: number;
  readonly acked: number;
  readonly ackedBytes: number;
  readonly errors: number;
  readonly consumed: number;
  /** Produce-ack p99 of the records acknowledged in this second, ms. */
  readonly p99Ms: number;
}

type Counter = 'sent' | 'acked' | 'ackedBytes' | 'errors' | 'consumed';

/** Buckets events by the second (since `startMs`) in which they happened. */
export class ThroughputSeries {
  private readonly startMs: number;
  private readonly buckets: {
    sent: number;
    acked: number;
    ackedBytes: number;
    errors: number;
    consumed: number;
    p99Ms: number;
  }[] = [];

  constructor(startMs: number) {
    this.startMs = startMs;
  }

  private bucket(nowMs: number) {
    const i = Math.max(0, Math.floor((nowMs - this.startMs) / 1000));
    while (this.buckets.length <= i)
      this.buckets.push({ sent: 0, acked: 0, ackedBytes: 0, errors: 0, consumed: 0, p99Ms: 0 });
    return this.buckets[i]!;
  }

  add(counter: Counter, n: number, nowMs: number): void {
    this.bucket(nowMs)[counter] += n;
  }

  /** Sets the produce-ack p99 of second `second` (the caller keeps a histogram per second). */
  setP99(second: number, p99Ms: number): void {
    this.bucket(this.startMs + second * 1000).p99Ms = p99Ms;
  }

  /** The sample of one second (zeros if nothing happened in it). */
  sample(second: number): SecondSample {
    return this.samples()[second] ?? { second, sent: 0, acked: 0, ackedBytes: 0, errors: 0, consumed: 0, p99Ms: 0 };
  }

  /** The samples of every second so far. */
  samples(): SecondSample[] {
    return this.buckets.map((b, second) => ({ second, ...b, p99Ms: Math.round(b.p99Ms * 1000) / 1000 }));
  }
}
