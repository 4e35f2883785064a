/**
 * `kconform compare` and `kconform replay` end to end: the reference broker compared with itself
 * and with real Kafka, a failing run replayed to the same failure, and the usage errors.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kconform as runKconform } from '../helpers/kconform-cli.ts';
import { SCENARIOS } from '../../scenarios/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-compare-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `kconform ARGS` in the scratch directory. */
const kconform = (args: string[], timeoutMs = 120_000) => runKconform(args, { cwd: scratch, timeoutMs });

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('kconform compare', () => {
  it('finds no difference between the reference broker and itself, in any scenario', async () => {
    const out = join(scratch, 'ref-ref');
    const junit = join(out, 'junit.xml');
    const r = await kconform([
      'compare',
      '--targets',
      'reference,reference',
      '--records',
      '100',
      '--seed',
      '3',
      '--out',
      out,
      '--junit',
      junit,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^seed\s+3\s+offsets\s+same\s+101 acked sends/m);
    expect(r.stdout).not.toContain('DIFFERS');
    const report = json(join(out, 'compare.json'));
    expect(report).toMatchObject({
      schema: 'kconform.compare/v1',
      targets: ['reference#1', 'reference#2'],
      same: true,
      passed: true,
    });
    expect(report.scenarios.map((s: { scenario: string }) => s.scenario)).toEqual(SCENARIOS.map((s) => s.name));
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(SCENARIOS.length * (5 + 2));
    expect(xml).not.toContain('<failure');
  }, 120_000);

  it('finds the seed scenario behaving alike on the reference broker and Kafka 4.4.0', async () => {
    const out = join(scratch, 'ref-kafka');
    const r = await kconform(
      [
        'compare',
        '--targets',
        'reference,kafka@4.4.0',
        '--scenarios',
        'seed',
        '--records',
        '200',
        '--seed',
        '5',
        '--out',
        out,
      ],
      240_000,
    );
    // on a difference the table says what differs: it is in the message, not hidden
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = json(join(out, 'compare.json'));
    expect(report.scenarios[0].aspects.map((a: { aspect: string; same: boolean }) => [a.aspect, a.same])).toEqual([
      ['offsets', true],
      ['errors', true],
      ['final-read', true],
      ['consumer-reads', true],
      ['checks', true],
    ]);
    expect(report.scenarios[0].runs.map((r: { target: string; valid: boolean }) => [r.target, r.valid])).toEqual([
      ['reference', true],
      ['kafka@4.4.0', true],
    ]);
  }, 300_000);

  it('exits 2 on bad usage', async () => {
    for (const args of [
      ['compare'],
      ['compare', '--targets', 'reference'],
      ['compare', '--targets', 'reference,kafka@x'],
      ['compare', '--targets', 'reference,reference', '--scenarios', 'nosuch'],
    ]) {
      const r = await kconform(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().length).toBeGreaterThan(0);
    }
  });
});

describe('kconform replay', () => {
  it('replays a run made with a known bug to the same failing checks', async () => {
    const original = join(scratch, 'bug');
    const first = await kconform([
      'run',
      '--scenarios',
      'seed',
      '--records',
      '200',
      '--seed',
      '7',
      '--bug',
      'drop-acked-write',
      '--out',
      original,
    ]);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    const r = await kconform(['replay', original]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const failing = json(join(original, 'results.json'))
      .checks.filter((c: { valid: unknown }) => c.valid === false)
      .map((c: { checker: string }) => c.checker)
      .sort();
    expect(failing).toContain('lost-write');
    expect(r.stdout).toContain(
      `outcome matches the original: FAIL with the same failing checks (${failing.join(', ')})`,
    );
    const replayed = json(join(`${original}-replay-1`, 'results.json'));
    expect(replayed).toMatchObject({ scenario: 'seed', target: 'reference', seed: 7, valid: false });
    expect(json(join(`${original}-replay-1`, 'config.json'))).toMatchObject({
      records: 200,
      bugs: ['drop-acked-write'],
    });
    expect(json(join(`${original}-replay-1`, 'replay.json')).cases[0]).toMatchObject({
      matches: true,
      replayFailing: failing,
    });
  }, 120_000);

  it('replays every run below a parent directory', async () => {
    const parent = join(scratch, 'two');
    const first = await kconform([
      'run',
      '--scenarios',
      'seed,consumer-groups',
      '--records',
      '50',
      '--seed',
      '2',
      '--out',
      parent,
    ]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const out = join(scratch, 'two-again');
    const r = await kconform(['replay', parent, '--out', out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('2 of 2 replay(s) reproduced the original outcome');
    expect(json(join(out, 'seed-0', 'results.json')).valid).toBe(true);
    expect(json(join(out, 'consumer-groups-0', 'results.json')).valid).toBe(true);
  }, 120_000);

  it('exits 2 naming a missing run directory or a malformed config.json', async () => {
    const missing = join(scratch, 'no-such-run');
    const r = await kconform(['replay', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(missing);
    const bad = join(scratch, 'bad-config');
    mkdirSync(bad);
    writeFileSync(join(bad, 'config.json'), '{"scenario": "seed", "target": "reference"}');
    const m = await kconform(['replay', bad]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`${join(bad, 'config.json')} is not a kconform run config: 'seed' must be`);
  });
});
