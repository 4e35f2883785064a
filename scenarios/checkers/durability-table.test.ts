import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { durabilityRows, formatDurabilityTable } from './durability-table.ts';

/** A tiny history: sends by one producer, then a final read. */
function history(): Op[] {
  const ops: Op[] = [];
  const add = (time: number, process: string, type: Op['type'], f: string, value: unknown, error?: string) =>
    ops.push({ index: ops.length, time, process, type, f, value, ...(error ? { error } : {}) });
  const send = (t0: number, t1: number, value: string, outcome: 'ok' | 'info', offset: number) => {
    add(t0, 'p', 'invoke', 'send', { topic: 't', partition: 0, key: 'k', value });
    add(
      t1,
      'p',
      outcome,
      'send',
      outcome === 'ok'
        ? { topic: 't', partition: 0, key: 'k', value, offset }
        : { topic: 't', partition: 0, key: 'k', value },
      outcome === 'ok' ? undefined : 'timeout',
    );
  };
  send(0, 500, 'a', 'ok', 0); // the first success: the outage clock starts here
  send(600, 700, 'b', 'ok', 1); // acked, then lost
  send(800, 4_700, 'c', 'info', -1); // unconfirmed, yet written
  send(4_800, 5_000, 'd', 'ok', 3); // stored twice
  const rec = (offset: number, value: string) => ({ topic: 't', partition: 0, offset, key: 'k', value });
  add(6_000, 'final-read', 'invoke', 'poll', {});
  add(6_001, 'final-read', 'ok', 'poll', { records: [rec(0, 'a'), rec(1, 'c'), rec(2, 'd'), rec(3, 'd')] });
  return ops;
}

describe('the durability table', () => {
  it('counts sent, acked, lost, duplicated and unconfirmed records, and the longest time without a successful send', () => {
    const [row] = durabilityRows(history(), [{ level: 'acks=1', fault: 'kill-leader', process: 'p', topic: 't' }]);
    expect(row).toEqual({
      level: 'acks=1',
      fault: 'kill-leader',
      sent: 4,
      acked: 3,
      lost: 1,
      duplicated: 1,
      unconfirmedWritten: 1,
      unavailableSeconds: 4.3,
    });
  });
  it('prints one line per row under a header', () => {
    const rows = durabilityRows(history(), [{ level: 'acks=1', fault: 'none', process: 'p', topic: 't' }]);
    const text = formatDurabilityTable({
      schema: 'kconform.durability/v1',
      replicationFactor: 3,
      minInsyncReplicas: 2,
      levels: ['acks=1'],
      faults: ['none'],
      rows,
      skipped: [{ fault: 'isolate-leader', reason: 'no network' }],
    });
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toMatch(/^acks=1\s+none\s+4\s+3\s+1\s+1\s+1\s+4\.3$/m);
    expect(text).toContain('(isolate-leader not run: no network)');
  });
});
