/**
 * Fuzz benchmark: N random and structure-aware mutated frames (default 1,000,000) against the
 * reference broker run as its own process (`kconform broker`, so a crash is seen as one and its
 * memory is its own) and, with `--kafka VERSION`, against Apache Kafka the same way. Reports per
 * target: crashes (goal 0), hangs (a frame neither answered nor closed in time), the slowest
 * answer or close, health checks of a well-behaved client, frames/s, and the broker process's
 * resident memory before and after (plus, for the reference broker, internal errors in its log).
 *
 *   node bench/fuzz.ts [--frames 1000000] [--seed 1] [--connections 4] [--kafka 4.4.0]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fuzzBroker, type FuzzReport } from '../harness/fuzz/fuzz-broker.ts';
import { MUTATION_KINDS } from '../harness/fuzz/frame-mutator.ts';
import { startKafkaNode } from '../harness/kafka-dist/index.ts';
import { startReferenceProcesses } from '../harness/targets/reference-process.ts';
import { pidAlive } from '../reference-broker/state/pid-alive.ts';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    connections: { type: 'string', default: '4' },
    kafka: { type: 'string' },
  },
});
const frames = Number(values.frames);
const seed = Number(values.seed);
const connections = Number(values.connections);
for (const [name, v] of [
  ['--frames', frames],
  ['--seed', seed],
  ['--connections', connections],
] as const) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`bench/fuzz: ${name} must be a positive integer`);
    process.exit(2);
  }
}

/** Resident memory of a process, from /proc (Linux). */
async function rssBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : undefined;
}

const alive = (pid: number | undefined): boolean => pid !== undefined && pidAlive(pid);

const mib = (n: number | undefined) => (n === undefined ? '?' : `${(n / 1024 / 1024).toFixed(0)} MiB`);
const rows: string[] = [];
const kinds: string[] = [];

async function measure(
  name: string,
  bootstrap: string,
  pid: () => number | undefined,
  afterRun: () => Promise<string> = async () => '',
): Promise<void> {
  process.stderr.write(`${name}: ${frames} frames on ${bootstrap}, ${connections} connections, seed ${seed}\n`);
  const before = await rssBytes(pid());
  const t0 = performance.now();
  let lastPrint = 0;
  const r: FuzzReport = await fuzzBroker({
    bootstrap,
    frames,
    seed,
    connections,
    healthEvery: 2_000,
    isAlive: () => alive(pid()),
    onProgress: (sent, rep) => {
      if (sent - lastPrint < 50_000) return;
      lastPrint = sent;
      const s = (performance.now() - t0) / 1000;
      process.stderr.write(
        `  ${sent}/${frames} (${(sent / s).toFixed(0)} frames/s, answered ${rep.answered}, closed ${rep.closedByBroker}, hangs ${rep.unanswered}, crashes ${rep.crashes})\n`,
      );
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const after = await rssBytes(pid());
  const extra = await afterRun();
  const ok = r.healthChecks - r.healthFailures.length;
  rows.push(
    `| ${name} | ${r.sent.toLocaleString('en')} | ${r.answered.toLocaleString('en')} | ${r.closedByBroker.toLocaleString('en')} | ${r.silentByProtocol.toLocaleString('en')} | ${r.unanswered} | ${r.crashes} | ${r.slowestAnswerMs.toFixed(0)} ms | ${ok}/${r.healthChecks} | ${(r.sent / seconds).toFixed(0)} | ${mib(before)} → ${mib(after)} | ${extra} |`,
  );
  kinds.push(`${name}: ${MUTATION_KINDS.map((k) => `${k} ${r.byKind[k] ?? 0}`).join(', ')}`);
  for (const h of r.hangSamples) console.error(`${name} hang (${h.kind}): ${h.hex}`);
  if (r.healthFailures.length)
    console.error(`${name} health failures:\n  ${r.healthFailures.slice(0, 5).join('\n  ')}`);
}

{
  const ref = await startReferenceProcesses({ brokers: 1 });
  try {
    const node = ref.nodes[0]!;
    await measure(
      'reference (process)',
      node.bootstrap,
      () => node.pid,
      async () => {
        const log = await readFile(node.logFile, 'utf8').catch(() => '');
        const internal = log.split('\n').filter((l) => l.includes('internal error')).length;
        return `internal errors logged: ${internal}`;
      },
    );
  } finally {
    await ref.stop();
  }
}

if (values.kafka) {
  const node = await startKafkaNode({ version: values.kafka });
  try {
    await measure(`kafka@${values.kafka}`, node.bootstrap, () => node.pid);
  } finally {
    await node.stop();
  }
}

console.log(
  `\nfuzz: ${frames.toLocaleString('en')} frames per target, seed ${seed}, ${connections} connections, a well-behaved client producing and reading every 2,000 frames\n`,
);
console.log(
  '| target | sent | answered | closed by broker | silent by protocol | hangs | crashes | slowest answer or close | health checks ok | frames/s | broker RSS before → after | notes |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\nframes by mutation:\n${kinds.join('\n')}`);
