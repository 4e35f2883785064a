import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeProcess, describeExit, type NodeProcessOptions } from './node-process.ts';

// R running/sleeping, T stopped; a zombie or a missing pid counts as gone.
const procState = (pid: number): string => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const s = stat.slice(stat.lastIndexOf(')') + 2)[0]!;
    return s === 'Z' ? 'gone' : s;
  } catch {
    return 'gone';
  }
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kconform-node-process-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The state of `pid` once it is `want`, or the last state seen after 5 s: a signal takes effect
 * when the kernel next schedules the process, which on a loaded machine is not within a fixed 50 ms.
 */
async function procStateBecomes(pid: number, want: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  let state = procState(pid);
  while (state !== want && Date.now() < deadline) {
    await sleep(20);
    state = procState(pid);
  }
  return state;
}

/** A node that prints "ready" (after `script`) and sleeps; ready when the line appears after this start's offset. */
function shellNode(name: string, script = 'echo ready', over: Partial<NodeProcessOptions> = {}) {
  const logFile = join(dir, `${name}.log`);
  return createNodeProcess({
    id: 1,
    label: `test node ${name}`,
    logFile,
    // exec: the shell becomes the sleeping process, so a SIGTERM ends it at once.
    launch: () => ({ command: '/bin/sh', args: ['-c', `${script}; exec sleep 600`], cwd: dir }),
    waitReady: async (ctx) => {
      for (;;) {
        const exit = ctx.exitStatus();
        if (exit) throw new Error(`exited with ${describeExit(exit)}`);
        if (Date.now() > ctx.deadline) throw new Error('not ready in time');
        if ((await readFile(logFile)).subarray(ctx.logOffset).includes('ready')) return;
        await sleep(20);
      }
    },
    ...over,
  });
}

describe('createNodeProcess', () => {
  it('starts, kills, restarts, pauses and resumes one process group', async () => {
    const node = shellNode('cycle');
    expect(node.state).toBe('stopped');
    await node.start(Date.now() + 5_000);
    const first = node.pid!;
    expect(node.state).toBe('running');
    expect(procState(first)).not.toBe('gone');

    node.pause();
    expect(node.state).toBe('paused');
    expect(await procStateBecomes(first, 'T')).toBe('T');
    node.resume();
    expect(await procStateBecomes(first, 'S')).toBe('S');

    node.pause();
    await node.kill();
    expect(node.state).toBe('stopped');
    expect(node.pid).toBeUndefined();
    expect(procState(first)).toBe('gone');
    await node.kill(); // a no-op when down

    await node.start(Date.now() + 5_000);
    expect(node.pid).not.toBe(first);
    expect(node.starts).toBe(2);
    node.pause();
    // A paused node still stops on SIGTERM (it is continued first), well before the grace.
    const t0 = Date.now();
    await node.stop(10_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(node.state).toBe('stopped');

    const log = await readFile(node.logFile, 'utf8');
    expect(log.match(/^--- kconform: start \d of test node cycle at .* ---$/gm)).toHaveLength(2);
    expect(log.match(/^ready$/gm)).toHaveLength(2);
  });

  it('kills a process that fails its readiness check, and says why', async () => {
    const node = shellNode('never', 'echo starting');
    await expect(node.start(Date.now() + 300)).rejects.toThrow(/not ready in time/);
    expect(node.state).toBe('stopped');
    const dies = shellNode('dies', 'exit 3');
    await expect(dies.start(Date.now() + 5_000)).rejects.toThrow(/exited with code 3/);
  });

  it('refuses to start a second process or pause a stopped one', async () => {
    const node = shellNode('twice');
    await node.start(Date.now() + 5_000);
    try {
      await expect(node.spawn()).rejects.toThrow(/already running/);
    } finally {
      await node.stop();
    }
    expect(() => node.pause()).toThrow(/not running/);
  });
});
