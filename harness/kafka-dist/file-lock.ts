/**
 * A cross-process lock held as an exclusively created file that records its owner's pid, so
 * a lock left by a killed process is recognised as stale and taken over.
 */
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive } from '../../reference-broker/state/pid-alive.ts';

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Give up after this long (default 15 minutes: a cold Maven resolve can be slow). */
  timeoutMs?: number;
  /** Poll interval while another process holds the lock. */
  pollMs?: number;
  /** Called once when the lock is found held by a live process. */
  onWait?: (owner: string) => void;
}

/** A held lock; `release()` is idempotent. */
export interface FileLock {
  release(): Promise<void>;
}

async function lockIsStale(path: string): Promise<{ stale: boolean; owner: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { stale: false, owner: '(gone)' };
  }
  const [pidText, host] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  // A lock from another host (shared cache dir) cannot be checked; only trust local pids.
  if (!Number.isInteger(pid) || pid <= 0) return { stale: true, owner: text.trim() };
  if (host !== undefined && host !== hostname()) return { stale: false, owner: text.trim() };
  return { stale: !pidAlive(pid), owner: text.trim() };
}

/**
 * Waits for and takes the lock at `path`. A stale lock is renamed away and checked: if what
 * was moved is not the stale lock (another waiter took over in between and made a fresh one),
 * it is linked back, which cannot clobber a newer lock. Callers must still publish their work
 * atomically: the lock only saves duplicated work, it is not what keeps results whole.
 */
export async function acquireFileLock(path: string, opts: FileLockOptions = {}): Promise<FileLock> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  const pollMs = opts.pollMs ?? 250;
  let announced = false;
  for (;;) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid} ${hostname()}\n`);
      await fh.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const { stale, owner } = await lockIsStale(path);
    if (stale) {
      const aside = `${path}.stale-${process.pid}-${Date.now()}`;
      if (
        await rename(path, aside).then(
          () => true,
          () => false,
        )
      ) {
        const moved = await readFile(aside, 'utf8').catch(() => '');
        if (moved.trim() !== owner) await link(aside, path).catch(() => undefined);
        await unlink(aside).catch(() => undefined);
      }
      continue;
    }
    if (!announced) {
      announced = true;
      opts.onWait?.(owner);
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for lock ${path} held by ${owner}`);
    }
    await sleep(pollMs);
  }
}
