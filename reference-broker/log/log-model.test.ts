import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setBaseOffset, setPartitionLeaderEpoch } from '../../protocol/records/batch-header.ts';
import { createMemoryLog, openDiskLog, OffsetOutOfRangeError, type LogConfig, type PartitionLog } from './index.ts';
import { makeBatch, tempDir, type TestBatch } from './test-batches.ts';

/**
 * Memory and disk logs against a plain array of batches: after every operation both logs must
 * give the model's answers. Offsets in operations are drawn as naturals and folded into a range
 * around the log's current offsets at run time, so they stay meaningful after shrinking.
 */

interface ModelBatch {
  base: number;
  last: number;
  maxTs: number;
  bytes: Buffer;
}

/** The log as a list of batches. `firstBase` is where the log physically begins (no retention here). */
class Model {
  batches: ModelBatch[] = [];
  start = 0;
  end = 0;
  firstBase = 0;

  append(specs: TestBatch[], epoch: number): void {
    for (const spec of specs) {
      const bytes = makeBatch(spec);
      setBaseOffset(bytes, this.end);
      setPartitionLeaderEpoch(bytes, epoch);
      const records = spec.records ?? 1;
      this.batches.push({ base: this.end, last: this.end + records - 1, maxTs: spec.timestamp ?? 1000, bytes });
      this.end += records;
    }
  }

  read(offset: number, maxBytes: number, maxOffset: number): Buffer | 'out-of-range' {
    if (offset < this.start || offset > this.end) return 'out-of-range';
    const out: Buffer[] = [];
    let bytes = 0;
    for (const b of this.batches) {
      if (b.last < offset) continue;
      if (b.last >= maxOffset) break;
      if (bytes + b.bytes.length > maxBytes && out.length > 0) break;
      out.push(b.bytes);
      bytes += b.bytes.length;
      if (bytes > maxBytes) break;
    }
    return Buffer.concat(out);
  }

  deleteRecordsBefore(offset: number): 'out-of-range' | undefined {
    if (offset < 0 || offset > this.end) return 'out-of-range';
    this.start = Math.max(this.start, offset);
    return undefined;
  }

  truncateTo(offset: number): void {
    if (offset >= this.end) return;
    if (offset < this.firstBase) {
      this.batches = [];
      this.start = this.end = this.firstBase = offset;
      return;
    }
    const cut = this.batches.findIndex((b) => b.last >= offset);
    this.end = this.batches[cut]!.base;
    this.batches.length = cut;
    this.start = Math.min(this.start, this.end);
  }

  offsetForTimestamp(ts: number): { offset: number; timestamp: number } | null {
    const b = this.batches.find((x) => x.last >= this.start && x.maxTs >= ts);
    return b ? { offset: Math.max(b.base, this.start), timestamp: b.maxTs } : null;
  }

  maxTimestampOffset(): { offset: number; timestamp: number } | null {
    let best: ModelBatch | null = null;
    for (const b of this.batches) if (b.last >= this.start && (best === null || b.maxTs > best.maxTs)) best = b;
    return best ? { offset: best.last, timestamp: best.maxTs } : null;
  }
}

type Op =
  | { kind: 'append'; batches: TestBatch[]; epoch: number }
  | { kind: 'read'; offset: number; maxBytes: number; maxOffset: number | null }
  | { kind: 'deleteRecords'; offset: number }
  | { kind: 'truncate'; offset: number }
  | { kind: 'timestamp'; ts: number }
  | { kind: 'maxTimestamp' }
  | { kind: 'reopen' };

const batchArb: fc.Arbitrary<TestBatch> = fc.record({
  records: fc.integer({ min: 1, max: 5 }),
  timestamp: fc.integer({ min: 0, max: 1000 }),
  payloadBytes: fc.integer({ min: 0, max: 300 }),
  fill: fc.integer({ min: 0, max: 255 }),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      batches: fc.array(batchArb, { minLength: 1, maxLength: 3 }),
      epoch: fc.integer({ min: 0, max: 4 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      offset: fc.nat(),
      maxBytes: fc.integer({ min: 0, max: 1500 }),
      maxOffset: fc.option(fc.nat()),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteRecords' as const), offset: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), offset: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('timestamp' as const), ts: fc.integer({ min: 0, max: 1100 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'maxTimestamp' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

const configArb = fc.record({
  segmentBytes: fc.integer({ min: 80, max: 3000 }),
  indexIntervalBytes: fc.integer({ min: 0, max: 600 }),
});

/** An offset from [-2, end + 2], from a drawn natural. */
function fold(n: number, model: Model): number {
  return (n % (model.end + 5)) - 2;
}

function outcome<T>(f: () => T): T | 'out-of-range' {
  try {
    return f();
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) return 'out-of-range';
    throw err;
  }
}

function checkState(log: PartitionLog, model: Model): void {
  expect(log.logStartOffset).toBe(model.start);
  expect(log.logEndOffset).toBe(model.end);
  expect(log.highWatermark).toBe(model.end);
  const epochs = log.epochEntries();
  for (let i = 0; i < epochs.length; i++) {
    expect(epochs[i]!.startOffset).toBeGreaterThanOrEqual(model.start);
    expect(epochs[i]!.startOffset).toBeLessThan(Math.max(model.end, model.start + 1));
    if (i > 0) {
      expect(epochs[i]!.epoch).toBeGreaterThan(epochs[i - 1]!.epoch);
      expect(epochs[i]!.startOffset).toBeGreaterThan(epochs[i - 1]!.startOffset);
    }
  }
}

describe('memory and disk logs against a model', () => {
  it('agree with the model and with each other on every operation', () => {
    fc.assert(
      fc.property(configArb, fc.array(opArb, { minLength: 1, maxLength: 40 }), (cfg, ops) => {
        const dir = tempDir();
        const config: Partial<LogConfig> = cfg;
        const model = new Model();
        const memory = createMemoryLog(config);
        let disk = openDiskLog(dir.path, config);
        try {
          for (const op of ops) {
            const logs = [memory, disk];
            switch (op.kind) {
              case 'append': {
                const expectedBase = model.end;
                model.append(op.batches, op.epoch);
                for (const log of logs) {
                  const r = log.append(Buffer.concat(op.batches.map(makeBatch)), op.epoch, 5000);
                  expect(r.baseOffset).toBe(expectedBase);
                  expect(r.lastOffset).toBe(model.end - 1);
                  log.highWatermark = log.logEndOffset;
                }
                break;
              }
              case 'read': {
                const offset = fold(op.offset, model);
                const maxOffset = op.maxOffset === null ? model.end : fold(op.maxOffset, model);
                const expected = model.read(offset, op.maxBytes, maxOffset);
                for (const log of logs) {
                  const got = outcome(() => log.read(offset, op.maxBytes, maxOffset));
                  if (expected === 'out-of-range') expect(got).toBe('out-of-range');
                  else {
                    expect(got).not.toBe('out-of-range');
                    expect((got as { records: Buffer }).records.equals(expected)).toBe(true);
                  }
                }
                break;
              }
              case 'deleteRecords': {
                const offset = fold(op.offset, model);
                const expected = model.deleteRecordsBefore(offset);
                for (const log of logs) expect(outcome(() => log.deleteRecordsBefore(offset))).toBe(expected);
                break;
              }
              case 'truncate': {
                const offset = Math.max(0, fold(op.offset, model));
                model.truncateTo(offset);
                for (const log of logs) log.truncateTo(offset);
                break;
              }
              case 'timestamp':
                for (const log of logs) expect(log.offsetForTimestamp(op.ts)).toEqual(model.offsetForTimestamp(op.ts));
                break;
              case 'maxTimestamp':
                for (const log of logs) expect(log.maxTimestampOffset()).toEqual(model.maxTimestampOffset());
                break;
              case 'reopen':
                disk.close();
                disk = openDiskLog(dir.path, config);
                break;
            }
            for (const log of [memory, disk]) checkState(log, model);
            expect(disk.epochEntries()).toEqual(memory.epochEntries());
            expect(disk.segmentCount).toBe(memory.segmentCount);
            expect(disk.sizeInBytes).toBe(memory.sizeInBytes);
          }
        } finally {
          disk.close();
          dir.remove();
        }
      }),
      { numRuns: Number(process.env.LOG_MODEL_RUNS ?? 150) },
    );
  });
});

type DiffOp = Op | { kind: 'retention'; nowMs: number } | { kind: 'highWatermark'; offset: number };

const diffOpArb: fc.Arbitrary<DiffOp> = fc.oneof(
  { weight: 8, arbitrary: opArb },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('retention' as const), nowMs: fc.integer({ min: 0, max: 2000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('highWatermark' as const), offset: fc.nat() }) },
);

describe('memory and disk logs under retention', () => {
  it('delete the same segments and answer the same afterwards', () => {
    fc.assert(
      fc.property(
        fc.record({
          segmentBytes: fc.integer({ min: 80, max: 800 }),
          indexIntervalBytes: fc.integer({ min: 0, max: 300 }),
        }),
        fc.record({
          retentionBytes: fc.oneof(
            { weight: 1, arbitrary: fc.constant(-1) },
            { weight: 4, arbitrary: fc.integer({ min: 0, max: 2000 }) },
          ),
          retentionMs: fc.oneof(
            { weight: 1, arbitrary: fc.constant(-1) },
            { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }) },
          ),
        }),
        fc.array(diffOpArb, { minLength: 1, maxLength: 40 }),
        (cfg, retention, ops) => {
          const dir = tempDir();
          const config: Partial<LogConfig> = { ...cfg, ...retention };
          const memory = createMemoryLog(config);
          let disk = openDiskLog(dir.path, config);
          const pick = (n: number) => (n % (disk.logEndOffset + 5)) - 2;
          try {
            for (const op of ops) {
              const logs = [memory, disk];
              const answers = logs.map((log): unknown => {
                switch (op.kind) {
                  case 'append': {
                    const r = log.append(Buffer.concat(op.batches.map(makeBatch)), op.epoch, 0);
                    log.highWatermark = log.logEndOffset;
                    return r;
                  }
                  case 'read': {
                    const offset = pick(op.offset);
                    return outcome(() =>
                      log.read(offset, op.maxBytes, op.maxOffset === null ? log.highWatermark : pick(op.maxOffset)),
                    );
                  }
                  case 'deleteRecords':
                    return outcome(() => log.deleteRecordsBefore(pick(op.offset)));
                  case 'truncate':
                    return log.truncateTo(Math.max(0, pick(op.offset)));
                  case 'timestamp':
                    return log.offsetForTimestamp(op.ts);
                  case 'maxTimestamp':
                    return log.maxTimestampOffset();
                  case 'retention':
                    return log.applyRetention(op.nowMs);
                  case 'highWatermark':
                    log.highWatermark = pick(op.offset);
                    return log.highWatermark;
                  case 'reopen':
                    if (log === disk) {
                      const hw = disk.highWatermark;
                      disk.close();
                      disk = openDiskLog(dir.path, config);
                      // A reopened disk log starts at the log end; put it back where the broker had it.
                      disk.highWatermark = hw;
                    }
                    return undefined;
                }
              });
              expect(answers[1]).toEqual(answers[0]);
              const state = (log: PartitionLog) => [
                log.logStartOffset,
                log.logEndOffset,
                log.highWatermark,
                log.segmentCount,
                log.sizeInBytes,
                log.epochEntries(),
              ];
              expect(state(disk)).toEqual(state(memory));
            }
          } finally {
            disk.close();
            dir.remove();
          }
        },
      ),
      { numRuns: Number(process.env.LOG_MODEL_RUNS ?? 150) },
    );
  });
});
