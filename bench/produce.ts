/**
 * Produce benchmark: the reference broker and Apache Kafka side by side in one run, driven by the
 * same client (kconform load's raw driver by default — pre-built batches, pipelined connections —
 * or its kafkajs producers; flat out, batched) with the same settings, on the same machine; and
 * the same client against a null sink (acknowledges without storing: the driver's own ceiling,
 * which must be well above the fastest broker for the figures to measure brokers). The physical
 * limit is measured in the same run: loopback bandwidth and a no-op TCP echo of request-sized
 * frames (bench/physical-limit.ts), and each target is given as a fraction of it. Per target: time to ready, and per acks level: records/s, MB/s, produce
 * latency percentiles and the broker process's resident memory under load. Ratios against Kafka
 * measured in the same run, with the goals of issue #8.
 *
 *   node bench/produce.ts [--driver raw|kafkajs] [--in-flight 32] [--kafka 4.4.0] [--brokers 1] [--duration 5] [--rounds 3] [--warmup 3]
 *                         [--producers 4] [--batch 100] [--record-size 1024] [--partitions 3]
 *                         [--acks 1,all] [--json FILE]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { registerCleanup } from '../harness/cleanup/cleanup-registry.ts';
import { LATEST_KAFKA_VERSION } from '../harness/kafka-dist/index.ts';
import { startKafkaCluster } from '../harness/kafka-dist/kafka-cluster.ts';
import { acksName, parseAcks, type Acks } from '../app/load/load-options.ts';
import type { LoadResults } from '../app/load/load-results.ts';
import { runLoad, type LoadRunOptions } from '../app/load/load-run.ts';
import { runRawLoad } from '../app/load/raw/raw-load-run.ts';
import { measurePhysicalLimit, type PhysicalLimit } from './physical-limit.ts';
import { sampleRss } from '../app/load/process-rss.ts';
import { startReferenceProcesses } from '../harness/targets/reference-process.ts';

const { values } = parseArgs({
  options: {
    kafka: { type: 'string', default: LATEST_KAFKA_VERSION },
    brokers: { type: 'string', default: '1' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    producers: { type: 'string', default: '4' },
    batch: { type: 'string', default: '100' },
    'record-size': { type: 'string', default: '1024' },
    partitions: { type: 'string', default: '3' },
    acks: { type: 'string', default: '1,all' },
    json: { type: 'string' },
    driver: { type: 'string', default: 'raw' },
    'in-flight': { type: 'string', default: '32' },
    'limit-seconds': { type: 'string', default: '3' },
  },
});
if (values.driver !== 'raw' && values.driver !== 'kafkajs')
  throw new Error(`--driver is raw or kafkajs, got ${values.driver}`);
const driver = values.driver;
const inFlight = Number(values['in-flight']);
const limitSeconds = Number(values['limit-seconds']);
/** One load run with the chosen driver. */
const runWith = (o: LoadRunOptions): Promise<LoadResults> =>
  driver === 'raw' ? runRawLoad({ ...o, maxInFlight: inFlight }) : runLoad(o);
const brokers = Number(values.brokers);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
const producers = Number(values.producers);
const batch = Number(values.batch);
const recordSize = Number(values['record-size']);
const partitions = Number(values.partitions);
const acksLevels: Acks[] = values.acks.split(',').map(parseAcks);

/** A started system under test: where clients connect, which processes to measure, how to stop it. */
interface Started {
  name: string;
  bootstrap: string;
  pids: number[];
  readyMs: number;
  stop(): Promise<void>;
}

interface Row {
  target: string;
  acks: Acks;
  readyMs: number;
  /** The round with the median throughput. */
  load: LoadResults;
  /** Throughput of every round. */
  rounds: number[];
  rssPeak: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The null sink as its own process, so it takes no CPU from the client in this one. */
async function startNullSinkProcess(): Promise<Omit<Started, 'name' | 'readyMs'>> {
  const script = fileURLToPath(new URL('../app/load/null-sink.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [script, '--partitions', String(partitions)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /ready on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`null sink exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return { bootstrap, pids: [child.pid!], stop };
}

/** Starts one target, timing how long it takes to be ready (the start functions wait for Metadata answers). */
async function start(name: string, how: () => Promise<Omit<Started, 'name' | 'readyMs'>>): Promise<Started> {
  log(`starting ${name}`);
  const t0 = performance.now();
  const s = await how();
  const readyMs = performance.now() - t0;
  const unregister = registerCleanup(`stop ${name}`, () => s.stop());
  log(`  ready in ${readyMs.toFixed(0)} ms at ${s.bootstrap}`);
  return { ...s, name, readyMs, stop: () => s.stop().finally(unregister) };
}

// Every target is started before measuring, and the rounds alternate between them: on a shared
// machine the load of other work changes by the minute, and measuring one target after the other
// would hand that drift to the comparison. Each figure is the median of the rounds.
const targets: Started[] = [];
const stopAll = () => Promise.all(targets.map((t) => t.stop()));
const rows: Row[] = [];
const limits: PhysicalLimit[] = [];
const measureLimit = async () => {
  log(`physical limit: loopback bandwidth and a no-op TCP echo, ${limitSeconds} s each`);
  const l = await measurePhysicalLimit({
    seconds: limitSeconds,
    connections: Math.min(producers, partitions),
    inFlight,
    recordsPerRequest: batch,
    recordSize,
  });
  log(
    `  loopback ${l.loopbackMBps.toFixed(0)} MB/s, echo ${Math.round(l.echoRecordsPerSecond)} records/s (${Math.round(l.echoRequestsPerSecond)} requests/s)`,
  );
  limits.push(l);
};
try {
  targets.push(await start('null sink (client ceiling)', startNullSinkProcess));
  targets.push(
    await start(`reference${brokers > 1 ? ` x${brokers}` : ''} (process)`, async () => {
      const r = await startReferenceProcesses({ brokers });
      return { bootstrap: r.bootstrap, pids: r.nodes.map((n) => n.pid!), stop: () => r.stop() };
    }),
  );
  targets.push(
    await start(`kafka@${values.kafka}${brokers > 1 ? ` x${brokers}` : ''}`, async () => {
      const k = await startKafkaCluster({ version: values.kafka, brokers });
      return { bootstrap: k.bootstrap, pids: k.nodes.map((n) => n.pid!), stop: () => k.stop() };
    }),
  );
  const common = {
    producers,
    consumers: 0,
    rate: undefined,
    recordSize,
    partitions,
    compression: 'none' as const,
    batch,
    replicationFactor: Math.min(brokers, 3),
  };
  if (warmup > 0) {
    for (const t of targets) {
      log(`warm-up ${t.name}, ${warmup} s`);
      await runWith({
        ...common,
        bootstrap: t.bootstrap,
        target: t.name,
        topic: `bench-warmup-${Date.now()}`,
        acks: 1,
        durationSeconds: warmup,
      });
    }
  }
  // Before and after the rounds: the machine's load drifts, and the higher of the two is the limit.
  await measureLimit();
  const runs = new Map<string, { load: LoadResults; rss: number }[]>();
  for (let round = 1; round <= rounds; round++) {
    for (const acks of acksLevels) {
      for (const t of round % 2 === 1 ? targets : [...targets].reverse()) {
        const rss = sampleRss(t.pids);
        const load = await runWith({
          ...common,
          bootstrap: t.bootstrap,
          target: t.name,
          topic: `bench-${acksName(acks)}-${Date.now()}`,
          acks,
          durationSeconds: duration,
        });
        const mem = rss.stop();
        log(
          `round ${round}/${rounds} acks=${acksName(acks)} ${t.name}: ${Math.round(load.throughput.recordsPerSecond)} records/s, p99 ${load.produceLatencyMs.p99} ms, RSS ${(mem.peak / 2 ** 20).toFixed(0)} MiB`,
        );
        const key = `${t.name}|${acks}`;
        runs.set(key, [...(runs.get(key) ?? []), { load, rss: mem.peak }]);
      }
    }
  }
  await measureLimit();
  for (const t of targets) {
    for (const acks of acksLevels) {
      const rs = [...runs.get(`${t.name}|${acks}`)!].sort(
        (a, b) => a.load.throughput.recordsPerSecond - b.load.throughput.recordsPerSecond,
      );
      const median = rs[Math.floor(rs.length / 2)]!;
      rows.push({
        target: t.name,
        acks,
        readyMs: t.readyMs,
        load: median.load,
        rounds: rs.map((r) => Math.round(r.load.throughput.recordsPerSecond)),
        rssPeak: Math.max(...rs.map((r) => r.rss)),
      });
    }
  }
} finally {
  await stopAll();
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const n0 = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(
  `\nproduce benchmark: ${driver === 'raw' ? `raw driver, ${producers} connections x ${inFlight} requests in flight` : `${producers} kafkajs producers`} flat out, batches of ${batch} x ${recordSize} B, ${partitions} partitions, ${brokers} node(s); median of ${rounds} rounds of ${duration} s per target and acks level, rounds alternating between targets (after a ${warmup} s warm-up)\n`,
);
console.log(
  '| target | acks | records/s (median) | rounds | MB/s | p50 ms | p99 ms | p99.9 ms | errors | time to ready | RSS under load (peak) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const l = r.load;
  const ready = r.target.startsWith('null') ? '-' : `${n0(r.readyMs)} ms`;
  const rss = r.target.startsWith('null') ? '-' : mib(r.rssPeak);
  console.log(
    `| ${r.target} | ${acksName(r.acks)} | ${n0(l.throughput.recordsPerSecond)} | ${r.rounds.map(n0).join(' / ')} | ${l.throughput.megabytesPerSecond.toFixed(1)} | ${l.produceLatencyMs.p50.toFixed(2)} | ${l.produceLatencyMs.p99.toFixed(2)} | ${l.produceLatencyMs.p999.toFixed(2)} | ${l.errorCount} | ${ready} | ${rss} |`,
  );
}

const ref = rows.filter((r) => r.target.startsWith('reference'));
const kafka = rows.filter((r) => r.target.startsWith('kafka'));
const sink = rows.filter((r) => r.target.startsWith('null'));
const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
console.log('\n| ratio (reference / Kafka, same run) | acks | value | goal | |');
console.log('|---|---|---|---|---|');
for (const acks of acksLevels) {
  const r = ref.find((x) => x.acks === acks)!;
  const k = kafka.find((x) => x.acks === acks)!;
  const s = sink.find((x) => x.acks === acks)!;
  const tput = r.load.throughput.recordsPerSecond / k.load.throughput.recordsPerSecond;
  const p99 = r.load.produceLatencyMs.p99 / k.load.produceLatencyMs.p99;
  const mem = r.rssPeak / k.rssPeak;
  console.log(`| throughput | ${acksName(acks)} | ${tput.toFixed(2)}x | >= 1.0x | ${mark(tput >= 1)} |`);
  console.log(`| produce p99 | ${acksName(acks)} | ${p99.toFixed(2)}x | <= 1.0x | ${mark(p99 <= 1)} |`);
  console.log(`| RSS under load | ${acksName(acks)} | ${mem.toFixed(3)}x | <= 0.25x | ${mark(mem <= 0.25)} |`);
  console.log(
    `| driver ceiling used: reference / Kafka | ${acksName(acks)} | ${((r.load.throughput.recordsPerSecond / s.load.throughput.recordsPerSecond) * 100).toFixed(0)}% / ${((k.load.throughput.recordsPerSecond / s.load.throughput.recordsPerSecond) * 100).toFixed(0)}% | < 100% (client not the bottleneck) | |`,
  );
}
const ready = ref[0]!.readyMs / kafka[0]!.readyMs;
console.log(`| time to ready | - | ${ready.toFixed(3)}x | <= 0.05x | ${mark(ready <= 0.05)} |`);
const loopback = Math.max(...limits.map((l) => l.loopbackMBps));
const echo = Math.max(...limits.map((l) => l.echoRecordsPerSecond));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  `\n| driver ceiling (null sink) / fastest broker, same run | acks | null sink records/s | fastest broker | ratio | goal | |`,
);
console.log('|---|---|---|---|---|---|---|');
for (const acks of acksLevels) {
  const s = sink.find((x) => x.acks === acks)!;
  const best = [...ref, ...kafka]
    .filter((x) => x.acks === acks)
    .sort((a, b) => b.load.throughput.recordsPerSecond - a.load.throughput.recordsPerSecond)[0]!;
  const ratio = s.load.throughput.recordsPerSecond / best.load.throughput.recordsPerSecond;
  console.log(
    `| ceiling | ${acksName(acks)} | ${n0(s.load.throughput.recordsPerSecond)} | ${best.target} ${n0(best.load.throughput.recordsPerSecond)} | ${ratio.toFixed(2)}x | >= 5x | ${mark(ratio >= 5)} |`,
  );
}
console.log(
  `\nphysical limit (same run, best of ${limits.map((l) => `${l.loopbackMBps.toFixed(0)} MB/s / ${n0(l.echoRecordsPerSecond)} records/s`).join(' and ')}): loopback ${loopback.toFixed(0)} MB/s; no-op TCP echo of ${batch} x ${recordSize} B requests ${n0(echo)} records/s\n`,
);
console.log('| target | acks | MB/s | fraction of loopback bandwidth | records/s | fraction of the echo |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const t = r.load.throughput;
  console.log(
    `| ${r.target} | ${acksName(r.acks)} | ${t.megabytesPerSecond.toFixed(1)} | ${pct(t.megabytesPerSecond / loopback)} | ${n0(t.recordsPerSecond)} | ${pct(t.recordsPerSecond / echo)} |`,
  );
}
console.log('');
if (values.json)
  writeFileSync(
    values.json,
    JSON.stringify({ driver, limits, rows }, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2) + '\n',
  );
process.exit(0);
