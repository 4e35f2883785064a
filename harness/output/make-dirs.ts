/**
 * `mkdir -p` that always ends. Node's own `mkdirSync(path, { recursive: true })` (and the
 * promise form) spins forever at 100% CPU under /proc: `mkdir /proc/x` fails ENOENT, Node steps
 * back to the parent, `mkdir /proc` fails EEXIST and `/proc` is a directory, so it steps forward
 * and tries `/proc/x` again — in native code, where not even SIGTERM's JS handler can run. Here
 * every missing component is made once, in order, and the first failure is the answer.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why a directory could not be made, as one line (what a user can act on). */
export class MakeDirsError extends Error {
  /** The errno code of the failing call (ENOENT, EACCES, ENOTDIR, ...). */
  readonly code: string;
  /** The path the failing call was about. */
  readonly path: string;
  constructor(message: string, code: string, path: string) {
    super(message);
    this.name = 'MakeDirsError';
    this.code = code;
    this.path = path;
  }
}

/** A one-line reason for an errno code met while making or writing `path`. */
export function describeFsError(code: string | undefined, path: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${path}`;
    case 'EROFS':
      return `${path} is on a read-only file system`;
    case 'ENOTDIR':
      return `${path} is not a directory`;
    case 'EISDIR':
      return `${path} is a directory`;
    case 'ENOSPC':
      return `no space left on the device of ${path}`;
    case 'ENOENT':
      // The parent exists (checked before) yet the entry cannot be made: procfs, sysfs and the like.
      return `cannot create ${path} (its file system does not allow new files there)`;
    default:
      return `cannot create ${path} (${code ?? 'unknown error'})`;
  }
}

function kind(path: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a component above is a file; walking up finds it and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    // EACCES: cannot even look; nothing can be made below.
    throw new MakeDirsError(describeFsError(code, path), code ?? 'EIO', path);
  }
}

/**
 * Makes `path` and its missing parents (like `mkdir -p`), trying each missing component once.
 * Throws {@link MakeDirsError} with a one-line message when an existing component is not a
 * directory or a component cannot be made. Returns the absolute path.
 */
export function makeDirs(path: string): string {
  const abs = resolve(path);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    const k = kind(at);
    if (k === 'dir') break;
    if (k === 'other') throw new MakeDirsError(describeFsError('ENOTDIR', at), 'ENOTDIR', at);
    missing.push(at);
    const up = dirname(at);
    if (up === at) break; // the root itself is missing: mkdir below reports why
    at = up;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Made by someone else meanwhile: fine if it is a directory.
      if (code === 'EEXIST' && kind(dir) === 'dir') continue;
      throw new MakeDirsError(describeFsError(code === 'EEXIST' ? 'ENOTDIR' : code, dir), code ?? 'EIO', dir);
    }
  }
  return abs;
}
