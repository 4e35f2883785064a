/** The CLI contract of DESIGN.md: help, exit codes, and `run` on the reference broker and on real Kafka. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kconform as runKconform } from '../helpers/kconform-cli.ts';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `kconform ARGS` in the scratch directory, with `stdin` (closed at once). */
const kconform = (args: string[], stdin?: string, timeoutMs = 120_000) =>
  runKconform(args, { cwd: scratch, stdin: stdin ?? '', timeoutMs });

describe('kconform CLI', () => {
  it('prints help listing every command of the contract', async () => {
    const r = await kconform(['--help']);
    expect(r.code).toBe(0);
    for (const c of [
      'broker',
      'run',
      'compare',
      'replay',
      'check',
      'report',
      'load',
      'conform',
      'gateway',
      'image',
      'console-producer',
      'console-consumer',
    ])
      expect(r.stdout).toContain(c);
  });

  it('exits 2 with a one-line reason on bad usage', async () => {
    for (const args of [
      ['run', '--bogus'],
      ['run', '--seed', 'x'],
      ['run', '--target', 'nope'],
      ['run', '--scenarios', 'nosuch'],
      ['nosuchcommand'],
    ]) {
      const r = await kconform(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().length).toBeGreaterThan(0);
    }
  });

  it('exits 2 with the missing option named when a required one is left out', async () => {
    const r = await kconform(['conform', '--target', 'reference']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--against');
  });

  it('exits 3 when an external target cannot be reached', async () => {
    const r = await kconform(['run', '--target', 'external@127.0.0.1:1', '--out', join(scratch, 'unreachable')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('127.0.0.1:1');
  });

  it.each(['reference', `kafka@${LATEST_KAFKA_VERSION}`])(
    'runs the seed scenario on %s, passes every check and stores the run',
    async (target) => {
      const out = join(scratch, target.replace(/[@.]/g, '_'));
      const junit = join(out, 'junit.xml');
      const r = await kconform(
        [
          'run',
          '--target',
          target,
          '--scenarios',
          'seed',
          '--records',
          '300',
          '--seed',
          '42',
          '--out',
          out,
          '--junit',
          junit,
        ],
        undefined,
        240_000,
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      for (const check of [
        'lost-write',
        'duplicate',
        'inconsistent-offsets',
        'nonmonotonic-send',
        'poll-skip',
        'replay',
        'seed-message',
      ]) {
        expect(r.stdout).toMatch(new RegExp(`PASS\\s+${check}`));
      }
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
      expect(results.valid).toBe(true);
      const history = readFileSync(join(out, 'history.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(history.filter((o) => o.f === 'send' && o.type === 'ok')).toHaveLength(301);
      expect(readFileSync(junit, 'utf8')).toContain('failures="0"');
      expect(existsSync(join(out, 'config.json'))).toBe(true);
    },
    300_000,
  );

  it('console-producer and console-consumer round-trip lines through the reference broker', async () => {
    const { startTestBroker } = await import('../helpers/reference.ts');
    const broker = await startTestBroker();
    try {
      const lines = ['{"datas":[],"ver":"1.0"}', 'k1\tv1'];
      const p = await kconform(
        ['console-producer', '--bootstrap-server', broker.bootstrap, '--topic', 'mmr'],
        lines.join('\n') + '\n',
      );
      expect(p.code, p.stderr).toBe(0);
      const c = await kconform([
        'console-consumer',
        '--bootstrap-server',
        broker.bootstrap,
        '--topic',
        'mmr',
        '--from-beginning',
        '--max-messages',
        '2',
        '--property',
        'print.offset=true',
      ]);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout.trim().split('\n')).toEqual([`Offset:0\t${lines[0]}`, `Offset:1\t${lines[1]}`]);
      expect(c.stderr).toContain('Processed a total of 2 messages');
    } finally {
      await broker.close();
    }
  }, 60_000);
});
