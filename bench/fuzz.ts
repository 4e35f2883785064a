/**
 * Fuzz benchmark: N random and mutated frames (default 100,000) against the reference broker
 * (in-process) and, with `--kafka VERSION`, against real Apache Kafka in the same run; reports
 * hangs, broker-side closes, the slowest answer, health-check failures, and the reference
 * broker's memory before and after.
 *
 *   node bench/fuzz.ts [--frames 100000] [--seed 1] [--kafka 4.4.0]
 */
import { parseArgs } from 'node:util';
import { fuzzBroker, type FuzzReport } from '../harness/fuzz/fuzz-broker.ts';
import { startKafkaNode } from '../harness/kafka-dist/index.ts';
import { silentLogger } from '../reference-broker/logger.ts';
import { startBroker } from '../reference-broker/server.ts';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '100000' }, seed: { type: 'string', default: '1' }, kafka: { type: 'string' } } });
const frames = Number(values.frames);
const seed = Number(values.seed);

function row(name: string, r: FuzzReport, seconds: number, extra = ''): string {
  return `| ${name} | ${r.sent} | ${r.answered} | ${r.closedByBroker} | ${r.silentByProtocol} | ${r.unanswered} | ${r.slowestAnswerMs.toFixed(1)} | ${r.healthChecks - r.healthFailures.length}/${r.healthChecks} | ${(r.sent / seconds).toFixed(0)} | ${extra} |`;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const rows: string[] = [];
const progress = (sent: number) => {
  if (sent % 20_000 < 2000) process.stderr.write(`  ${sent}/${frames}\n`);
};

{
  global.gc?.();
  const broker = await startBroker({ port: 0 }, silentLogger);
  const before = process.memoryUsage();
  const t0 = performance.now();
  const r = await fuzzBroker({ bootstrap: broker.bootstrap, frames, seed, connections: 4, healthEvery: 2000, onProgress: progress });
  const seconds = (performance.now() - t0) / 1000;
  global.gc?.();
  const after = process.memoryUsage();
  rows.push(row('reference', r, seconds, `rss ${mb(before.rss)} → ${mb(after.rss)}, heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}`));
  if (r.healthFailures.length) console.error(r.healthFailures.slice(0, 5).join('\n'));
  await broker.close();
}

if (values.kafka) {
  await using node = await startKafkaNode({ version: values.kafka });
  const t0 = performance.now();
  const r = await fuzzBroker({ bootstrap: node.bootstrap, frames, seed, connections: 4, healthEvery: 2000, onProgress: progress });
  rows.push(row(`kafka@${values.kafka}`, r, (performance.now() - t0) / 1000));
  if (r.healthFailures.length) console.error(r.healthFailures.slice(0, 5).join('\n'));
}

console.log(`\nfuzz: ${frames} frames per target, seed ${seed}\n`);
console.log('| target | sent | answered | closed by broker | silent by protocol | unanswered (hangs) | slowest answer ms | health checks ok | frames/s | memory |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
