/**
 * Taking a broker's data directory at start: it must be a directory, writable, and used by no
 * other broker. Kafka's LogManager does the same before it loads a log: it creates a missing
 * log dir, refuses one that "is not a readable log directory", and takes a FileLock on `.lock`
 * ("Failed to acquire lock on file .lock in DIR. A Kafka instance in another process or thread is
 * using this directory."). Node has no flock, so the lock is a file created exclusively that
 * holds the owner's pid and host; a lock whose pid is not running any more (a broker killed
 * with -9) is stale and taken over.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pidAlive } from './pid-alive.ts';

/** Kafka's name for the lock file of a log directory. */
export const LOCK_FILE = '.lock';

/** Why a data directory cannot be used; `badUsage` when the path itself is wrong (exit 2), else unavailable (exit 3). */
export class DataDirError extends Error {
  readonly badUsage: boolean;
  constructor(message: string, badUsage = false) {
    super(message);
    this.name = 'DataDirError';
    this.badUsage = badUsage;
  }
}

/** A held data directory; `release()` removes the lock and is idempotent. */
export interface DataDirLock {
  readonly dir: string;
  release(): void;
}

/** Directories locked by this process, so a second broker in the same process is refused too. */
const heldHere = new Set<string>();

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function notWritable(dir: string, err: unknown): DataDirError {
  return new DataDirError(
    `data directory ${dir} is not writable (${errnoOf(err) ?? 'error'}: ${(err as Error).message.replace(/^[A-Z]+: /, '')})`,
  );
}

/** Creates `dir` if missing and checks it is a directory; throws a DataDirError otherwise. */
export function ensureDataDir(dir: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw new DataDirError(`data directory ${dir} is not a directory`, true);
    return;
  } catch (err) {
    if (err instanceof DataDirError) throw err;
    if (errnoOf(err) === 'ENOTDIR')
      throw new DataDirError(`data directory ${dir}: a parent of it is not a directory`, true);
    if (errnoOf(err) !== 'ENOENT')
      throw new DataDirError(`data directory ${dir} cannot be read (${(err as Error).message})`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    if (errnoOf(err) === 'ENOTDIR' || errnoOf(err) === 'EEXIST')
      throw new DataDirError(`data directory ${dir}: a parent of it is not a directory`, true);
    throw new DataDirError(`data directory ${dir} cannot be created (${(err as Error).message})`);
  }
}

/** Who holds a lock file, and whether that holder is gone. */
function lockOwner(path: string): { text: string; stale: boolean } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
  const [pidText, host] = text.split(/\s+/);
  const pid = Number(pidText);
  // An empty or unreadable lock (a crash between create and write) holds nothing.
  if (!Number.isInteger(pid) || pid <= 0) return { text, stale: true };
  // Another host (a shared file system) cannot be checked: trust it.
  if (host !== undefined && host !== hostname()) return { text, stale: false };
  // Our own pid, and no broker of this process holds it (checked first): left by an earlier
  // process that had the same pid (a container restarted with the broker as pid 1 again).
  if (pid === process.pid) return { text, stale: true };
  return { text, stale: !pidAlive(pid) };
}

/**
 * Takes the data directory `dir` for this broker: creates it when missing, checks it is a
 * writable directory (creating the lock file is the write), and takes `.lock` in it. Throws a
 * {@link DataDirError} saying why not.
 */
export function lockDataDir(dir: string): DataDirLock {
  ensureDataDir(dir);
  const key = resolve(dir);
  const path = join(dir, LOCK_FILE);
  if (heldHere.has(key)) throw inUse(dir, `${process.pid} ${hostname()}`);
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw notWritable(dir, err);
      const owner = lockOwner(path);
      if (owner && !owner.stale) throw inUse(dir, owner.text);
      if (attempt >= 5) throw new DataDirError(`cannot take the lock ${path} (it keeps changing)`);
      if (owner) takeOverStale(path, owner.text);
      continue;
    }
    try {
      writeSync(fd, `${process.pid} ${hostname()}\n`);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // Nothing to clean if the file system refuses even that.
      }
      throw notWritable(dir, err);
    }
    closeSync(fd);
    heldHere.add(key);
    let released = false;
    return {
      dir,
      release() {
        if (released) return;
        released = true;
        heldHere.delete(key);
        try {
          unlinkSync(path);
        } catch {
          // Already gone (the directory was removed): nothing is held.
        }
      },
    };
  }
}

function inUse(dir: string, owner: string): DataDirError {
  return new DataDirError(
    `data directory ${dir} is in use by another broker (lock file ${LOCK_FILE} held by process ${owner.split(/\s+/)[0]}); use another --data-dir or stop that broker`,
  );
}

/**
 * Moves a stale lock aside. If what was moved is not the stale lock (another starting broker
 * replaced it in between), it is linked back, which cannot overwrite a lock made after that.
 */
function takeOverStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8').trim();
  } catch {
    // Treat as not ours to remove.
  }
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // A newer lock is in place already.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Gone already.
  }
}

/** The metadata file of reference brokers from before the one-voter metadata log (issue 14). */
export const LEGACY_METADATA_FILE = 'kconform-metadata.json';

/**
 * Refuses a data directory written by a single-node reference broker from before every node ran
 * the controller quorum: its topics, producer ids and committed offsets are in
 * `kconform-metadata.json`, which this broker no longer reads. Starting on it anyway would serve
 * an empty cluster over partition logs it does not know, so the start fails naming the file
 * (exit 3). Nothing is changed in the directory.
 * @throws DataDirError
 */
export function refuseLegacyMetadata(dir: string): void {
  const path = join(dir, LEGACY_METADATA_FILE);
  if (!existsSync(path)) return;
  throw new DataDirError(
    `data directory ${dir} was written by an older reference broker (${LEGACY_METADATA_FILE}; metadata now lives in __cluster_metadata-0): start on an empty --data-dir or move this one away`,
  );
}
