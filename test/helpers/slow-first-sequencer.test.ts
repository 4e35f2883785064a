import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLOW_FILES, slowRank } from './slow-first-sequencer.ts';

const root = join(import.meta.dirname, '..', '..');

describe('slow-first test order', () => {
  it('names only files that exist (a moved or renamed suite must be renamed here too)', () => {
    expect(SLOW_FILES.filter((f) => !existsSync(join(root, f)))).toEqual([]);
  });

  it('ranks listed files by their place in the list and every other file after them', () => {
    expect(slowRank(join(root, SLOW_FILES[0]!))).toBe(0);
    expect(slowRank(join(root, SLOW_FILES[2]!))).toBe(2);
    expect(slowRank(join(root, 'protocol/messages/frames.test.ts'))).toBe(SLOW_FILES.length);
    // a path that only ends like a listed one is not it
    expect(slowRank(join(root, `x${SLOW_FILES[0]!}`))).toBe(SLOW_FILES.length);
  });
});
