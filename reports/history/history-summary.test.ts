import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import { ConsumerLagCollector } from './consumer-lag.ts';
import { HistoryFormatError, readHistorySummary, summarizeOps } from './history-summary.ts';
import { LatencyCollector } from './latency.ts';
import { OpPairing } from './op-pairing.ts';
import { ThroughputCollector } from './throughput.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-summary-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A tiny history builder: ops get increasing indices. */
function history() {
  const ops: Op[] = [];
  const add = (time: number, process: Op['process'], type: Op['type'], f: string, value: unknown = {}) => {
    const op: Op = { index: ops.length, time, process, type, f, value };
    ops.push(op);
    return op;
  };
  return { ops, add };
}

describe('latency series', () => {
  it('pairs completions with invocations first in first out per process and f, at the invocation time', () => {
    const { ops, add } = history();
    add(0, 'p', 'invoke', 'send');
    add(1, 'p', 'invoke', 'send');
    add(2, 'q', 'invoke', 'poll');
    add(5, 'p', 'ok', 'send');
    add(6, 'q', 'ok', 'poll');
    add(9, 'p', 'info', 'send');
    add(10, 'p', 'invoke', 'commit');
    add(11, 'p', 'ok', 'commit');
    const pairing = new OpPairing();
    const latency = new LatencyCollector();
    for (const op of ops) {
      const invoke = pairing.add(op);
      if (op.type !== 'invoke') latency.add(invoke, op);
    }
    const series = latency.series(100);
    expect(series.map((s) => [s.label, s.t, s.v, s.ops])).toEqual([
      ['produce ok', [0], [5], 1],
      ['produce info', [1], [8], 1],
      ['consume ok', [2], [4], 1],
    ]);
  });

  it('skips completions without an invocation and keeps processes named alike apart (0 and "0")', () => {
    const pairing = new OpPairing();
    expect(pairing.add({ index: 0, time: 0, process: 0, type: 'ok', f: 'send', value: {} })).toBeUndefined();
    pairing.add({ index: 1, time: 1, process: '0', type: 'invoke', f: 'send', value: {} });
    expect(pairing.add({ index: 2, time: 2, process: 0, type: 'ok', f: 'send', value: {} })).toBeUndefined();
    expect(pairing.add({ index: 3, time: 3, process: '0', type: 'ok', f: 'send', value: {} })?.index).toBe(1);
  });
});

describe('throughput', () => {
  it('counts ok produce and consume completions per second in round buckets', () => {
    const t = new ThroughputCollector();
    for (let ms = 0; ms < 2000; ms += 10) t.add({ index: 0, time: ms, process: 0, type: 'ok', f: 'send', value: {} });
    t.add({ index: 0, time: 50, process: 0, type: 'fail', f: 'send', value: {} });
    t.add({ index: 0, time: 1500, process: 'c', type: 'ok', f: 'poll', value: { records: [] } });
    const s = t.series(2000, 300);
    expect(s.bucketMs).toBe(100);
    expect(s.t).toHaveLength(20);
    expect(s.series.map((x) => x.label)).toEqual(['produce ok ops/s', 'consume ok ops/s']);
    expect(new Set(s.series[0]!.v)).toEqual(new Set([100]));
    expect(s.series[1]!.v[15]).toBe(10);
    expect(t.series(3_600_000, 300).bucketMs).toBe(15_000);
  });
});

describe('consumer lag', () => {
  const rec = (offset: number, partition = 0) => ({ topic: 't', partition, offset, key: null, value: String(offset) });
  it('is acknowledged minus consumed per partition, for partitions consumers read, final read left out', () => {
    const lag = new ConsumerLagCollector();
    const { ops, add } = history();
    add(1, 'p', 'ok', 'send', rec(0));
    add(2, 'p', 'ok', 'send', rec(1));
    add(3, 'p', 'ok', 'send', rec(2));
    add(4, 'c', 'ok', 'poll', { records: [rec(0), rec(1)] });
    add(5, 'p', 'ok', 'send', rec(0, 1)); // partition 1: nobody consumes it
    add(6, 'final-read', 'ok', 'poll', { records: [rec(2), rec(0, 1)] });
    add(7, 'c', 'ok', 'poll', { records: [rec(2)] });
    for (const op of ops) lag.add(op);
    const { series, omitted } = lag.series(100);
    expect(omitted).toBe(0);
    expect(series).toEqual([{ label: 't/0', peak: 3, t: [1, 2, 3, 4, 7], v: [1, 2, 3, 1, 0] }]);
  });
});

describe('summarizeOps / readHistorySummary', () => {
  it('bounds what it keeps for a long history and finds the fault windows and witness invocations', async () => {
    const path = join(scratch, 'history.jsonl');
    const lines: string[] = [];
    let index = 0;
    const push = (o: Omit<Op, 'index'>) => lines.push(JSON.stringify({ index: index++, ...o }));
    push({ time: 0, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'kill', node: 1 } });
    push({ time: 1, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'kill', node: 1 } });
    for (let i = 0; i < 50_000; i++) {
      const time = 2 + i;
      push({ time, process: i % 4, type: 'invoke', f: 'send', value: { topic: 't', partition: i % 3 } });
      push({
        time: time + 0.5 + (i % 7),
        process: i % 4,
        type: 'ok',
        f: 'send',
        value: { topic: 't', partition: i % 3, offset: Math.floor(i / 3), key: null, value: String(i) },
      });
    }
    push({ time: 60_000, process: 'nemesis', type: 'invoke', f: 'nemesis', value: { fault: 'restart', node: 1 } });
    push({ time: 60_100, process: 'nemesis', type: 'ok', f: 'nemesis', value: { fault: 'restart', node: 1 } });
    writeFileSync(path, lines.join('\n') + '\n');
    const witness = 5; // the ok of the second send
    const s = await readHistorySummary(path, new Set([witness]), { maxPoints: 500, maxBuckets: 100, maxLagSeries: 8 });
    expect(s.ops).toBe(100_004);
    expect(s.durationMs).toBe(60_100);
    expect(s.faults).toEqual([{ start: 0, end: 60_100, fault: 'kill', label: 'kill node 1' }]);
    expect(s.latency).toHaveLength(1);
    expect(s.latency[0]!.ops).toBe(50_000);
    expect(s.latency[0]!.t.length).toBeLessThanOrEqual(500);
    expect(Math.max(...s.latency[0]!.v)).toBe(6.5);
    expect(s.throughput.t.length).toBeLessThanOrEqual(100);
    expect(s.lag.series).toEqual([]); // no consumers
    expect(s.invocations[witness]?.index).toBe(4);
    expect(s.sends).toEqual({ invoked: 50_000, ok: 50_000, fail: 0, info: 0 });
    expect(JSON.stringify(s).length).toBeLessThan(60_000);
  });

  it('counts sends by outcome: what a failover summary reports as sent and acknowledged', async () => {
    const { ops, add } = history();
    for (const outcome of ['ok', 'ok', 'fail', 'info'] as const) {
      add(0, 'p', 'invoke', 'send');
      add(1, 'p', outcome, 'send');
    }
    add(2, 'c', 'invoke', 'poll');
    add(3, 'c', 'ok', 'poll');
    await expect(summarizeOps(ops)).resolves.toMatchObject({ sends: { invoked: 4, ok: 2, fail: 1, info: 1 } });
  });

  it('names the file and line of a line that is not an op', async () => {
    const path = join(scratch, 'bad.jsonl');
    writeFileSync(path, '{"index":0,"time":1,"process":0,"type":"invoke","f":"send","value":{}}\n{"index":1,\n');
    await expect(readHistorySummary(path)).rejects.toThrow(HistoryFormatError);
    await expect(readHistorySummary(path)).rejects.toThrow(/bad\.jsonl:2: not JSON/);
    await expect(summarizeOps([])).resolves.toMatchObject({ ops: 0, faults: [], latency: [] });
  });
});
