/**
 * Splitting a campaign across machines (`run --shard I/N`): the work units of a run — each
 * scenario in each of its `--runs` seeds — in one fixed order, dealt round-robin to N shards, so
 * every shard of the same command line picks its units without talking to the others, and the
 * shards together run each unit exactly once. A CI matrix or a Kubernetes Indexed Job passes the
 * index; `kconform report` merges the shards' directories (reports/shards.ts checks they belong
 * together and none is missing).
 */

/** Which shard this process is: `index` of `count`, counted from 1 as CI matrices and `--shard` do. */
export interface Shard {
  index: number;
  count: number;
}

/** One unit of a run: a scenario at run number `run` (seed = base seed + run). */
export interface WorkUnit {
  run: number;
  scenario: string;
}

/** Reads `I/N` (1 ≤ I ≤ N); throws with the reason for anything else. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--shard takes I/N (this shard's number and the shard count, e.g. 2/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 10_000) throw new Error(`--shard ${text}: the shard count must be 1 to 10000`);
  if (index < 1 || index > count) throw new Error(`--shard ${text}: the shard number must be 1 to ${count}`);
  return { index, count };
}

/**
 * Every unit of a run in the order an unsharded run takes them (run number first, then the
 * scenarios as selected), each with its place in that order.
 */
export function workUnits(runs: number, scenarios: readonly string[]): WorkUnit[] {
  const units: WorkUnit[] = [];
  for (let run = 0; run < runs; run++) for (const scenario of scenarios) units.push({ run, scenario });
  return units;
}

/** The units of `shard`: every N-th one, starting at its index (round-robin keeps shards' sizes within one). */
export function unitsOfShard<T>(units: readonly T[], shard: Shard): T[] {
  return units.filter((_, k) => k % shard.count === shard.index - 1);
}
