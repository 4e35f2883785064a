import type { Consumer, Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { POLL, type RecordRef } from '../harness/history/ops.ts';
import { retrying } from './topic-setup.ts';

/** Settings of a RecordedConsumer. */
export interface RecordedConsumerOptions {
  kafka: Kafka;
  history: HistoryRecorder;
  /** The history's name for this consumer. */
  process: string;
  topic: string;
  groupId: string;
  /** auto.offset.reset: earliest (true) or latest (false), for partitions without a committed offset. */
  fromBeginning: boolean;
  /**
   * Start the member again when kafkajs gives up on it (a crash it does not restart itself, such
   * as a KafkaJSNonRetriableError around a refused connection while the node is down), as an
   * application's supervisor would. For runs under faults; without it such a crash is final.
   */
  restartAfterCrash?: boolean;
}

/** Polls until `condition` holds; rejects with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(what());
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A kafkajs group member whose every delivered batch is recorded as a poll, and every group
 * join as an `assign` op: after a rebalance a member legitimately starts again from the committed
 * offsets, and the poll-order checker must see that it moved on purpose.
 */
export class RecordedConsumer {
  readonly consumer: Consumer;
  /** Every record delivered, in delivery order. */
  readonly read: RecordRef[] = [];
  /** The partitions of the latest assignment. */
  assignment: number[] = [];
  /** Set once a batch has been fetched: the member's starting positions are resolved. */
  fetched = false;
  private crashed: Error | undefined;
  /** Times the member was started again after a crash kafkajs gave up on. */
  restarts = 0;
  private stopping = false;
  private readonly o: RecordedConsumerOptions;

  constructor(o: RecordedConsumerOptions) {
    this.o = o;
    // Short heartbeats so a rebalance (a member joining or leaving) settles in well under a second.
    this.consumer = o.kafka.consumer({
      groupId: o.groupId,
      maxWaitTimeInMs: 200,
      heartbeatInterval: 300,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      allowAutoTopicCreation: false,
    });
  }

  /** Connects, subscribes and runs; resolves once the member has joined its group. */
  async start(): Promise<void> {
    const { history, process, topic, fromBeginning } = this.o;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      history
        .invoke(process, 'assign', { topic, partitions: this.assignment })
        .ok({ topic, partitions: this.assignment });
    });
    this.consumer.on(this.consumer.events.FETCH, () => {
      this.fetched = true;
    });
    // kafkajs restarts a consumer after a retriable crash (a node went away); only a final one counts.
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      if (e.payload.restart || this.stopping) return;
      if (!this.o.restartAfterCrash) {
        this.crashed = e.payload.error;
        return;
      }
      // kafkajs has disconnected the member; it rejoins and resumes from the committed offsets,
      // which its next `assign` op tells the poll-order checker.
      this.restarts++;
      this.run().catch((err: unknown) => {
        this.crashed = err as Error;
      });
    });
    const sub = history.invoke(process, 'subscribe', { topic, fromBeginning });
    await this.run();
    sub.ok({ topic, fromBeginning });
  }

  /** Connects (retrying while the node is down), subscribes and runs. */
  private async run(): Promise<void> {
    const { history, process, topic, fromBeginning } = this.o;
    // A node may be down or restarting (faults run from the start): kafkajs gives up after a few seconds.
    await retrying(`${process}: connecting`, () => this.consumer.connect());
    await retrying(`${process}: subscribing`, () => this.consumer.subscribe({ topic, fromBeginning }));
    await this.consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, isRunning, isStale }) => {
        // A batch fetched before a rebalance is not processed (kafkajs drops it too).
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records: RecordRef[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(m.offset),
          key: m.key === null ? null : m.key.toString('utf8'),
          value: m.value === null ? null : m.value.toString('utf8'),
        }));
        history
          .invoke(process, POLL, { topic: batch.topic, partition: batch.partition, offset: records[0]!.offset })
          .ok({ records });
        this.read.push(...records);
      },
    });
  }

  /** What made kafkajs give up on this member for good, if it did. */
  get crash(): string | undefined {
    return this.crashed?.message;
  }

  /** Throws what made kafkajs give up, if it did. */
  check(): void {
    if (this.crashed) throw new Error(`${this.o.process}: the consumer crashed: ${this.crashed.message}`);
  }

  /** The next offset this member would read of `partition` (0 before it read any). */
  position(partition: number): number {
    for (let i = this.read.length - 1; i >= 0; i--)
      if (this.read[i]!.partition === partition) return this.read[i]!.offset + 1;
    return 0;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }
}

/** What readWithGroup reads. */
export interface GroupReadOptions extends RecordedConsumerOptions {
  /** Stops reading once this holds (checked between batches). */
  done: (read: readonly RecordRef[]) => boolean;
  /** Runs once the member has joined, before reading on (e.g. a seek). */
  afterJoin?: (c: RecordedConsumer) => Promise<void> | void;
  timeoutMs?: number;
}

/** One group member reads until `done`; returns what it was given, in order. */
export async function readWithGroup(o: GroupReadOptions): Promise<RecordRef[]> {
  const c = new RecordedConsumer(o);
  try {
    await c.start();
    await o.afterJoin?.(c);
    await waitFor(
      () => {
        c.check();
        return o.done(c.read);
      },
      o.timeoutMs ?? 30_000,
      () =>
        `${o.process}: still reading ${o.topic} after ${o.timeoutMs ?? 30_000} ms (${c.read.length} records so far)`,
    );
  } finally {
    await c.stop();
  }
  return c.read;
}
