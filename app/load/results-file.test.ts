import { describe, expect, it } from 'vitest';
import { validateResults } from '../../reports/results-schema.ts';
import type { LoadResults } from './load-results.ts';
import { renderLoadSummary } from './load-results.ts';
import { RecordTracker, parseRecordKey, recordKey } from './record-tracker.ts';
import { loadResultsFile } from './results-file.ts';

const latency = { count: 10, p50: 1, p90: 1, p99: 2, p999: 3, max: 4, mean: 1.5 };
const base: LoadResults = {
  schema: 'kconform.load/v1',
  mode: 'kafka',
  target: 'reference',
  bootstrap: '127.0.0.1:9092',
  topic: 't',
  startedAt: '2024-01-01T00:00:00.000Z',
  settings: {
    producers: 1,
    consumers: 1,
    acks: -1,
    rate: undefined,
    durationSeconds: 3,
    recordSize: 1024,
    partitions: 3,
    compression: 'none',
    batch: 100,
  },
  timing: 'closed-loop',
  interrupted: false,
  producingSeconds: 3,
  sent: 10,
  acked: 10,
  errorCount: 0,
  errors: {},
  throughput: { recordsPerSecond: 3.3, megabytesPerSecond: 0.003 },
  produceLatencyMs: latency,
  endToEndLatencyMs: latency,
  consumed: 10,
  duplicates: 0,
  lost: 0,
  lostExamples: [],
  consumedUnacked: 0,
  series: [{ second: 0, sent: 10, acked: 10, ackedBytes: 10240, errors: 0, consumed: 10, p99Ms: 2 }],
};

describe('load results.json', () => {
  it('follows the kconform.results/v1 schema the reports read', () => {
    const file = JSON.parse(JSON.stringify(loadResultsFile(base, '/runs/x')));
    const v = validateResults(file);
    expect(v.valid).toBe(true);
    expect(v.load?.throughput).toEqual([{ time: 1000, recordsPerSecond: 10, bytesPerSecond: 10240, p99Ms: 2 }]);
    expect(v.load?.produce?.p99).toBe(2);
  });

  it('fails the check when acknowledged records were lost, allows it at acks=0, cannot say without consumers', () => {
    const lost = loadResultsFile({ ...base, lost: 2, lostExamples: ['0-3', '0-4'] }, '/r');
    expect(lost.valid).toBe(false);
    expect(lost.checks[0]).toMatchObject({ valid: false, count: 2, witnesses: ['0-3', '0-4'] });
    const acks0 = loadResultsFile({ ...base, settings: { ...base.settings, acks: 0 }, lost: 2 }, '/r');
    expect(acks0.checks[0]).toMatchObject({ valid: true, allowed: true });
    const none = loadResultsFile({ ...base, lost: null, endToEndLatencyMs: null }, '/r');
    expect(none.checks[0]!.valid).toBe('unknown');
    expect(validateResults(JSON.parse(JSON.stringify(none))).load?.endToEnd).toBeUndefined();
  });

  it('prints a summary table naming the timing model', () => {
    const text = renderLoadSummary(base);
    expect(text).toMatch(/closed loop/);
    expect(text).toMatch(/produce-ack\s+1\.00\s+2\.00\s+3\.00\s+4\.00/);
    expect(renderLoadSummary({ ...base, timing: 'open-loop', settings: { ...base.settings, rate: 500 } })).toMatch(
      /open loop at 500 records\/s/,
    );
  });
});

describe('RecordTracker', () => {
  it('finds acknowledged records never consumed, duplicates, and consumed records whose send failed', () => {
    const t = new RecordTracker();
    for (let s = 0; s < 20; s++) t.markAcked(0, s);
    for (let s = 0; s < 20; s++) if (s !== 7) t.markConsumed(0, s);
    t.markConsumed(0, 3);
    t.markConsumed(1, 0);
    expect(t.missing()).toEqual({ count: 1, examples: ['0-7'] });
    expect(t.duplicates).toBe(1);
    expect(t.countConsumedUnacked()).toBe(1);
  });

  it('round-trips record keys and ignores foreign ones', () => {
    expect(parseRecordKey(Buffer.from(recordKey(3, 12345)))).toEqual({ producer: 3, seq: 12345 });
    expect(parseRecordKey('hello')).toBeUndefined();
    expect(parseRecordKey(null)).toBeUndefined();
  });
});
