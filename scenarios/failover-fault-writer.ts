/**
 * The client a replication fault brings along (Jepsen's nemesis and its own client): it writes
 * acks=all batches to one partition while the fault holds, so what the leader acknowledges at
 * exactly that moment is in the history, whatever the scenario's producers happen to be doing.
 * Raw Produce, not idempotent, never retried: every value is written at most once, so a value
 * read twice is still a duplicate. Each record is a send op of process `fault-writer`.
 */
import type { HistoryRecorder } from '../harness/history/history.ts';
import { SEND } from '../harness/history/ops.ts';
import type { LeaderRouter } from './leader-router.ts';
import { produceRaw } from './raw-reads.ts';

/** The history's process of the fault writer. */
export const FAULT_WRITER = 'fault-writer';

/** NOT_ENOUGH_REPLICAS: refused before the append, so nothing was written. */
const NOT_ENOUGH_REPLICAS = 19;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes to one partition in the background until stopped. */
export class FaultWriter {
  private readonly history: HistoryRecorder;
  private readonly router: LeaderRouter;
  private readonly topic: string;
  private readonly partition: number;
  private readonly runId: string;
  private seq = 0;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  /** Records acknowledged so far. */
  acked = 0;

  constructor(history: HistoryRecorder, router: LeaderRouter, topic: string, partition: number, runId: string) {
    this.history = history;
    this.router = router;
    this.topic = topic;
    this.partition = partition;
    this.runId = runId;
  }

  /**
   * Writes a batch of 2 records every `everyMs` to `address` (a fixed node: the leader when the
   * fault struck) or, without one, to whoever leads now. Requests are not awaited one by one: a
   * leader waiting for followers that cannot answer holds them all, as it would hold a client's.
   * To a fixed node each request has a connection of its own: a broker handles one request of a
   * connection at a time, so one held acks=all Produce would hold back every later one unappended.
   */
  start(everyMs: number, address?: string, requestTimeoutMs = 20_000): void {
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        const p = this.writeOne(address, requestTimeoutMs);
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
        await sleep(everyMs);
      }
    })();
  }

  /** Stops writing; resolves once every request has its answer (or lost it). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  private async writeOne(address: string | undefined, requestTimeoutMs: number): Promise<void> {
    const { topic, partition } = this;
    const values = [0, 1].map(() => JSON.stringify({ run: this.runId, p: FAULT_WRITER, seq: this.seq++ }));
    const key = FAULT_WRITER;
    const ops = values.map((value) =>
      this.history.invoke(FAULT_WRITER, SEND, { topic, partition, key, value, acks: -1 }),
    );
    try {
      const raw = address
        ? await this.router.connection(`${FAULT_WRITER}-${this.seq}`, address)
        : await this.router.connection(FAULT_WRITER, await this.router.leaderOf(topic, partition));
      const res = await Promise.race([
        produceRaw(
          raw,
          topic,
          partition,
          values.map((value) => ({ key, value })),
          -1,
        ),
        sleep(requestTimeoutMs).then(() => {
          throw new Error(`no answer within ${requestTimeoutMs} ms`);
        }),
      ]);
      if (res.errorCode === 0) {
        values.forEach((value, j) =>
          ops[j]!.ok({ topic, partition, offset: res.baseOffset + j, key, value, acks: -1 }),
        );
        this.acked += values.length;
      } else if (res.errorCode === NOT_ENOUGH_REPLICAS) {
        for (const op of ops)
          op.fail(`Produce answered error ${res.errorCode}`, { topic, partition, errorCode: res.errorCode });
      } else {
        // Timed out waiting for replicas, not the leader any more, …: maybe appended, maybe not.
        for (const op of ops)
          op.info(`Produce answered error ${res.errorCode}`, { topic, partition, errorCode: res.errorCode });
        if (!address) this.router.forget(topic, [partition]);
      }
    } catch (err) {
      for (const op of ops) op.info((err as Error).message);
      if (!address) this.router.forget(topic, [partition]);
    }
  }
}
