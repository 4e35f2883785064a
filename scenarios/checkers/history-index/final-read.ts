import type { Op } from '../../../harness/history/history.ts';
import type { RecordRef } from '../../../harness/history/ops.ts';
import { loose } from './op-values.ts';

/**
 * The reads after the run (DESIGN.md's final read: assign every partition, read from the
 * beginning to the end) and the replay that reads it all again.
 */
export interface FinalReadIndex {
  /** The final read's record rows (RecordRows) in read order, or null when the history has no final read. */
  rows: readonly number[] | null;
  /**
   * Per partition id: the position of the final read's first op (invocation or completion) that
   * names the partition's topic — the final read took that topic's end offsets before it — or,
   * when the final read never names the topic, of the final read's first op; -1 without a final read.
   */
  from: readonly number[];
  /** The replay's polls (poll rows), or null without a replay. */
  replay: readonly number[] | null;
  /** The actor numbers of the final read and the replay, or -1 when they never appear. */
  actor: number;
  replayActor: number;
}

/** Builds the FinalReadIndex as the history is read in order. */
export class FinalReadBuilder {
  private rows: number[] | null = null;
  private replay: number[] | null = null;
  /** The final read's first op per topic, and its first op at all (see FinalReadIndex.from). */
  private readonly topicFrom = new Map<string, number>();
  private begin = -1;

  private names(topic: unknown, i: number): void {
    if (typeof topic === 'string' && !this.topicFrom.has(topic)) this.topicFrom.set(topic, i);
  }

  /** Any poll op (invocation or completion) of the final read, at position `i`. */
  saw(i: number, op: Op): void {
    if (this.begin < 0) this.begin = i;
    if (op.type === 'invoke') this.names(loose(op.value)?.topic, i);
  }

  /** An ok poll of the final read at position `i`, whose records are rows start… of RecordRows. */
  read(i: number, op: Op, start: number): void {
    const records = (op.value as { records: RecordRef[] }).records;
    const rows = (this.rows ??= []);
    for (let row = start; row < start + records.length; row++) rows.push(row);
    let named: string | undefined;
    for (const r of records) if (r.topic !== named) this.names((named = r.topic), i);
  }

  /** An ok poll of the replay: poll row `p`. */
  replayed(p: number): void {
    (this.replay ??= []).push(p);
  }

  /** `partitions`: the pair behind each partition id; `actor`, `replayActor`: the readers' actor numbers (-1: none). */
  finish(partitions: readonly { topic: string }[], actor: number, replayActor: number): FinalReadIndex {
    return {
      rows: this.rows,
      from: partitions.map(({ topic }) => this.topicFrom.get(topic) ?? this.begin),
      replay: this.replay,
      actor,
      replayActor,
    };
  }
}
