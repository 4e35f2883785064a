/**
 * A directory this process cannot write, for tests of brokers refusing one. Root ignores file
 * modes, so as root it is a tmpfs mounted here (remounted read-only when the test says so:
 * what a disk remounted read-only after errors looks like); otherwise `chmod a-w`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A directory that starts writable and can be made read-only; `cleanup()` undoes everything. */
export interface ReadOnlyCapableDir {
  readonly dir: string;
  makeReadOnly(): void;
  cleanup(): void;
}

/** Null when this machine offers no way to make a directory unwritable for this process. */
export function readOnlyCapableDir(): ReadOnlyCapableDir | null {
  const dir = mkdtempSync(join(tmpdir(), 'kconform-ro-'));
  const root = process.getuid?.() === 0;
  if (!root) {
    return {
      dir,
      makeReadOnly: () => execFileSync('chmod', ['-R', 'a-w', dir]),
      cleanup: () => {
        chmodSync(dir, 0o755);
        execFileSync('chmod', ['-R', 'u+w', dir]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    makeReadOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' }),
    cleanup: () => {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
