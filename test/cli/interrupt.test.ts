/**
 * Ctrl-C in the middle of a run stops everything the run started: a 3-node Kafka cluster is
 * started from the CLI, SIGINT arrives once it is ready, and no Kafka process is left.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kconform-sigint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Pids of processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('interrupting a run', () => {
  it('SIGINT during a run on a 3-node Kafka cluster leaves no process behind and exits 130', async () => {
    const out = join(scratch, 'run');
    const child = spawn(process.execPath, [join(root, 'app/cli/main.ts'), 'run', '--target', `kafka@${LATEST_KAFKA_VERSION}`, '--brokers', '3', '--records', '100000', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cluster not ready in time:\n${output}`)), 240_000);
      const onData = (d: Buffer) => {
        output += d;
        if (output.includes('ready at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await ready;
    expect(processesMentioning(out).length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, output).toBe(130);
    // process groups may take a moment to be reaped
    for (let i = 0; i < 50 && processesMentioning(out).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(processesMentioning(out)).toEqual([]);
  }, 300_000);
});
