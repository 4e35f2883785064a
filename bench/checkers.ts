/**
 * Checker scaling benchmark: synthetic histories of 10^4, 10^5 and 10^6 ops (8 producers with
 * sends in flight, 16 partitions, 4 consumers at both isolation levels, a transactional producer,
 * ops with expected error codes, nemesis ops, a final read and a replay) from the simulator the
 * property tests use, each checked in full with checkHistory. Not a test; run with
 * `node bench/checkers.ts` (Node 24). Prints markdown.
 *
 * Each history is turned into what `kconform check` holds after reading history.jsonl — every op
 * parsed from its own JSON line, so records and strings are laid out as on a real check, not
 * shared between sends and polls as the simulator builds them. Each size is checked after two
 * untimed rounds, then ROUNDS (5) times, and the median kept (the machines are shared and loaded).
 *
 * The bench also times a bare traversal of the same history — every op, value, record and string
 * touched once, nothing computed. checkHistory cannot scale better than that: a 10^5-op history
 * (tens of MB) sits largely in the last-level cache, a 10^6-op one does not, so any single pass
 * over it grows more than 10×. Printing both ratios separates the memory hierarchy from the
 * algorithm. Exit status 1 when checking grows more than 12× from 10^5 to 10^6 ops (the issue's
 * bound), or when a lost write planted in the 10^6 history goes unnoticed. The bound is applied
 * to CPU time: on a shared machine a neighbour can stretch every wall-clock round of one size
 * and not the other, in either direction; CPU time only counts when the checkers run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Op } from '../harness/history/history.ts';
import { checkHistory, indexHistory } from '../scenarios/checkers/index.ts';
import { plantAnomaly, simulateHistory, type SimulationOptions } from '../scenarios/checkers/simulated-history.ts';

const SIZES = [10_000, 100_000, 1_000_000];
const MAX_RATIO = 12;
const ROUNDS = 5;
const SHAPE: Omit<SimulationOptions, 'ops' | 'seed'> = { producers: 8, partitions: 16, consumers: 4, transactions: true, maxInFlight: 3 };

// gc() without a command-line flag, so a plain `node bench/checkers.ts` can drop the
// generator's garbage before timing.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** The history as read back from JSON lines. */
const asStored = (ops: readonly Op[]): Op[] => ops.map((op) => JSON.parse(JSON.stringify(op)) as Op);

/** Touches every op, value, record and string once: the least any check of the history costs. */
function traverse(history: readonly Op[]): number {
  let sum = 0;
  for (const op of history) {
    sum += op.index + op.f.length + op.type.length;
    const v = op.value as { records?: { offset: number; value: string | null }[]; value?: unknown } | null;
    if (v?.records) for (const r of v.records) sum += r.offset + (r.value?.length ?? 0);
    else if (typeof v?.value === 'string') sum += v.value.length;
  }
  return sum;
}

/** Median wall and CPU time (seconds) of `rounds` timed calls of `f`, after two untimed calls. */
function median(rounds: number, f: () => unknown): { wall: number; cpu: number } {
  collect();
  f();
  f();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  return { wall: mid(walls), cpu: mid(cpus) };
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

console.log(`# Checker scaling (Node ${process.versions.node}; ${SHAPE.producers} producers, ${SHAPE.partitions} partitions, ${SHAPE.consumers} consumers, transactions)\n`);
console.log(`| ops | records polled | sends | checkHistory CPU (median of ${ROUNDS}) | ops/s (CPU) | checkHistory wall | of which indexHistory CPU | bare traversal CPU | heap |`);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');

// Warm the JIT on a small history first, so the 10^4 row measures checking, not compiling.
median(ROUNDS, () => checkHistory(asStored(simulateHistory({ ...SHAPE, ops: 5_000, seed: 7 }))));

const check = new Map<number, { wall: number; cpu: number }>();
const floor = new Map<number, { wall: number; cpu: number }>();
const index = new Map<number, { wall: number; cpu: number }>();
let largest: Op[] = [];
for (const size of SIZES) {
  largest = [];
  const history = asStored(simulateHistory({ ...SHAPE, ops: size, seed: size }));
  let records = 0;
  let sends = 0;
  for (const op of history) {
    if (op.f === 'poll' && op.type === 'ok') records += (op.value as { records: unknown[] }).records.length;
    if (op.f === 'send' && op.type === 'invoke') sends++;
  }
  const s = median(ROUNDS, () => checkHistory(history));
  const x = median(ROUNDS, () => indexHistory(history));
  const t = median(ROUNDS, () => traverse(history));
  check.set(size, s);
  index.set(size, x);
  floor.set(size, t);
  console.log(`| ${fmt(history.length)} | ${fmt(records)} | ${fmt(sends)} | ${ms(s.cpu)} | ${fmt(history.length / s.cpu)} | ${ms(s.wall)} | ${ms(x.cpu)} | ${ms(t.cpu)} | ${mb(process.memoryUsage().heapUsed)} |`);
  largest = history;
}

const ratio = check.get(1_000_000)!.wall / check.get(100_000)!.wall;
const cpuRatio = check.get(1_000_000)!.cpu / check.get(100_000)!.cpu;
const indexRatio = index.get(1_000_000)!.cpu / index.get(100_000)!.cpu;
const floorRatio = floor.get(1_000_000)!.cpu / floor.get(100_000)!.cpu;
console.log(
  `\n10^6 / 10^5: checkHistory ${cpuRatio.toFixed(2)}× CPU, ${ratio.toFixed(2)}× wall (linear is 10×; bound ${MAX_RATIO}× CPU) — ${cpuRatio <= MAX_RATIO ? 'ok' : 'OVER'}; ` +
    `indexHistory alone ${indexRatio.toFixed(2)}× CPU; bare traversal of the same histories ${floorRatio.toFixed(2)}× CPU`,
);

const planted = plantAnomaly(largest, 'lost-write');
const t0 = performance.now();
const lost = checkHistory(planted).find((r) => r.checker === 'lost-write')!;
const found = lost.valid === false && lost.count === 1;
console.log(`planted lost write in the ${fmt(planted.length)}-op history: ${found ? 'found' : 'NOT FOUND'} in ${(performance.now() - t0).toFixed(0)} ms (${lost.summary})`);

if (cpuRatio > MAX_RATIO || !found) process.exitCode = 1;
