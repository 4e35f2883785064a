/**
 * Producers for the failover scenarios: a kafkajs producer sending one batch at a time to a
 * chosen partition, recording every record as a send in the history (invoke, then ok with its
 * offset, or info when the outcome is unknown). After a send that did not succeed the producer is
 * replaced by a fresh one: an idempotent kafkajs producer keeps its sequence numbers after a
 * batch it gave up on, and reusing them could pin the broker's answer for the lost batch on the
 * next one — a client artefact the checkers would blame on the broker.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { SEND } from '../harness/history/ops.ts';

/** Kafka's acks setting: 0, 1, or -1 (all in-sync replicas). */
export type Acks = 0 | 1 | -1;

/** How one recorded producer sends. */
export interface RecordedProducerOptions {
  kafka: Kafka;
  history: HistoryRecorder;
  /** The history's name for this producer. */
  process: string;
  acks: Acks;
  /** enable.idempotence (needs acks=-1). */
  idempotent: boolean;
  /** Stamped into every value, so values are unique across runs on a shared target. */
  runId: string;
}

/** Counts of one producer's sends. */
export interface SendCounts {
  sent: number;
  acked: number;
  unknown: number;
}

/** A kafkajs producer whose every record is a send op in the history. */
export class RecordedProducer {
  private readonly o: RecordedProducerOptions;
  private producer: Producer | undefined;
  private seq = 0;
  readonly counts: SendCounts = { sent: 0, acked: 0, unknown: 0 };

  constructor(o: RecordedProducerOptions) {
    this.o = o;
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const p = this.o.kafka.producer({
      idempotent: this.o.idempotent,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await p.connect();
    this.producer = p;
    return p;
  }

  private async discard(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => {});
  }

  /**
   * Sends `size` fresh records to `topic`/`partition` in one batch. acks=0 sends end `ok` with
   * offset -1 (the client was told nothing more: Kafka's RecordMetadata gives -1 there too);
   * a send that failed or timed out ends `info` (it may or may not have been written).
   * Resolves true when the batch was acknowledged.
   */
  async send(topic: string, partition: number, size: number): Promise<boolean> {
    const { history, process, acks, runId } = this.o;
    const key = `${process}`;
    const values = Array.from({ length: size }, () => JSON.stringify({ run: runId, p: process, seq: this.seq++ }));
    const ops = values.map((value) => history.invoke(process, SEND, { topic, partition, key, value, acks }));
    this.counts.sent += size;
    try {
      const producer = await this.connected();
      const meta = await producer.send({ topic, acks, messages: values.map((value) => ({ key, value, partition })) });
      const base = acks === 0 ? -1 : Number(meta[0]?.baseOffset ?? -1);
      if (acks !== 0 && !(base >= 0)) throw new Error(`acknowledged without an offset: ${JSON.stringify(meta)}`);
      values.forEach((value, j) =>
        ops[j]!.ok({ topic, partition, offset: acks === 0 ? -1 : base + j, key, value, acks }),
      );
      this.counts.acked += size;
      return true;
    } catch (err) {
      for (const op of ops) op.info((err as Error).message);
      this.counts.unknown += size;
      await this.discard();
      return false;
    }
  }

  async stop(): Promise<void> {
    await this.discard();
  }
}
