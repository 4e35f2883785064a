import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireFileLock } from './file-lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kconform-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// A pid that certainly belongs to no process: one that just exited.
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('acquireFileLock', () => {
  it('records its owner and frees the file on release', async () => {
    const path = join(dir, 'x.lock');
    const lock = await acquireFileLock(path);
    expect(await readFile(path, 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    await lock.release();
    await expect(readFile(path)).rejects.toThrow();
  });

  it('makes a second taker wait until the first releases', async () => {
    const path = join(dir, 'x.lock');
    const first = await acquireFileLock(path);
    let waitedFor = '';
    let secondHeld = false;
    const second = acquireFileLock(path, { pollMs: 20, onWait: (o) => (waitedFor = o) }).then((l) => {
      secondHeld = true;
      return l;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(secondHeld).toBe(false);
    expect(waitedFor).toContain(String(process.pid));
    await first.release();
    await (await second).release();
    expect(secondHeld).toBe(true);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const path = join(dir, 'x.lock');
    await writeFile(path, `${deadPid()} ${hostname()}\n`);
    const lock = await acquireFileLock(path, { timeoutMs: 2_000 });
    expect(await readFile(path, 'utf8')).toContain(String(process.pid));
    await lock.release();
  });

  it('gives up after its timeout while a live process holds it', async () => {
    const path = join(dir, 'x.lock');
    await writeFile(path, `${process.pid} ${hostname()}\n`);
    await expect(acquireFileLock(path, { timeoutMs: 100, pollMs: 20 })).rejects.toThrow(/timed out waiting for lock/);
  });
});
