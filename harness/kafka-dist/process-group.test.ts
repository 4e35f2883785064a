import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveProcessGroups, spawnProcessGroup } from './process-group.ts';

// A killed process whose new parent has not reaped it yet is a zombie: count it as gone.
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    stream.on('data', (b: Buffer) => {
      buf += b.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kconform-pg-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('spawnProcessGroup', () => {
  it('stop() ends the leader and what it started', async () => {
    const g = spawnProcessGroup('/bin/sh', ['-c', 'sleep 60 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchild = Number(await firstLine(g.child.stdout!));
    expect(alive(grandchild)).toBe(true);
    expect(liveProcessGroups()).toContain(g.pid);
    const status = await g.stop(5_000);
    expect(status.signal).toBe('SIGTERM');
    expect(await eventually(() => !alive(grandchild), 3_000)).toBe(true);
    expect(liveProcessGroups()).not.toContain(g.pid);
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const g = spawnProcessGroup('/bin/sh', ['-c', 'trap "" TERM; echo ready; while :; do sleep 1; done'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await firstLine(g.child.stdout!);
    const t0 = Date.now();
    const status = await g.stop(300);
    expect(status.signal).toBe('SIGKILL');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('reports a missing executable as an exit without code', async () => {
    const g = spawnProcessGroup('/nonexistent/kconform-no-such-binary', [], { stdio: 'ignore' });
    g.child.on('error', () => undefined);
    expect(await g.exited).toEqual({ code: null, signal: null });
  });

  it('kills the group and removes its temp dir when the owning process dies by SIGKILL', async () => {
    const victimDir = await mkdtemp(join(dir, 'victim-'));
    const script = join(dir, 'owner.ts');
    const moduleUrl = new URL('./process-group.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { spawnProcessGroup, removeWhenOrphaned } from ${JSON.stringify(moduleUrl)};
const g = spawnProcessGroup('/bin/sh', ['-c', 'trap "" TERM; while :; do sleep 1; done'], { stdio: 'ignore', orphanGraceMs: 1000 });
removeWhenOrphaned(${JSON.stringify(victimDir)}, 1000);
console.log(g.pid);
setInterval(() => {}, 1000);
`,
    );
    const owner = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = Number(await firstLine(owner.stdout!));
    expect(alive(pid)).toBe(true);
    owner.kill('SIGKILL');
    // The child ignores SIGTERM, so this also proves the guard's SIGKILL follow-up.
    expect(await eventually(() => !alive(pid), 8_000)).toBe(true);
    expect(
      await eventually(
        () =>
          stat(victimDir).then(
            () => false,
            () => true,
          ),
        8_000,
      ),
    ).toBe(true);
  });
});
