import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJava, findMaven, findOnPath, PrerequisiteError } from './prerequisites.ts';

let empty: string;
beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), 'kconform-path-'));
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
});

describe('prerequisites', () => {
  it('says what to install when java is missing', () => {
    const err = (() => {
      try {
        findJava({ PATH: empty });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect((err as PrerequisiteError).tool).toBe('java');
    expect((err as Error).message).toMatch(/install a Java 17\+ runtime/);
  });

  it('says what to install when mvn is missing', () => {
    expect(() => findMaven({ PATH: empty })).toThrow(/install Apache Maven/);
  });

  it('prefers JAVA_HOME, then PATH', async () => {
    const home = await mkdtemp(join(tmpdir(), 'kconform-jh-'));
    try {
      const javaOnPath = findOnPath('java');
      if (!javaOnPath) return; // nothing to point at on this machine
      await symlink(join(javaOnPath, '..'), join(home, 'bin'));
      expect(findJava({ JAVA_HOME: home, PATH: empty })).toBe(join(home, 'bin', 'java'));
      expect(findJava({ JAVA_HOME: empty, PATH: join(javaOnPath, '..') })).toBe(javaOnPath);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
