import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCheckpointNumbers, readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { tempDir } from './test-batches.ts';

const dirs: (() => void)[] = [];
afterEach(() => dirs.splice(0).forEach((remove) => remove()));

function dir(): string {
  const d = tempDir();
  dirs.push(d.remove);
  return d.path;
}

describe('checkpoint files', () => {
  it("write Kafka's layout atomically and read it back", () => {
    const d = dir();
    const path = join(d, 'leader-epoch-checkpoint');
    expect(readCheckpoint(path)).toBeNull();
    writeCheckpoint(path, ['0 0', '3 120']);
    expect(readFileSync(path, 'utf8')).toBe('0\n2\n0 0\n3 120\n');
    expect(readCheckpoint(path)).toEqual(['0 0', '3 120']);
    writeCheckpoint(path, []);
    expect(readCheckpoint(path)).toEqual([]);
    expect(readdirSync(d)).toEqual(['leader-epoch-checkpoint']);
  });

  it('refuse a malformed file or entry', () => {
    const path = join(dir(), 'cp');
    for (const text of ['1\n0\n', '0\n2\n1 1\n', 'x']) {
      writeFileSync(path, text);
      expect(() => readCheckpoint(path)).toThrow(/malformed/);
    }
    expect(parseCheckpointNumbers(path, '4 17', 2)).toEqual([4, 17]);
    expect(() => parseCheckpointNumbers(path, '4', 2)).toThrow(/malformed/);
    expect(() => parseCheckpointNumbers(path, '4 -1', 2)).toThrow(/malformed/);
  });
});
