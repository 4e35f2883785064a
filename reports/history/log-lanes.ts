/**
 * Log lanes: for an anomaly that names offsets, the partition's log around them, offset by offset
 * — what producers were told was acknowledged there, what the final read holds there, what each
 * consumer read there — with each cell's state (lost, missing, two records at one offset, a copy,
 * an offset a consumer jumped over). Built from the stored history alone, in the one pass the
 * report already makes over it; only the partitions and offsets asked for are kept, so a 10^6-op
 * history costs no more memory than a small one.
 */
import type { Op } from '../../harness/history/history.ts';
import { contentKey, END_TXN, FINAL_READ, POLL, REPOSITION, SEND } from '../../harness/history/ops.ts';
import { partitionKey, type WitnessPosition } from './witness-positions.ts';

/** Offsets drawn each side of a witness offset. */
export const LANE_PAD = 3;
/** Most offsets one lane draws; witness offsets past it are counted, not drawn. */
export const MAX_LANE_OFFSETS = 120;
/** Most consumer rows one lane draws. */
export const MAX_CONSUMER_ROWS = 8;
/** Most records kept per cell (a cell rarely holds more than two). */
const MAX_PER_CELL = 8;

/** A record as a lane cell holds it: its content, and the op that acknowledged or read it. */
export interface LaneRecord {
  key: string | null;
  value: string | null;
  /** Index and time (ms) of the op: the send's ok, or the poll that returned it. */
  index: number;
  time: number;
  process: string | number;
  /** Transaction id of a transactional send. */
  txn?: string;
}

/** Cell states; a cell may have several (an offset acknowledged twice, one of the two lost). */
export type CellState =
  | 'acked'
  | 'lost'
  | 'aborted'
  | 'held'
  | 'missing'
  | 'hole'
  | 'conflict'
  | 'duplicate'
  | 'read'
  | 'skipped'
  | 'backwards';

/** One cell: a row's view of one offset. */
export interface LaneCell {
  states: CellState[];
  records: LaneRecord[];
}

/** A row: `acked` (the producers' acknowledgements), `final-read`, or one consumer. */
export interface LaneRow {
  id: string;
  label: string;
  /** One cell per offset of the lane, in order. */
  cells: LaneCell[];
}

/** One partition's lane for one anomaly. */
export interface PartitionLane {
  partition: string;
  /** The offsets drawn, ascending; a jump between two neighbours is an elided stretch. */
  offsets: number[];
  /** Per offset: the union of its cells' states, and whether a witness names it. */
  summary: { states: CellState[]; witness: boolean }[];
  rows: LaneRow[];
  /** Witness offsets past MAX_LANE_OFFSETS, not drawn. */
  omittedWitnessOffsets: number;
  /** Consumers that read here but got no row (past MAX_CONSUMER_ROWS). */
  omittedConsumers: number;
  /** False when the history has no final read: lost and missing cannot be told. */
  finalRead: boolean;
}

interface Cell {
  acks: (LaneRecord & { content: string })[];
  final: (LaneRecord & { content: string })[];
  reads: Map<string | number, (LaneRecord & { content: string })[]>;
  skippedBy: Set<string | number>;
  backwardsBy: Set<string | number>;
}

interface PartitionState {
  cells: Map<number, Cell>;
  /** Contents acknowledged or held in the window → offsets the final read holds them at. */
  finalWhere: Map<string, Set<number>>;
  /** Per consumer: the offset it last read here (cleared when it repositions). */
  lastRead: Map<string | number, number>;
  /** Consumers in order of their first read here. */
  consumers: (string | number)[];
}

interface PollRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/** The offsets to draw around `offsets` (sorted, deduplicated): each ± LANE_PAD, at most MAX_LANE_OFFSETS. */
export function laneWindow(offsets: readonly number[]): { offsets: number[]; omitted: number } {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const out: number[] = [];
  let omitted = 0;
  for (const o of sorted) {
    const from = Math.max(0, o - LANE_PAD);
    const want: number[] = [];
    for (let x = Math.max(from, (out.at(-1) ?? -1) + 1); x <= o + LANE_PAD; x++) want.push(x);
    if (out.length + want.length > MAX_LANE_OFFSETS) {
      if (!out.includes(o)) omitted++;
      continue;
    }
    out.push(...want);
  }
  return { offsets: out, omitted };
}

/** The offsets of `positions` per partition (`topic/partition`), in the order met. */
function offsetsByPartition(
  positions: readonly WitnessPosition[],
): Map<string, { topic: string; partition: number; offsets: number[] }> {
  const byPartition = new Map<string, { topic: string; partition: number; offsets: number[] }>();
  for (const p of positions) {
    const k = partitionKey(p.topic, p.partition);
    let e = byPartition.get(k);
    if (!e) byPartition.set(k, (e = { topic: p.topic, partition: p.partition, offsets: [] }));
    e.offsets.push(p.offset);
  }
  return byPartition;
}

/** Feed every op in history order (with its invocation); then ask {@link lanes} for an anomaly's positions. */
export class LaneCollector {
  private readonly topics = new Map<string, Map<number, PartitionState>>();
  private readonly txnOutcome = new Map<string, string>();
  private finalSeen = false;

  /** `positions`: every position any anomaly of the run names (the union is kept). */
  constructor(positions: readonly WitnessPosition[]) {
    const byPartition = offsetsByPartition(positions);
    for (const { topic, partition, offsets } of byPartition.values()) {
      let parts = this.topics.get(topic);
      if (!parts) this.topics.set(topic, (parts = new Map()));
      const cells = new Map<number, Cell>();
      // Windows of each anomaly are a subset of the window of all their offsets together… unless
      // the cap cut some: keep a window per offset so any anomaly's lane finds its cells.
      for (const o of offsets)
        for (let x = Math.max(0, o - LANE_PAD); x <= o + LANE_PAD; x++)
          if (!cells.has(x))
            cells.set(x, { acks: [], final: [], reads: new Map(), skippedBy: new Set(), backwardsBy: new Set() });
      parts.set(partition, { cells, finalWhere: new Map(), lastRead: new Map(), consumers: [] });
    }
  }

  private state(topic: unknown, partition: unknown): PartitionState | undefined {
    if (typeof topic !== 'string' || typeof partition !== 'number') return undefined;
    return this.topics.get(topic)?.get(partition);
  }

  add(op: Op, invoke?: Op): void {
    if (op.f === END_TXN && op.type === 'ok') {
      const v = (invoke?.value ?? op.value) as { id?: unknown; outcome?: unknown } | undefined;
      if (typeof v?.id === 'string' && typeof v.outcome === 'string') this.txnOutcome.set(v.id, v.outcome);
      return;
    }
    if (this.topics.size === 0) return;
    if ((REPOSITION as readonly string[]).includes(op.f) && (op.type === 'ok' || op.type === 'info')) {
      for (const parts of this.topics.values()) for (const s of parts.values()) s.lastRead.delete(op.process);
      return;
    }
    if (op.type !== 'ok') return;
    if (op.f === SEND) this.addAck(op);
    else if (op.f === POLL) this.addPoll(op);
  }

  private addAck(op: Op): void {
    const v = op.value as Partial<PollRecord> & { txn?: { id?: unknown } };
    const s = this.state(v?.topic, v?.partition);
    if (!s || typeof v.offset !== 'number') return;
    const cell = s.cells.get(v.offset);
    if (!cell) return;
    const content = contentKey(v);
    if (cell.acks.length < MAX_PER_CELL)
      cell.acks.push({
        content,
        key: v.key ?? null,
        value: v.value ?? null,
        index: op.index,
        time: op.time,
        process: op.process,
        ...(typeof v.txn?.id === 'string' ? { txn: v.txn.id } : {}),
      });
    if (!s.finalWhere.has(content)) s.finalWhere.set(content, new Set());
  }

  private addPoll(op: Op): void {
    const records = (op.value as { records?: PollRecord[] } | undefined)?.records;
    if (!Array.isArray(records)) return;
    const final = op.process === FINAL_READ;
    if (final) this.finalSeen = true;
    for (const r of records) {
      const s = this.state(r.topic, r.partition);
      if (!s) continue;
      const offset = Number(r.offset);
      const content = contentKey(r);
      const cell = s.cells.get(offset);
      const entry = () => ({
        content,
        key: r.key ?? null,
        value: r.value ?? null,
        index: op.index,
        time: op.time,
        process: op.process,
      });
      if (final) {
        if (cell && cell.final.length < MAX_PER_CELL) {
          cell.final.push(entry());
          if (!s.finalWhere.has(content)) s.finalWhere.set(content, new Set());
        }
        s.finalWhere.get(content)?.add(offset);
      } else {
        if (!s.consumers.includes(op.process)) s.consumers.push(op.process);
        if (cell) {
          let list = cell.reads.get(op.process);
          if (!list) cell.reads.set(op.process, (list = []));
          if (list.length < MAX_PER_CELL) list.push(entry());
        }
      }
      const last = s.lastRead.get(op.process);
      s.lastRead.set(op.process, offset);
      if (last === undefined) continue;
      if (offset <= last) s.cells.get(offset)?.backwardsBy.add(op.process);
      else
        for (let x = last + 1; x < offset; x++) {
          const c = s.cells.get(x);
          if (c) c.skippedBy.add(op.process);
          else if (x - last > 4 * LANE_PAD * MAX_LANE_OFFSETS) break;
        }
    }
  }

  /** The lanes of one anomaly: one per partition its positions name. */
  lanes(positions: readonly WitnessPosition[]): PartitionLane[] {
    const byPartition = offsetsByPartition(positions);
    const out: PartitionLane[] = [];
    for (const [name, { topic, partition, offsets }] of byPartition) {
      const s = this.state(topic, partition);
      if (!s) continue;
      const window = laneWindow(offsets);
      out.push(this.lane(name, s, window.offsets, new Set(offsets), window.omitted));
    }
    return out;
  }

  private lane(
    name: string,
    s: PartitionState,
    offsets: number[],
    witness: Set<number>,
    omitted: number,
  ): PartitionLane {
    const empty = (): Cell => ({ acks: [], final: [], reads: new Map(), skippedBy: new Set(), backwardsBy: new Set() });
    const cells = offsets.map((o) => s.cells.get(o) ?? empty());
    const aborted = (r: LaneRecord) => r.txn !== undefined && this.txnOutcome.get(r.txn) === 'abort';
    const finalRead = this.finalSeen;
    const readHere = new Set(cells.flatMap((c) => [...c.reads.keys(), ...c.skippedBy, ...c.backwardsBy]));
    const consumers = s.consumers.filter((p) => p !== FINAL_READ && readHere.has(p));
    const shown = consumers.slice(0, MAX_CONSUMER_ROWS);
    const strip = ({ content: _c, ...r }: LaneRecord & { content: string }): LaneRecord => r;

    const ackedRow: LaneCell[] = cells.map((c) => {
      const states: CellState[] = [];
      if (c.acks.length === 0) return { states, records: [] };
      const durable = c.acks.filter((a) => !aborted(a));
      states.push(durable.length ? 'acked' : 'aborted');
      if (new Set(c.acks.map((a) => a.content)).size > 1) states.push('conflict');
      if (finalRead && durable.some((a) => !s.finalWhere.get(a.content)?.size)) states.push('lost');
      return { states, records: c.acks.map(strip) };
    });
    const finalRow: LaneCell[] = cells.map((c, i) => {
      const states: CellState[] = [];
      if (!finalRead) return { states, records: [] };
      const durableAcks = c.acks.filter((a) => !aborted(a));
      if (c.final.length === 0) {
        states.push(durableAcks.length ? 'missing' : 'hole');
        return { states, records: [] };
      }
      states.push('held');
      const contents = new Set(c.final.map((f) => f.content));
      if (contents.size > 1 || durableAcks.some((a) => !contents.has(a.content))) states.push('conflict');
      if (c.final.some((f) => [...(s.finalWhere.get(f.content) ?? [])].some((o) => o !== offsets[i])))
        states.push('duplicate');
      return { states, records: c.final.map(strip) };
    });
    const consumerRows: LaneRow[] = shown.map((p) => ({
      id: `consumer:${p}`,
      label: `read by ${typeof p === 'number' ? `process ${p}` : p}`,
      cells: cells.map((c) => {
        const states: CellState[] = [];
        const reads = c.reads.get(p) ?? [];
        if (reads.length) {
          states.push('read');
          const held = new Set(c.final.map((f) => f.content));
          if (finalRead && c.final.length && reads.some((r) => !held.has(r.content))) states.push('conflict');
        }
        // Jumping over an offset nothing was written to (a commit marker, an aborted record) is no skip.
        if (c.skippedBy.has(p) && (c.final.length > 0 || c.acks.some((a) => !aborted(a)))) states.push('skipped');
        if (c.backwardsBy.has(p)) states.push('backwards');
        return { states, records: reads.map(strip) };
      }),
    }));
    const rows: LaneRow[] = [
      { id: 'acked', label: 'acknowledged', cells: ackedRow },
      { id: 'final-read', label: 'final read', cells: finalRow },
      ...consumerRows,
    ];
    const summary = offsets.map((o, i) => ({
      states: [...new Set(rows.flatMap((r) => r.cells[i]!.states))].filter((x) => x !== 'hole'),
      witness: witness.has(o),
    }));
    return {
      partition: name,
      offsets,
      summary,
      rows,
      omittedWitnessOffsets: omitted,
      omittedConsumers: consumers.length - shown.length,
      finalRead,
    };
  }
}

/** The lanes of each positions list over a whole history (the report reads it once, through a {@link LaneCollector}). */
export function logLanes(history: Iterable<Op>, anomalies: readonly (readonly WitnessPosition[])[]): PartitionLane[][] {
  const c = new LaneCollector(anomalies.flat());
  const pending = new Map<string, Op[]>();
  for (const op of history) {
    const key = `${op.process}\u0000${op.f}`;
    if (op.type === 'invoke') {
      let q = pending.get(key);
      if (!q) pending.set(key, (q = []));
      q.push(op);
      c.add(op);
    } else c.add(op, pending.get(key)?.shift());
  }
  return anomalies.map((p) => c.lanes(p));
}
