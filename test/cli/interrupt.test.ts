/**
 * Ctrl-C in the middle of a run stops everything the run started: a 3-node Kafka cluster is
 * started from the CLI, SIGINT arrives once it is ready, and no Kafka process is left.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import { startKconform } from '../helpers/kconform-cli.ts';

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
    await using run = startKconform([
      'run',
      '--target',
      `kafka@${LATEST_KAFKA_VERSION}`,
      '--brokers',
      '3',
      '--records',
      '100000',
      '--out',
      out,
    ]);
    await run.waitFor(/ready at/, 240_000);
    expect(processesMentioning(out).length).toBeGreaterThanOrEqual(3);
    run.child.kill('SIGINT');
    const code = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(130);
    // process groups may take a moment to be reaped
    for (let i = 0; i < 50 && processesMentioning(out).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(processesMentioning(out)).toEqual([]);
  }, 300_000);
});
