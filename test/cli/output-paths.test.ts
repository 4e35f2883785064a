/**
 * Every command with an output path refuses one it cannot write — under /proc (where Node's own
 * recursive mkdir used to spin forever), below a file — with one line naming the flag and exit 2,
 * before it starts a target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform, type CliResult } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-out-paths-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
/** A finished run on the reference target, for the commands that read one (replay, report). */
const okRun = join(scratch, 'ok-run');

function expectRefused(r: CliResult, flag: string, args: string[]): void {
  const what = `kconform ${args.join(' ')}\n${r.stdout}\n${r.stderr}`;
  expect(r.code, what).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, what).toHaveLength(1);
  expect(lines[0], what).toMatch(new RegExp(`^kconform: ${flag} `));
  expect(r.stderr, what).not.toMatch(/internal error|\n\s+at /);
  // refused before anything ran: no target was started
  expect(r.stdout, what).not.toMatch(/starting target|ready/);
}

beforeAll(async () => {
  const r = await kconform(['run', '--scenarios', 'seed', '--records', '10', '--seed', '1', '--out', okRun], {
    cwd: scratch,
  });
  expect(r.code, r.stdout + r.stderr).toBe(0);
}, 120_000);

const cases: [string, string, string[]][] = [
  ['run --out under /proc', '--out', ['run', '--scenarios', 'seed', '--out', '/proc/kconform-x']],
  ['run --out below a file', '--out', ['run', '--scenarios', 'seed', '--out', '/etc/hostname/sub']],
  [
    'run --junit under /proc',
    '--junit',
    ['run', '--scenarios', 'seed', '--out', join(scratch, 'r1'), '--junit', '/proc/kconform-x/junit.xml'],
  ],
  [
    'run --junit that is a directory',
    '--junit',
    ['run', '--scenarios', 'seed', '--out', join(scratch, 'r2'), '--junit', scratch],
  ],
  [
    'compare --out under /proc',
    '--out',
    ['compare', '--targets', 'reference,reference', '--scenarios', 'seed', '--out', '/proc/kconform-x'],
  ],
  ['load --out under /proc', '--out', ['load', '--duration', '1', '--out', '/proc/kconform-x']],
  ['load --out below a file', '--out', ['load', '--duration', '1', '--out', '/etc/hostname/sub']],
  [
    'gateway --out under /proc',
    '--out',
    ['gateway', '--target', 'reference', '--port', '0', '--out', '/proc/kconform-x'],
  ],
  ['conform --out under /proc', '--out', ['conform', '--against', 'kafka@4.4.0', '--out', '/proc/kconform-x']],
  [
    'check --out under /proc',
    '--out',
    ['check', join(okRun, 'history.jsonl'), '--out', '/proc/kconform-x/results.json'],
  ],
  ['check --out in /proc itself', '--out', ['check', join(okRun, 'history.jsonl'), '--out', '/proc/results.json']],
  ['report --out under /proc', '--out', ['report', okRun, '--out', '/proc/kconform-x/report.html']],
  [
    'report --junit below a file',
    '--junit',
    ['report', okRun, '--out', join(scratch, 'report.html'), '--junit', '/etc/hostname/sub/junit.xml'],
  ],
  ['replay --out under /proc', '--out', ['replay', okRun, '--out', '/proc/kconform-x']],
];

describe('unwritable output paths', () => {
  it.each(cases)(
    '%s: one line, exit 2, nothing started',
    async (_name, flag, args) => {
      const r = await kconform(args, { cwd: scratch, timeoutMs: 30_000 });
      expectRefused(r, flag, args);
    },
    40_000,
  );
});
