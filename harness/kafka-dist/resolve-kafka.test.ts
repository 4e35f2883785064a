import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from './prerequisites.ts';
import { kconformCacheRoot, PrerequisiteError, resolveKafka } from './resolve-kafka.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kconform-resolve-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveKafka (no network)', () => {
  it('places the cache under KCONFORM_CACHE_DIR, else ~/.cache/kconform', () => {
    expect(kconformCacheRoot({ KCONFORM_CACHE_DIR: '/x/y' })).toBe('/x/y');
    expect(kconformCacheRoot({})).toMatch(/\.cache\/kconform$/);
  });

  it('throws PrerequisiteError naming java when there is no java', async () => {
    await expect(resolveKafka('4.4.0', { env: { PATH: dir }, cacheDir: dir })).rejects.toSatisfy(
      (e) => e instanceof PrerequisiteError && e.tool === 'java',
    );
  });

  it('throws PrerequisiteError naming mvn when the release is not cached and there is no mvn', async () => {
    const java = findOnPath('java');
    if (!java) return; // covered by the test above on a machine without java
    const bin = await mkdtemp(join(dir, 'bin-'));
    await symlink(java, join(bin, 'java'));
    await expect(resolveKafka('4.4.0', { env: { PATH: bin }, cacheDir: join(dir, 'cache') })).rejects.toSatisfy(
      (e) => e instanceof PrerequisiteError && e.tool === 'mvn' && /install Apache Maven/.test(e.message),
    );
  });

  it('rejects a malformed version before looking for anything', async () => {
    await expect(resolveKafka('latest', { env: { PATH: dir } })).rejects.toThrow(RangeError);
  });
});
