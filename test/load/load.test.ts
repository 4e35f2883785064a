/**
 * `kconform load` end to end: short runs against the reference broker and Kafka 4.4.0 write
 * load.json and results.json with acknowledged records, ordered percentiles and (acks=all) no
 * loss; bad flags exit 2; Ctrl-C stops the run and still writes its results.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import type { LatencySummary } from '../../app/load/histogram.ts';
import type { LoadResults } from '../../app/load/load-results.ts';
import { validateResults } from '../../reports/results-schema.ts';
import { kconform, startKconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function expectOrdered(l: LatencySummary | null): void {
  expect(l).not.toBeNull();
  expect(l!.count).toBeGreaterThan(0);
  expect(l!.p50).toBeLessThanOrEqual(l!.p99);
  expect(l!.p99).toBeLessThanOrEqual(l!.p999);
  expect(l!.p999).toBeLessThanOrEqual(l!.max);
}

function readRun(dir: string): LoadResults {
  expect(existsSync(join(dir, 'load.json'))).toBe(true);
  const results = validateResults(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
  expect(results.load?.throughput.length).toBeGreaterThan(0);
  return JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadResults;
}

describe('kconform load', () => {
  it.each([
    ['reference', ['--rate', '2000', '--producers', '2', '--consumers', '2']],
    [`kafka@${LATEST_KAFKA_VERSION}`, ['--producers', '2', '--consumers', '1']],
  ])(
    'runs 3 s against %s: records acknowledged, percentiles ordered, nothing lost at acks=all',
    async (target, extra) => {
      const out = join(scratch, target.replace(/[^a-z0-9.]/gi, '_'));
      const r = await kconform(
        [
          'load',
          '--target',
          target,
          '--duration',
          '3',
          '--acks',
          'all',
          '--partitions',
          '3',
          '--record-size',
          '512',
          ...extra,
          '--out',
          out,
        ],
        { cwd: scratch, timeoutMs: 400_000 },
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\s+1 s\s+sent \d+\s+acked \d+/); // a progress line
      expect(r.stdout).toMatch(/produce-ack\s+[\d.,]+\s+[\d.,]+/);
      expect(r.stdout).toContain(extra.includes('--rate') ? 'open loop' : 'closed loop');
      const load = readRun(out);
      expect(load.target).toBe(target);
      expect(load.acked).toBeGreaterThan(0);
      expect(load.errorCount).toBe(0);
      expectOrdered(load.produceLatencyMs);
      expectOrdered(load.endToEndLatencyMs);
      expect(load.consumed).toBe(load.acked);
      expect(load.lost).toBe(0);
      expect(load.series.length).toBeGreaterThanOrEqual(3);
    },
    // The run starts its target: on a loaded 2-core machine a Kafka JVM took over a minute to
    // serve, and its first consumer group over a minute to settle (__consumer_offsets is created then).
    420_000,
  );

  it('exits 2 on bad flags', async () => {
    for (const args of [
      ['--acks', '2'],
      ['--compression', 'brotli'],
      ['--duration', '0'],
      ['--rate', 'fast'],
      ['--target', 'nowhere'],
      ['--producers', '0'],
      ['--driver', 'franz'],
      ['--driver', 'raw', '--http'],
      ['--idempotent'],
    ]) {
      const r = await kconform(['load', ...args], { cwd: scratch });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().length).toBeGreaterThan(0);
    }
  });

  it('stops cleanly on Ctrl-C and still writes the results', async () => {
    const out = join(scratch, 'interrupted');
    const run = startKconform(['load', '--duration', '120', '--rate', '500', '--out', out], {
      cwd: scratch,
      timeoutMs: 180_000,
    });
    for (let i = 0; i < 600 && !/\s+2 s\s+sent/.test(run.output().stdout); i++)
      await new Promise((r) => setTimeout(r, 100));
    run.child.kill('SIGINT');
    const code = await run.exited;
    expect(code, run.output().stdout + run.output().stderr).toBe(130);
    expect(run.output().stdout).toContain('INTERRUPTED');
    const load = readRun(out);
    expect(load.interrupted).toBe(true);
    expect(load.acked).toBeGreaterThan(0);
    expect(load.producingSeconds).toBeLessThan(120);
    expect(load.lost).toBe(0);
  });
});
