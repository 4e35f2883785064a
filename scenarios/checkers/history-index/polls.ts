import type { Op } from '../../../harness/history/history.ts';
import type { RecordRef } from '../../../harness/history/ops.ts';
import type { RecordContents } from './content-ids.ts';
import { loose } from './op-values.ts';
import type { PartitionIds } from './partition-ids.ts';

/** Isolation levels in PollsIndex.isolation. UNSAID: the poll does not say. */
export const UNSAID = 0;
export const READ_COMMITTED = 1;
export const READ_UNCOMMITTED = 2;

/** Ok polls, one row each in completion order, as columns. */
export interface PollsIndex {
  count: number;
  /** Position of the completion; its time (ms); its actor. */
  at: readonly number[];
  time: readonly number[];
  actor: readonly number[];
  /** The poll's records are rows start … start + size - 1 of RecordRows. */
  start: readonly number[];
  size: readonly number[];
  /** From the completion's or the invocation's value: UNSAID, READ_COMMITTED or READ_UNCOMMITTED. */
  isolation: readonly number[];
}

/** Every polled record, one row each, poll after poll (so a poll's rows are consecutive), as columns. */
export interface RecordRows {
  count: number;
  /** Content id (equal ids: equal key and value). */
  content: readonly number[];
  /** Partition id. */
  part: readonly number[];
  offset: readonly number[];
}

function isolationOf(v: unknown): number {
  const i = loose(v)?.isolation;
  return i === 'read_committed' ? READ_COMMITTED : i === 'read_uncommitted' ? READ_UNCOMMITTED : UNSAID;
}

/** Builds the PollsIndex and the RecordRows as the history is read in order; allocates no object per poll or record. */
export class PollsBuilder {
  private readonly at: number[] = [];
  private readonly time: number[] = [];
  private readonly actor: number[] = [];
  private readonly start: number[] = [];
  private readonly size: number[] = [];
  private readonly isolation: number[] = [];
  private readonly content: number[] = [];
  private readonly part: number[] = [];
  private readonly offset: number[] = [];
  private readonly partitions: PartitionIds;
  private readonly contents: RecordContents;

  constructor(partitions: PartitionIds, contents: RecordContents) {
    this.partitions = partitions;
    this.contents = contents;
  }

  /** Record rows so far. */
  get rows(): number {
    return this.part.length;
  }

  /**
   * An ok poll `op` by `actor` at position `i`, whose invocation had `invokeValue`: its poll row.
   * `budget`: rows of other parts indexed so far (RecordContents).
   */
  completed(i: number, op: Op, actor: number, invokeValue: unknown, budget: number): number {
    const records = (op.value as { records: RecordRef[] }).records;
    const start = this.part.length;
    const p = this.at.length;
    this.at.push(i);
    this.time.push(op.time);
    this.actor.push(actor);
    this.start.push(start);
    this.size.push(records.length);
    const isolation = isolationOf(op.value);
    this.isolation.push(isolation !== UNSAID ? isolation : isolationOf(invokeValue));
    budget += start;
    const { part, offset, content, partitions, contents } = this;
    for (let j = 0; j < records.length; j++) {
      const r = records[j]!;
      const id = partitions.id(r.topic, r.partition);
      part.push(id);
      offset.push(r.offset);
      content.push(contents.of(id, r.offset, r.key, r.value, budget));
    }
    return p;
  }

  finish(): { polls: PollsIndex; records: RecordRows } {
    return {
      polls: {
        count: this.at.length,
        at: this.at,
        time: this.time,
        actor: this.actor,
        start: this.start,
        size: this.size,
        isolation: this.isolation,
      },
      records: { count: this.part.length, content: this.content, part: this.part, offset: this.offset },
    };
  }
}

/** The ok poll a record row belongs to (binary search over `start`; for witnesses). */
export function pollOfRow(polls: PollsIndex, row: number): number {
  let lo = 0;
  let hi = polls.count;
  // The last poll starting at or before `row` (an empty poll shares its start with the next one).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (polls.start[mid]! <= row) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
