import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirError, LOCK_FILE, lockDataDir } from './data-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'kconform-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `d${n++}`);

function thrown(f: () => unknown): DataDirError {
  try {
    f();
  } catch (err) {
    if (err instanceof DataDirError) return err;
    throw err;
  }
  throw new Error('expected a DataDirError');
}

describe('lockDataDir', () => {
  it('creates a missing directory, writes .lock with the pid, and removes it on release', () => {
    const dir = fresh();
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    lock.release();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a second lock of the same directory until the first is released', () => {
    const dir = fresh();
    const lock = lockDataDir(dir);
    const err = thrown(() => lockDataDir(dir));
    expect(err.badUsage).toBe(false);
    expect(err.message).toContain('in use by another broker');
    expect(err.message).toContain(String(process.pid));
    lock.release();
    lockDataDir(dir).release();
  });

  it('refuses a lock held by another live process', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, LOCK_FILE), `${other.pid} ${hostname()}\n`);
      expect(thrown(() => lockDataDir(dir)).message).toContain(`held by process ${other.pid}`);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone (a broker killed with -9), and one of its own pid', () => {
    const dir = fresh();
    mkdirSync(dir);
    const gone = spawnSync('true').pid;
    writeFileSync(join(dir, LOCK_FILE), `${gone} ${hostname()}\n`);
    lockDataDir(dir).release();
    writeFileSync(join(dir, LOCK_FILE), `${process.pid} ${hostname()}\n`);
    lockDataDir(dir).release();
    writeFileSync(join(dir, LOCK_FILE), '');
    lockDataDir(dir).release();
  });

  it('calls a file "not a directory" (bad usage), also as a parent', () => {
    const file = fresh();
    writeFileSync(file, 'x');
    const err = thrown(() => lockDataDir(file));
    expect(err.badUsage).toBe(true);
    expect(err.message).toBe(`data directory ${file} is not a directory`);
    expect(thrown(() => lockDataDir(join(file, 'sub'))).badUsage).toBe(true);
  });
});
