/**
 * `kconform broker --brokers 3` supervises its nodes: a node killed from outside (kill -9 on its
 * real pid) is reported at once with its id, pid and signal, the others keep serving, and when
 * no node is left the command ends with exit code 3 and the reason (it used to say nothing and
 * end with Node's exit 13, "unsettled top-level await").
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tryClusterMetadata } from '../../harness/kafka-dist/cluster-metadata.ts';
import { startKconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-supervisor-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The pid of the broker process serving node `id` of the cluster in `dir` (its command line names its data dir). */
function nodePid(dir: string, id: number): number {
  const pids = execFileSync('pgrep', ['-f', '--', `--data-dir ${join(dir, `node-${id}`, 'data')}`], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(Number);
  expect(pids, `node ${id}`).toHaveLength(1);
  return pids[0]!;
}

describe('kconform broker --brokers 3: supervision', () => {
  it('reports each death at once, keeps serving, and exits 3 with a reason when no node is left', async () => {
    const dir = join(scratch, 'c1');
    await using cli = startKconform(['broker', '--brokers', '3', '--port', '0', '--data-dir', dir]);
    await cli.waitFor(/kconform cluster ready on (\S+)/, 90_000);
    const bootstrap = (id: number) => cli.stdout().match(new RegExp(`node ${id} on (\\S+?),`))![1]!;

    const pid2 = nodePid(dir, 2);
    process.kill(pid2, 'SIGKILL');
    const line = await cli.waitFor(
      new RegExp(`node 2 \\(pid ${pid2}\\) died: signal SIGKILL; 2 of 3 nodes running`),
      10_000,
    );
    expect(line).toBeTruthy();
    // the others keep serving
    expect(await tryClusterMetadata(bootstrap(1), { timeoutMs: 5_000 })).toBeDefined();

    const pid1 = nodePid(dir, 1);
    const pid3 = nodePid(dir, 3);
    process.kill(pid1, 'SIGKILL');
    await cli.waitFor(new RegExp(`node 1 \\(pid ${pid1}\\) died: signal SIGKILL; 1 of 3 nodes running`), 10_000);
    process.kill(pid3, 'SIGKILL');
    expect(await cli.exited).toBe(3);
    expect(cli.stderr()).toMatch(new RegExp(`node 3 \\(pid ${pid3}\\) died: signal SIGKILL; 0 of 3 nodes running`));
    expect(cli.stderr()).toMatch(
      /kconform: no node is left: all 3 reference broker nodes have died \(node 1: signal SIGKILL, node 2: signal SIGKILL, node 3: signal SIGKILL\)/,
    );
  }, 150_000);

  it('reports a node that exits with an error code', async () => {
    const dir = join(scratch, 'c2');
    await using cli = startKconform(['broker', '--brokers', '3', '--port', '0', '--data-dir', dir]);
    await cli.waitFor(/kconform cluster ready on/, 90_000);
    const pid = nodePid(dir, 3);
    // SIGTERM makes a node close cleanly and exit by itself, with code 143 (the cleanup registry's code for SIGTERM)
    process.kill(pid, 'SIGTERM');
    await cli.waitFor(new RegExp(`node 3 \\(pid ${pid}\\) died: code \\d+; 2 of 3 nodes running`), 30_000);
  }, 150_000);

  it('refuses --control-port and --network without --brokers K, exit 2', async () => {
    await using cli = startKconform(['broker', '--port', '0', '--control-port', '0']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      'kconform: --control-port and --network serve a cluster: use them with --brokers K (K > 1)\n',
    );
  });
});
