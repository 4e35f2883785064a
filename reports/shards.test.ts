import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportInputError } from './run-dirs.ts';
import { checkShards, SHARD_MANIFEST, type ShardManifest } from './shards.ts';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const campaign = { target: 'reference', scenarios: ['seed', 'replay'], seed: 5, runs: 2 };

function shardDir(index: number, count: number, over: Partial<ShardManifest> = {}, parent?: string): string {
  const root = parent ?? mkdtempSync(join(tmpdir(), 'kconform-shards-'));
  if (!parent) roots.push(root);
  const dir = parent ? join(parent, `shard-${index}`) : root;
  mkdirSync(dir, { recursive: true });
  const m: ShardManifest = {
    schema: 'kconform.shard/v1',
    index,
    count,
    campaign,
    units: [{ run: 0, scenario: 'seed' }],
    ...over,
  };
  writeFileSync(join(dir, SHARD_MANIFEST), JSON.stringify(m));
  return dir;
}

describe('checkShards', () => {
  it('says nothing about directories that are not shards', () => {
    const plain = mkdtempSync(join(tmpdir(), 'kconform-shards-'));
    roots.push(plain);
    expect(checkShards([plain])).toBeUndefined();
  });

  it('accepts every shard once, given one by one or under one folder (an artifact download)', () => {
    expect(checkShards([shardDir(1, 2), shardDir(2, 2)])).toEqual({ count: 2, campaign, units: 2, missing: [] });
    const parent = mkdtempSync(join(tmpdir(), 'kconform-shards-'));
    roots.push(parent);
    for (const i of [1, 2, 3]) shardDir(i, 3, {}, parent);
    expect(checkShards([parent])?.count).toBe(3);
  });

  it('names a missing shard', () => {
    const parts = [shardDir(1, 3), shardDir(3, 3)];
    expect(() => checkShards(parts)).toThrow(/shard 2 of 3 missing/);
    expect(checkShards(parts, true)?.missing).toEqual([2]);
  });

  it('names a shard given twice', () => {
    expect(() => checkShards([shardDir(1, 2), shardDir(1, 2)])).toThrow(/shard 1\/2 is given twice/);
  });

  it('refuses shards of different campaigns, naming what differs', () => {
    const other = shardDir(2, 2, { campaign: { ...campaign, seed: 6 } });
    expect(() => checkShards([shardDir(1, 2), other])).toThrow(/different campaigns \(seed: 5 vs 6\)/);
    expect(() => checkShards([shardDir(1, 2), shardDir(2, 3)])).toThrow(/not one campaign/);
  });

  it('refuses a plain run mixed with shards, and a manifest that is not one', () => {
    const plain = mkdtempSync(join(tmpdir(), 'kconform-shards-'));
    roots.push(plain);
    expect(() => checkShards([shardDir(1, 1), plain])).toThrow(ReportInputError);
    const bad = shardDir(1, 1);
    writeFileSync(join(bad, SHARD_MANIFEST), '{"schema":"other"}');
    expect(() => checkShards([bad])).toThrow(/not a kconform.shard\/v1 manifest/);
  });
});
