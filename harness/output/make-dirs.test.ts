import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs, MakeDirsError } from './make-dirs.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-make-dirs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes every missing component and accepts an existing directory', () => {
    const deep = join(scratch, 'a', 'b', 'c');
    expect(makeDirs(deep)).toBe(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(makeDirs(deep)).toBe(deep);
  });

  // Before the fix this never returned: the test's timeout is what catches a spin.
  it('ends with ENOENT under /proc, where Node’s recursive mkdir spins forever', () => {
    expect(() => makeDirs('/proc/kconform-x/y')).toThrow(MakeDirsError);
    try {
      makeDirs('/proc/kconform-x');
    } catch (err) {
      expect((err as MakeDirsError).code).toBe('ENOENT');
      expect((err as Error).message).toBe(
        'cannot create /proc/kconform-x (its file system does not allow new files there)',
      );
    }
  });

  it('names the file that stands where a directory should be', () => {
    const file = join(scratch, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => makeDirs(join(file, 'sub', 'deeper'))).toThrow(`${file} is not a directory`);
  });
});
