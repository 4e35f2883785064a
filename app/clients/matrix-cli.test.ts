import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MATRIX = fileURLToPath(new URL('./matrix.ts', import.meta.url));

async function matrix(...args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  try {
    const r = await run(process.execPath, [MATRIX, ...args], { timeout: 55_000 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stderr: string; stdout: string };
    return { code: e.code, stderr: e.stderr, stdout: e.stdout };
  }
}

describe('node app/clients/matrix.ts: bad usage exits 2 with the reason, before starting anything', () => {
  it.each([
    [[], /--target is required/],
    [['--target', 'redpanda'], /unknown target 'redpanda'/],
    [['--target', 'reference', '--clients', 'sarama'], /unknown client 'sarama'/],
    [['--target', 'reference', '--features', 'acks=2'], /unknown feature 'acks=2'/],
    [['--target', 'reference', '--bogus'], /Unknown option '--bogus'/],
  ])('%j', async (args, reason) => {
    const r = await matrix(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(reason as RegExp);
    expect(r.stderr).toContain('usage: node app/clients/matrix.ts');
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await matrix('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--target reference|reference3|kafka@VERSION[/NODES]');
  });
});
