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
 *
 * `node bench/checkers.ts --txn` measures a transactional history instead (simulated-txn-history.ts:
 * every op a transaction's begin, send, end or a poll at either isolation level, so the
 * transactional checkers and their dependency graph run on all of it), plants an aborted read,
 * and also fails when 10^6 ops are checked at under 500,000 ops/s of CPU time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Op } from '../harness/history/history.ts';
import { checkHistory, indexHistory } from '../scenarios/checkers/index.ts';
import { plantAnomaly, simulateHistory, type SimulationOptions } from '../scenarios/checkers/simulated-history.ts';
import { simulateTxnHistory, type TxnSimulationOptions } from '../scenarios/checkers/simulated-txn-history.ts';

const SIZES = [10_000, 100_000, 1_000_000];
const MAX_RATIO = 12;
const ROUNDS = 5;
const SHAPE: Omit<SimulationOptions, 'ops' | 'seed'> = {
  producers: 8,
  partitions: 16,
  consumers: 4,
  transactions: true,
  maxInFlight: 3,
};

/** The transactional history (`--txn`): transactional producers, reads inside transactions, both isolation levels. */
const TXN_SHAPE: Omit<TxnSimulationOptions, 'ops' | 'seed'> = { producers: 8, partitions: 16, consumers: 4 };
/** The floor for the transactional history at 10^6 ops (CPU time). */
const MIN_TXN_OPS_PER_S = 500_000;
const TXN = process.argv.includes('--txn');
const generate = (ops: number, seed: number): Op[] =>
  TXN ? simulateTxnHistory({ ...TXN_SHAPE, ops, seed }) : simulateHistory({ ...SHAPE, ops, seed });

/**
 * A G1a planted in a transactional history: a record of an aborted transaction appended to the
 * final read_committed read's first poll. The txn-g1a checker must count exactly it.
 */
function plantAbortedRead(history: readonly Op[]): Op[] {
  const out = history.map((op) => ({ ...op }));
  const aborted = out.find(
    (o) => o.f === 'end-txn' && o.type === 'invoke' && (o.value as { outcome?: string }).outcome === 'abort',
  )!;
  const id = (aborted.value as { id: string }).id;
  const record = out.find(
    (o) => o.f === 'send' && o.type === 'ok' && (o.value as { txn?: { id: string } }).txn?.id === id,
  )!.value;
  const at = out.findIndex((o) => o.process === 'final-read' && o.f === 'poll' && o.type === 'ok');
  const v = out[at]!.value as { records: unknown[] };
  out[at] = { ...out[at]!, value: { ...v, records: [...v.records, record] } };
  return out;
}

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

/** Median wall and CPU time (seconds) of `rounds` timed calls of `f`, after two untimed calls, and the least CPU time. */
function median(rounds: number, f: () => unknown): { wall: number; cpu: number; bestCpu: number } {
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
  return { wall: mid(walls), cpu: mid(cpus), bestCpu: Math.min(...cpus) };
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

/** What one size measured (seconds), as its child process reports it. */
interface SizeResult {
  size: number;
  ops: number;
  records: number;
  sends: number;
  check: { wall: number; cpu: number; bestCpu: number };
  index: { wall: number; cpu: number; bestCpu: number };
  traversal: { wall: number; cpu: number; bestCpu: number };
  heapBytes: number;
  /** Only for the largest size: whether a planted lost write was found, and the summary. */
  planted?: { ops: number; found: boolean; ms: number; summary: string };
}

/**
 * Measures one size, in a process of its own: each size starts from the same heap (only its own
 * history alive), so garbage left by generating or checking another size is never collected on
 * its time.
 */
function measure(size: number, plant: boolean): SizeResult {
  // Warm the JIT on a small history first, so the rounds measure checking, not compiling.
  median(ROUNDS, () => checkHistory(asStored(generate(5_000, 7))));
  const history = asStored(generate(size, size));
  let records = 0;
  let sends = 0;
  for (const op of history) {
    if (op.f === 'poll' && op.type === 'ok') records += (op.value as { records: unknown[] }).records.length;
    if (op.f === 'send' && op.type === 'invoke') sends++;
  }
  const check = median(ROUNDS, () => checkHistory(history));
  const index = median(ROUNDS, () => indexHistory(history));
  const traversal = median(ROUNDS, () => traverse(history));
  const result: SizeResult = {
    size,
    ops: history.length,
    records,
    sends,
    check,
    index,
    traversal,
    heapBytes: process.memoryUsage().heapUsed,
  };
  if (plant) {
    const planted = TXN ? plantAbortedRead(history) : plantAnomaly(history, 'lost-write');
    const t0 = performance.now();
    const lost = checkHistory(planted).find((r) => r.checker === (TXN ? 'txn-g1a' : 'lost-write'))!;
    result.planted = {
      ops: planted.length,
      found: lost.valid === false && lost.count === 1,
      ms: performance.now() - t0,
      summary: lost.summary,
    };
  }
  return result;
}

const one = process.argv.indexOf('--size');
if (one >= 0) {
  const size = Number(process.argv[one + 1]);
  process.stdout.write(JSON.stringify(measure(size, size === SIZES[SIZES.length - 1])) + '\n');
} else {
  console.log(
    TXN
      ? `# Checker scaling, transactional history (Node ${process.versions.node}; ${TXN_SHAPE.producers} transactional producers, ${TXN_SHAPE.partitions} partitions, ${TXN_SHAPE.consumers} consumers at both isolation levels, reads inside transactions)\n`
      : `# Checker scaling (Node ${process.versions.node}; ${SHAPE.producers} producers, ${SHAPE.partitions} partitions, ${SHAPE.consumers} consumers, transactions)\n`,
  );
  console.log(
    `| ops | records polled | sends | checkHistory CPU (median of ${ROUNDS}) | ops/s (CPU) | checkHistory wall | of which indexHistory CPU | bare traversal CPU | heap |`,
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const results = new Map<number, SizeResult>();
  for (const size of SIZES) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--size', String(size), ...(TXN ? ['--txn'] : [])],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (child.status !== 0) throw new Error(`measuring ${size} ops failed (exit ${child.status ?? child.signal})`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as SizeResult;
    results.set(size, r);
    console.log(
      `| ${fmt(r.ops)} | ${fmt(r.records)} | ${fmt(r.sends)} | ${ms(r.check.cpu)} | ${fmt(r.ops / r.check.cpu)} | ${ms(r.check.wall)} | ${ms(r.index.cpu)} | ${ms(r.traversal.cpu)} | ${mb(r.heapBytes)} |`,
    );
  }
  const big = results.get(1_000_000)!;
  const small = results.get(100_000)!;
  const cpuRatio = big.check.cpu / small.check.cpu;
  const wallRatio = big.check.wall / small.check.wall;
  const indexRatio = big.index.cpu / small.index.cpu;
  const floorRatio = big.traversal.cpu / small.traversal.cpu;
  console.log(
    `\n10^6 / 10^5: checkHistory ${cpuRatio.toFixed(2)}× CPU, ${wallRatio.toFixed(2)}× wall (linear is 10×; bound ${MAX_RATIO}× CPU) — ${cpuRatio <= MAX_RATIO ? 'ok' : 'OVER'}; ` +
      `indexHistory alone ${indexRatio.toFixed(2)}× CPU; bare traversal of the same histories ${floorRatio.toFixed(2)}× CPU`,
  );
  // The least CPU time leaves out rounds a collection or a neighbour lengthened: closer to the
  // memory hierarchy's own ratio, printed so the median's verdict can be read against it.
  console.log(
    `least of ${ROUNDS} rounds, 10^6 / 10^5: checkHistory ${(big.check.bestCpu / small.check.bestCpu).toFixed(2)}× CPU; bare traversal ${(big.traversal.bestCpu / small.traversal.bestCpu).toFixed(2)}× CPU`,
  );
  const planted = big.planted!;
  console.log(
    `planted ${TXN ? 'aborted read (G1a)' : 'lost write'} in the ${fmt(planted.ops)}-op history: ${planted.found ? 'found' : 'NOT FOUND'} in ${planted.ms.toFixed(0)} ms (${planted.summary})`,
  );
  const rate = big.ops / big.check.cpu;
  if (TXN)
    console.log(
      `10^6 ops checked at ${fmt(rate)} ops/s (CPU; floor ${fmt(MIN_TXN_OPS_PER_S)}) — ${rate >= MIN_TXN_OPS_PER_S ? 'ok' : 'UNDER'}`,
    );
  if (cpuRatio > MAX_RATIO || !planted.found || (TXN && rate < MIN_TXN_OPS_PER_S)) process.exitCode = 1;
}
