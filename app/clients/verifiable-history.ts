/**
 * The adapter between Kafka's `VerifiableProducer` / `VerifiableConsumer` (kafka-tools) and
 * kconform's history (harness/history/history.ts): the tools print one JSON event per line —
 * `producer_send_success`, `producer_send_error`, `partitions_assigned`, `record_data`,
 * `records_consumed`, `offsets_committed`, ... — and this turns them into Jepsen-style ops the
 * checkers (scenarios/checkers/) read, so a Java client's run is judged like any other.
 *
 * Mapping:
 * - `producer_send_success` → `send` invoke + ok `{topic, partition, offset, key, value}`
 * - `producer_send_error` → `send` invoke + info (a failed send may still have been written)
 * - `partitions_assigned` → `assign` ok `{topic, partitions}` (a reposition: polls may restart)
 * - `partitions_revoked` → `revoke` ok `{topic, partitions}`
 * - consecutive `record_data` (up to the next `records_consumed`) → one `poll` ok `{records}`
 * - `offsets_committed` → `commit` ok or fail `{offsets}`
 */
import type { Op } from '../../harness/history/history.ts';
import type { RecordRef } from '../../harness/history/ops.ts';

/** One event line of a verifiable tool. */
export interface VerifiableEvent {
  name: string;
  timestamp: number;
  [field: string]: unknown;
}

/** Splits tool output into events; lines that are not JSON events (stray log lines) are returned apart. */
export function parseVerifiableOutput(text: string): { events: VerifiableEvent[]; other: string[] } {
  const events: VerifiableEvent[] = [];
  const other: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      other.push(t);
      continue;
    }
    const e = parsed as Partial<VerifiableEvent>;
    if (typeof e === 'object' && e !== null && typeof e.name === 'string' && typeof e.timestamp === 'number')
      events.push(e as VerifiableEvent);
    else other.push(t);
  }
  return { events, other };
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The record a send-success or record-data event names. */
const recordOf = (e: VerifiableEvent): RecordRef => ({
  topic: String(e.topic),
  partition: Number(e.partition),
  offset: Number(e.offset),
  key: str(e.key),
  value: str(e.value),
});

interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * The history ops of a verifiable tool's events, as `process`. Times are milliseconds since `t0`
 * (default: the first event's timestamp); indexes start at `firstIndex` (default 0), so the ops
 * of several tools can be laid into one history.
 */
export function verifiableEventsToOps(
  events: readonly VerifiableEvent[],
  opts: { process: string; t0?: number; firstIndex?: number },
): Op[] {
  const ops: Op[] = [];
  const t0 = opts.t0 ?? events[0]?.timestamp ?? 0;
  let index = opts.firstIndex ?? 0;
  const add = (e: VerifiableEvent, type: Op['type'], f: string, value: unknown, error?: string) => {
    const op: Op = { index: index++, time: e.timestamp - t0, process: opts.process, type, f, value };
    if (error !== undefined) op.error = error;
    ops.push(op);
  };
  let pending: { first: VerifiableEvent; records: RecordRef[] } | undefined;
  const flushPoll = () => {
    if (!pending) return;
    const topics = [...new Set(pending.records.map((r) => r.topic))];
    add(pending.first, 'invoke', 'poll', { topic: topics.length === 1 ? topics[0] : topics });
    add(pending.first, 'ok', 'poll', { records: pending.records });
    pending = undefined;
  };
  for (const e of events) {
    switch (e.name) {
      case 'producer_send_success': {
        const rec = recordOf(e);
        add(e, 'invoke', 'send', { topic: rec.topic, key: rec.key, value: rec.value });
        add(e, 'ok', 'send', rec);
        break;
      }
      case 'producer_send_error': {
        const v = { topic: String(e.topic), key: str(e.key), value: str(e.value) };
        add(e, 'invoke', 'send', v);
        add(e, 'info', 'send', v, `${str(e.exception) ?? 'error'}: ${str(e.message) ?? ''}`.trim());
        break;
      }
      case 'record_data': {
        const rec = recordOf(e);
        pending ??= { first: e, records: [] };
        pending.records.push(rec);
        break;
      }
      case 'records_consumed':
        flushPoll();
        break;
      case 'partitions_assigned':
      case 'partitions_revoked': {
        flushPoll();
        const parts = (e.partitions as TopicPartition[] | undefined) ?? [];
        const f = e.name === 'partitions_assigned' ? 'assign' : 'revoke';
        const value = { partitions: parts.map((p) => ({ topic: p.topic, partition: p.partition })) };
        add(e, 'invoke', f, value);
        add(e, 'ok', f, value);
        break;
      }
      case 'offsets_committed': {
        flushPoll();
        const value = { offsets: (e.offsets as unknown[] | undefined) ?? [] };
        add(e, 'invoke', 'commit', value);
        if (e.success === false) add(e, 'fail', 'commit', value, str(e.error) ?? 'commit failed');
        else add(e, 'ok', 'commit', value);
        break;
      }
      default:
        // startup_complete, shutdown_complete, tool_data, ...: lifecycle, not operations
        break;
    }
  }
  flushPoll();
  return ops;
}

/** The records of a verifiable consumer's ok polls, in the order it handed them over. */
export function polledRecords(ops: readonly Op[]): RecordRef[] {
  return ops
    .filter((o) => o.f === 'poll' && o.type === 'ok')
    .flatMap((o) => (o.value as { records: RecordRef[] }).records);
}

/** The partitions the member owns after the events so far (assign adds, revoke removes), or undefined before any assignment. */
export function ownedPartitions(events: readonly VerifiableEvent[], topic: string): number[] | undefined {
  let owned: Set<number> | undefined;
  for (const e of events) {
    if (e.name !== 'partitions_assigned' && e.name !== 'partitions_revoked') continue;
    owned ??= new Set();
    for (const p of (e.partitions as TopicPartition[] | undefined) ?? []) {
      if (p.topic !== topic) continue;
      if (e.name === 'partitions_assigned') owned.add(p.partition);
      else owned.delete(p.partition);
    }
  }
  return owned ? [...owned].sort((a, b) => a - b) : undefined;
}
