import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { setBaseOffset } from '../../protocol/records/batch-header.ts';
import { openDiskLog, type LogConfig, type PartitionLog } from './index.ts';
import { segmentStem } from './segment-files.ts';
import { batchRanges, makeBatch, tempDir } from './test-batches.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A temp dir removed after the test, and an opener that closes what it opened. */
function setup(config: Partial<LogConfig> = {}): { dir: string; open: (c?: Partial<LogConfig>) => PartitionLog } {
  const dir = tempDir();
  cleanups.push(dir.remove);
  const open = (c: Partial<LogConfig> = config) => {
    const log = openDiskLog(dir.path, c);
    cleanups.push(() => log.close());
    return log;
  };
  return { dir: dir.path, open };
}

function segmentFiles(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(`.${ext}`))
    .sort();
}

function lastLogFile(dir: string): string {
  return join(dir, segmentFiles(dir, 'log').at(-1)!);
}

/** Every offset reads back the batch that holds it. */
function expectEveryOffsetReadable(log: PartitionLog, ranges: [number, number][]): void {
  for (const [base, last] of ranges) {
    for (const offset of [base, last, (base + last) >> 1]) {
      expect(batchRanges(log.read(offset, 1, log.logEndOffset).records)).toEqual([[base, last]]);
    }
  }
}

function fill(
  log: PartitionLog,
  n: number,
  records = (i: number) => 1 + (i % 3),
  payload = (i: number) => (i * 37) % 200,
): [number, number][] {
  const ranges: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const r = log.append(makeBatch({ records: records(i), payloadBytes: payload(i), timestamp: 1000 + i }), 1, 0);
    ranges.push([r.baseOffset, r.lastOffset]);
  }
  log.highWatermark = log.logEndOffset;
  return ranges;
}

describe('disk log', () => {
  it('lays segments out as Kafka names them and reopens where it was', () => {
    const { dir, open } = setup({ segmentBytes: 1000, indexIntervalBytes: 100 });
    const log = open();
    const ranges = fill(log, 60);
    log.deleteRecordsBefore(10);
    const end = log.logEndOffset;
    const bases = segmentFiles(dir, 'log').map((f) => Number(f.slice(0, 20)));
    expect(bases.length).toBe(log.segmentCount);
    expect(segmentFiles(dir, 'log')[0]).toBe('00000000000000000000.log');
    for (const b of bases) {
      expect(existsSync(join(dir, `${segmentStem(b)}.index`))).toBe(true);
      expect(existsSync(join(dir, `${segmentStem(b)}.timeindex`))).toBe(true);
    }
    // Each segment starts where a batch starts.
    expect(bases.every((b) => ranges.some(([base]) => base === b))).toBe(true);
    log.close();

    const again = open();
    expect([again.logStartOffset, again.logEndOffset, again.highWatermark]).toEqual([10, end, end]);
    expect(again.epochEntries()).toEqual([{ epoch: 1, startOffset: 10 }]);
    expectEveryOffsetReadable(
      again,
      ranges.filter(([base]) => base >= 10),
    );
    expect(again.append(makeBatch({ records: 2 }), 2, 0)).toMatchObject({ baseOffset: end, lastOffset: end + 1 });
    expect(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe(`0\n2\n1 10\n2 ${end}\n`);
    expect(readFileSync(join(dir, 'log-start-offset'), 'utf8')).toBe('0\n1\n10\n');
  });

  it('finds every offset through the sparse indexes across many segments, before and after reopening', () => {
    const { dir, open } = setup({ segmentBytes: 2000, indexIntervalBytes: 150 });
    const log = open();
    const ranges = fill(log, 400);
    expect(log.segmentCount).toBeGreaterThan(20);
    expectEveryOffsetReadable(log, ranges);
    for (const f of segmentFiles(dir, 'index').slice(0, -1)) {
      const size = statSync(join(dir, f)).size;
      expect(size % 8).toBe(0);
      expect(size).toBeGreaterThan(0);
    }
    for (const f of segmentFiles(dir, 'timeindex')) expect(statSync(join(dir, f)).size % 12).toBe(0);
    log.close();
    expectEveryOffsetReadable(open(), ranges);
  });

  it('rebuilds missing or inconsistent index files of older segments', () => {
    const { dir, open } = setup({ segmentBytes: 2000, indexIntervalBytes: 100 });
    const log = open();
    const ranges = fill(log, 200);
    log.close();
    const indexes = segmentFiles(dir, 'index');
    const timeIndexes = segmentFiles(dir, 'timeindex');
    writeFileSync(join(dir, indexes[1]!), Buffer.alloc(5));
    writeFileSync(join(dir, indexes[2]!), Buffer.from([0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0])); // positions going backwards
    truncateSync(join(dir, timeIndexes[3]!), 0);
    const again = open();
    expectEveryOffsetReadable(again, ranges);
    expect(again.offsetForTimestamp(1000 + 150)).toEqual({ offset: ranges[150]![0], timestamp: 1150 });
    expect(statSync(join(dir, indexes[1]!)).size % 8).toBe(0);
  });

  describe('recovery of a torn tail', () => {
    const junk: [string, (dir: string) => Buffer][] = [
      ['half a batch', () => makeBatch({ payloadBytes: 300 }).subarray(0, 150)],
      ['less than a header', () => makeBatch().subarray(0, 20)],
      ['garbage', () => Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 131 + 7) & 0xff))],
      ['zeros, as a preallocated file', () => Buffer.alloc(4096)],
      [
        'a whole batch with a bad CRC',
        () => {
          const b = makeBatch({ payloadBytes: 40 });
          b[b.length - 1]! ^= 0xff;
          return b;
        },
      ],
      [
        'a good batch at the wrong offset',
        () => {
          const b = makeBatch({ payloadBytes: 40 });
          setBaseOffset(b, 12345);
          return b;
        },
      ],
    ];

    it.each(junk)('cuts %s and appends from the recovered end', (_name, tail) => {
      const { dir, open } = setup({ segmentBytes: 1500 });
      const log = open();
      const ranges = fill(log, 40);
      const end = log.logEndOffset;
      log.close();
      const file = lastLogFile(dir);
      const size = statSync(file).size;
      appendFileSync(file, tail(dir));

      const again = open();
      expect(statSync(file).size).toBe(size);
      expect(again.logEndOffset).toBe(end);
      expectEveryOffsetReadable(again, ranges);
      expect(again.append(makeBatch({ records: 3 }), 1, 0)).toMatchObject({ baseOffset: end, lastOffset: end + 2 });
      again.close();
      const third = open();
      expect(third.logEndOffset).toBe(end + 3);
      expect(batchRanges(third.read(end, 1 << 20, end + 3).records)).toEqual([[end, end + 2]]);
    });

    it('cuts a corrupt last batch and keeps the ones before it', () => {
      const { dir, open } = setup();
      const log = open();
      fill(
        log,
        5,
        () => 2,
        () => 50,
      );
      log.close();
      const file = lastLogFile(dir);
      const bytes = readFileSync(file);
      bytes[bytes.length - 3]! ^= 1;
      writeFileSync(file, bytes);
      const again = open();
      expect(again.logEndOffset).toBe(8);
      expect(statSync(file).size).toBe(4 * 111);
    });

    it('uses the configured batch check', () => {
      const { dir, open } = setup();
      const log = open();
      fill(
        log,
        5,
        () => 2,
        () => 50,
      );
      log.close();
      const file = lastLogFile(dir);
      const bytes = readFileSync(file);
      bytes[bytes.length - 3]! ^= 1;
      writeFileSync(file, bytes);
      expect(open({ verifyBatch: () => true }).logEndOffset).toBe(10);
    });

    it('keeps the segments after an older one that had to be cut, says what was cut, and reads on past the gap', () => {
      const { dir, open } = setup({ segmentBytes: 1000 });
      const log = open();
      const ranges = fill(
        log,
        60,
        () => 1,
        () => 100,
      );
      const end = log.logEndOffset;
      log.close();
      const logs = segmentFiles(dir, 'log');
      rmIndexes(dir, logs[2]!);
      const third = join(dir, logs[2]!);
      const bytes = readFileSync(third);
      bytes[200]! ^= 0xff; // inside the second batch of the segment
      writeFileSync(third, bytes);
      const lines: string[] = [];
      const again = openDiskLog(dir, { segmentBytes: 1000 }, (l) => lines.push(l));
      cleanups.push(() => again.close());
      const base3 = Number(logs[2]!.slice(0, 20));
      const base4 = Number(logs[3]!.slice(0, 20));
      expect(again.logEndOffset).toBe(end);
      expect(segmentFiles(dir, 'log')).toEqual(logs);
      const kept = ranges.filter(([base]) => base <= base3 || base >= base4);
      expectEveryOffsetReadable(
        again,
        kept.filter(([base]) => base !== base3 + 1),
      );
      // a read from inside the gap answers the first batch after it
      expect(batchRanges(again.read(base3 + 2, 1, end).records)[0]![0]).toBe(base4);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(third);
      expect(lines[0]).toMatch(
        new RegExp(
          `cut \\d+ bytes \\(\\d+ whole record\\(s\\)\\) after offset ${base3}; offsets ${base3 + 1}..${base4 - 1} are lost, reads continue at ${base4}`,
        ),
      );
    });
  });

  describe('damage inside sealed segments', () => {
    function sealed(): { dir: string; ranges: [number, number][]; end: number; logs: string[] } {
      const { dir, open } = setup({ segmentBytes: 2000, indexIntervalBytes: 100 });
      const log = open();
      const ranges = fill(
        log,
        120,
        () => 2,
        () => 60,
      );
      const end = log.logEndOffset;
      log.close();
      return { dir, ranges, end, logs: segmentFiles(dir, 'log') };
    }
    function reopen(dir: string): { log: PartitionLog; lines: string[] } {
      const lines: string[] = [];
      const log = openDiskLog(dir, { segmentBytes: 2000, indexIntervalBytes: 100 }, (l) => lines.push(l));
      cleanups.push(() => log.close());
      return { log, lines };
    }
    /** Every record from the log start by reading on from each answer, as a consumer does. */
    function consume(log: PartitionLog): number[] {
      const got: number[] = [];
      let next = log.logStartOffset;
      while (next < log.highWatermark) {
        const rs = batchRanges(log.read(next, 4096, log.highWatermark).records);
        if (rs.length === 0) throw new Error(`read at ${next} answered nothing`);
        for (const [b, l] of rs) for (let o = Math.max(b, next); o <= l; o++) got.push(o);
        next = rs.at(-1)![1] + 1;
      }
      return got;
    }

    it('an older segment truncated mid-batch: cut to its last whole batch, the later segments read on', () => {
      const { dir, ranges, end, logs } = sealed();
      const file = join(dir, logs[1]!);
      const size = statSync(file).size;
      truncateSync(file, size - 30);
      const { log, lines } = reopen(dir);
      const base2 = Number(logs[2]!.slice(0, 20));
      const lostBatch = ranges.find(([, l]) => l === base2 - 1)!;
      expect(log.logEndOffset).toBe(end);
      const all = ranges.flatMap(([b, l]) => Array.from({ length: l - b + 1 }, (_, k) => b + k));
      expect(consume(log)).toEqual(all.filter((o) => o < lostBatch[0] || o > lostBatch[1]));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
      expect(lines[0]).toContain('its last batch is torn');
      expect(lines[0]).toContain(`offsets ${lostBatch[0]}..${lostBatch[1]} are lost`);
    });

    it('an index entry moved: the index is rebuilt and every record reads', () => {
      const { dir, ranges, logs } = sealed();
      const index = join(dir, logs[1]!.replace('.log', '.index'));
      const bytes = readFileSync(index);
      expect(bytes.length).toBeGreaterThanOrEqual(24);
      bytes.writeInt32BE(bytes.readInt32BE(12) + 7, 12); // entry 1 now points 7 bytes into a batch
      writeFileSync(index, bytes);
      const { log, lines } = reopen(dir);
      expectEveryOffsetReadable(log, ranges);
      expect(consume(log).length).toBe(ranges.at(-1)![1] + 1);
      expect(lines).toEqual([
        `${join(dir, logs[1]!)}: its offset index entry 1 (offset ${bytes.readInt32BE(8) + Number(logs[1]!.slice(0, 20))} at byte ${bytes.readInt32BE(12)}) does not point at that batch; rebuilt its indexes (nothing cut)`,
      ]);
    });

    it('a zero-length index counts as missing and is rebuilt', () => {
      const { dir, ranges, logs } = sealed();
      const index = join(dir, logs[2]!.replace('.log', '.index'));
      truncateSync(index, 0);
      const { log, lines } = reopen(dir);
      expectEveryOffsetReadable(log, ranges);
      expect(statSync(index).size).toBeGreaterThan(0);
      expect(lines).toEqual([
        `${join(dir, logs[2]!)}: its offset index is empty (counts as missing); rebuilt its indexes (nothing cut)`,
      ]);
    });

    it('a segment damaged while open: a read goes on in the next segment instead of answering nothing', () => {
      const { dir, ranges, end, logs } = sealed();
      const { log } = reopen(dir);
      truncateSync(join(dir, logs[1]!), statSync(join(dir, logs[1]!)).size - 30);
      const base2 = Number(logs[2]!.slice(0, 20));
      const lostBatch = ranges.find(([, l]) => l === base2 - 1)!;
      expect(batchRanges(log.read(lostBatch[0], 4096, end).records)[0]![0]).toBe(base2);
    });
  });

  it('restarts empty at the checkpointed start when the recovered end is below it', () => {
    const { dir, open } = setup();
    const log = open();
    fill(
      log,
      10,
      () => 1,
      () => 10,
    );
    log.deleteRecordsBefore(10);
    log.close();
    truncateSync(lastLogFile(dir), 3 * 71);
    const again = open();
    expect([again.logStartOffset, again.logEndOffset, again.segmentCount]).toEqual([10, 10, 1]);
    expect(again.append(makeBatch(), 1, 0).baseOffset).toBe(10);
  });

  it('removes index files left without a log', () => {
    const { dir, open } = setup();
    open().close();
    writeFileSync(join(dir, `${segmentStem(500)}.index`), Buffer.alloc(8));
    open();
    expect(existsSync(join(dir, `${segmentStem(500)}.index`))).toBe(false);
  });

  it('flushes by record count and survives explicit flushes', () => {
    const { open } = setup({ flushMessages: 2, flushMs: 10 });
    const log = open();
    for (let i = 0; i < 5; i++) log.append(makeBatch(), 0, i * 20);
    log.flush();
    expect(log.logEndOffset).toBe(5);
  });

  it('deletes its directory', () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const log = openDiskLog(join(dir.path, 't-0'));
    fill(log, 3);
    log.delete();
    expect(existsSync(join(dir.path, 't-0'))).toBe(false);
  });

  it('gives the same timestamp answers as a scan of its batches, after truncation and reopening', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ts: fc.integer({ min: 0, max: 60 }), records: fc.integer({ min: 1, max: 3 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 200, max: 2000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.nat(),
        (batches, segmentBytes, indexIntervalBytes, cutSeed) => {
          const dir = tempDir();
          try {
            let log = openDiskLog(dir.path, { segmentBytes, indexIntervalBytes });
            const model: { base: number; last: number; ts: number }[] = [];
            for (const b of batches) {
              const r = log.append(makeBatch({ timestamp: b.ts, records: b.records, payloadBytes: 30 }), 0, 0);
              model.push({ base: r.baseOffset, last: r.lastOffset, ts: b.ts });
            }
            const check = () => {
              for (let ts = 0; ts <= 61; ts++) {
                const m = model.find((x) => x.ts >= ts);
                expect(log.offsetForTimestamp(ts)).toEqual(m ? { offset: m.base, timestamp: m.ts } : null);
              }
              const max = model.reduce<(typeof model)[number] | null>(
                (a, x) => (a === null || x.ts > a.ts ? x : a),
                null,
              );
              expect(log.maxTimestampOffset()).toEqual(max ? { offset: max.last, timestamp: max.ts } : null);
            };
            check();
            const cut = cutSeed % (log.logEndOffset + 1);
            log.truncateTo(cut);
            while (model.length && model.at(-1)!.last >= cut) model.pop();
            check();
            log.close();
            log = openDiskLog(dir.path, { segmentBytes, indexIntervalBytes });
            check();
            log.close();
          } finally {
            dir.remove();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

function rmIndexes(dir: string, logFile: string): void {
  const stem = logFile.slice(0, 20);
  writeFileSync(join(dir, `${stem}.index`), Buffer.alloc(3));
}
