/**
 * The shards of one campaign (`run --shard I/N`), as stored: each shard's output directory holds
 * shard.json naming its place and the campaign it belongs to. Before a report merges shards it
 * checks they make one whole campaign — the same command line, every shard present once —
 * because a merge that silently lacks a shard reports fewer runs as if they were all.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ReportInputError } from './run-dirs.ts';

/** What shard.json holds. */
export interface ShardManifest {
  schema: 'kconform.shard/v1';
  index: number;
  count: number;
  /** The options every shard of the campaign shares (target, scenarios, seed, runs, …). */
  campaign: Record<string, unknown>;
  /** This shard's units: scenario and run number. */
  units: { run: number; scenario: string }[];
}

/** The file name of the manifest in a shard's output directory. */
export const SHARD_MANIFEST = 'shard.json';

/** A whole campaign found among the directories given. */
export interface MergedShards {
  count: number;
  campaign: Record<string, unknown>;
  units: number;
  /** Shards not among the directories (only with `allowPartial`). */
  missing: number[];
}

/** How deep below a given directory shard manifests are looked for (an artifact download puts each shard in a folder). */
const MAX_DEPTH = 2;

function findManifests(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, SHARD_MANIFEST))) {
      found.push(join(dir, SHARD_MANIFEST));
      return;
    }
    if (depth >= MAX_DEPTH) return;
    let names: string[] = [];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const n of names.sort()) walk(join(dir, n), depth + 1);
  };
  walk(resolve(root), 0);
  return found;
}

function readManifest(path: string): ShardManifest {
  let m: ShardManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as ShardManifest;
  } catch (err) {
    throw new ReportInputError(`${path}: not a readable shard manifest (${(err as Error).message})`);
  }
  if (m?.schema !== 'kconform.shard/v1' || !Number.isInteger(m.index) || !Number.isInteger(m.count))
    throw new ReportInputError(`${path}: not a kconform.shard/v1 manifest`);
  return m;
}

/**
 * Checks the shards among `dirs`: undefined when none is a shard; the campaign when they make a
 * whole one (or, with `allowPartial`, a part with the missing shards named); else {@link ReportInputError} naming what is wrong (a shard missing or given twice,
 * shards of different campaigns, a sharded run mixed with unsharded ones).
 */
export function checkShards(dirs: readonly string[], allowPartial = false): MergedShards | undefined {
  const perDir = dirs.map((d) => ({ dir: d, manifests: findManifests(d) }));
  const manifests = perDir.flatMap((d) => d.manifests);
  if (manifests.length === 0) return undefined;
  const unsharded = perDir.filter((d) => d.manifests.length === 0).map((d) => d.dir);
  if (unsharded.length)
    throw new ReportInputError(
      `${unsharded.join(', ')}: not shards of the campaign the other directories hold (no ${SHARD_MANIFEST}); report them separately`,
    );
  const read = manifests.map((path) => ({ path, m: readManifest(path) }));
  const first = read[0]!;
  const same = JSON.stringify(first.m.campaign);
  for (const { path, m } of read) {
    if (m.count !== first.m.count)
      throw new ReportInputError(
        `${path} is shard ${m.index}/${m.count} but ${first.path} is ${first.m.index}/${first.m.count}: not one campaign`,
      );
    if (JSON.stringify(m.campaign) !== same)
      throw new ReportInputError(
        `${path} and ${first.path} are shards of different campaigns (${campaignDifference(first.m.campaign, m.campaign)})`,
      );
  }
  const byIndex = new Map<number, string>();
  for (const { path, m } of read) {
    const earlier = byIndex.get(m.index);
    if (earlier) throw new ReportInputError(`shard ${m.index}/${m.count} is given twice: ${earlier} and ${path}`);
    byIndex.set(m.index, path);
  }
  const missing = Array.from({ length: first.m.count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length && !allowPartial)
    throw new ReportInputError(
      `incomplete campaign: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first.m.count} missing (found ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')}; --allow-partial reports what is here)`,
    );
  return {
    count: first.m.count,
    campaign: first.m.campaign,
    units: read.reduce((n, { m }) => n + m.units.length, 0),
    missing,
  };
}

function campaignDifference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const diff = keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return diff.map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`).join('; ');
}
