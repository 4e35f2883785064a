import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkNetnsPrerequisites, PrerequisiteError } from './prerequisites.ts';

describe('network lab prerequisites', () => {
  let dir: string;
  let empty: string;
  const tool = async (name: string) => {
    await writeFile(join(dir, name), '#!/bin/sh\n');
    await chmod(join(dir, name), 0o755);
  };
  // Only the fake tools, with no sbin fallback: the machine's real ones must not count.
  const only = (path: string) => ({ env: { PATH: path }, extraPath: [], uid: 0 });
  const failure = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected a PrerequisiteError');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kconform-netns-prereq-'));
    empty = await mkdtemp(join(tmpdir(), 'kconform-netns-empty-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('needs root', () => {
    const err = failure(() => checkNetnsPrerequisites({ ...only(dir), uid: 1000 }));
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect(err.message).toMatch(/need root/);
  });

  it('names iproute2 when ip is missing', () => {
    const err = failure(() => checkNetnsPrerequisites(only(empty)));
    expect((err as PrerequisiteError).tool).toBe('ip');
    expect(err.message).toContain('apt-get install -y iproute2 iptables');
  });

  it('names iptables when no firewall is there, nftables when nft was asked for', async () => {
    await tool('ip');
    expect(failure(() => checkNetnsPrerequisites(only(dir))).message).toContain('apt-get install -y iproute2 iptables');
    expect(failure(() => checkNetnsPrerequisites({ ...only(dir), firewall: 'nft' })).message).toContain(
      'apt-get install -y nftables',
    );
  });

  it('prefers iptables, takes nft when asked or when alone', async () => {
    await tool('nft');
    expect(checkNetnsPrerequisites(only(dir)).firewall).toBe('nft');
    await tool('iptables-restore');
    const t = checkNetnsPrerequisites(only(dir));
    expect(t).toEqual({ ip: join(dir, 'ip'), firewall: 'iptables', firewallBin: join(dir, 'iptables-restore') });
    expect(checkNetnsPrerequisites({ ...only(dir), firewall: 'nft' }).firewallBin).toBe(join(dir, 'nft'));
  });
});
