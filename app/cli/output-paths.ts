/**
 * The one check every command with an output path (`--out`, `--junit`) makes before it starts a
 * target or runs anything: the directory can be made and a file written in it. A bad path is bad
 * usage — one line naming the flag, exit 2 — not an internal error after minutes of work.
 */
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeFsError, makeDirs, MakeDirsError } from '../../harness/output/make-dirs.ts';
import { usageError, type CliError } from './exit-codes.ts';

function refused(flag: string, given: string, reason: string): CliError {
  return usageError(`${flag} ${given}: ${reason}`);
}

/** Makes `dir` (with parents) and writes and removes a probe file in it; throws the reason. */
function probeDir(dir: string): void {
  makeDirs(dir);
  const probe = join(dir, `.kconform-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new MakeDirsError(
      code === 'ENOENT'
        ? `cannot write files in ${dir} (its file system does not allow new files)`
        : describeFsError(code, dir),
      code ?? 'EIO',
      dir,
    );
  }
  unlinkSync(probe);
}

/**
 * Makes the output directory `path` of option `flag` and checks a file can be written in it.
 * Returns its absolute path; throws a usage error (exit 2) with one line when it cannot.
 */
export function checkOutputDir(path: string, flag = '--out'): string {
  const abs = resolve(path);
  try {
    probeDir(abs);
  } catch (err) {
    if (err instanceof MakeDirsError) throw refused(flag, path, err.message);
    throw err;
  }
  return abs;
}

/**
 * Checks the output file `path` of option `flag` can be written: its directory is made and
 * writable, and the path itself is not a directory nor a read-only file. Creates no file there.
 * Returns its absolute path; throws a usage error (exit 2) with one line when it cannot.
 */
export function checkOutputFile(path: string, flag: string): string {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined; // missing (or under a missing or non-directory parent: probeDir says which)
  }
  if (st?.isDirectory()) throw refused(flag, path, `${abs} is a directory (give a file name)`);
  try {
    probeDir(dirname(abs));
    if (st) closeSync(openSync(abs, 'r+'));
  } catch (err) {
    if (err instanceof MakeDirsError) throw refused(flag, path, err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw refused(flag, path, describeFsError(code, abs));
    throw err;
  }
  return abs;
}
