/**
 * Targets benchmark: time to ready and resident memory once ready, for the reference broker (as
 * a process), Apache Kafka (release jars as a process) and Kafka in a container, in one run, with
 * ratios against Kafka. Median of `--repeat` starts each.
 *
 *   node bench/targets.ts [--repeat 3] [--kafka 4.4.0] [--brokers K] [--no-container]
 *
 * With --brokers K both are K-node clusters (the reference cluster's processes, a Kafka KRaft
 * cluster), ready when every node serves; memory is the sum over the nodes; containers are skipped.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { LATEST_KAFKA_VERSION } from '../harness/kafka-dist/index.ts';
import { startKafkaCluster } from '../harness/kafka-dist/kafka-cluster.ts';
import { startReferenceProcesses } from '../harness/targets/reference-process.ts';
import { rssOfTree } from '../app/load/process-rss.ts';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    kafka: { type: 'string', default: LATEST_KAFKA_VERSION },
    brokers: { type: 'string', default: '1' },
    'no-container': { type: 'boolean', default: false },
  },
});
const repeat = Number(values.repeat);
const brokers = Number(values.brokers);
if (!Number.isInteger(brokers) || brokers < 1)
  throw new Error(`--brokers must be a positive integer, got ${values.brokers}`);

interface Sample {
  readyMs: number;
  rss: number;
}

async function measure(
  name: string,
  start: () => Promise<{ pids: number[]; stop: () => Promise<void> }>,
): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    const t = await start();
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000)); // let start-up allocations settle
    samples.push({ readyMs, rss: t.pids.reduce((sum, pid) => sum + rssOfTree(pid), 0) });
    await t.stop();
    process.stderr.write(
      `  ${name} #${i + 1}: ready in ${readyMs.toFixed(0)} ms, rss ${(samples.at(-1)!.rss / 2 ** 20).toFixed(0)} MiB\n`,
    );
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { readyMs: median(samples.map((s) => s.readyMs)), rss: median(samples.map((s) => s.rss)) };
}

const results = new Map<string, Sample>();
const nodes = brokers === 1 ? 'process' : `${brokers} processes`;
results.set(
  `reference (${nodes})`,
  await measure('reference', async () => {
    const r = await startReferenceProcesses({ brokers });
    return { pids: r.nodes.map((n) => n.pid!), stop: () => r.stop() };
  }),
);
results.set(
  `kafka@${values.kafka} (${nodes})`,
  await measure('kafka', async () => {
    const k = await startKafkaCluster({ version: values.kafka, brokers });
    return { pids: k.nodes.map((n) => n.pid!), stop: () => k.stop() };
  }),
);
if (!values['no-container'] && brokers === 1) {
  try {
    const { startKafkaContainer } = await import('../harness/containers/container-target.ts');
    results.set(
      `container (${values.kafka})`,
      await measure('container', async () => {
        const c = await startKafkaContainer({ kafkaVersion: values.kafka });
        const pid = Number(
          execFileSync('podman', ['inspect', '-f', '{{.State.Pid}}', c.containerId], { encoding: 'utf8' }).trim(),
        );
        return { pids: [pid], stop: () => c.stop() };
      }),
    );
  } catch (err) {
    process.stderr.write(`container target skipped: ${(err as Error).message.split('\n')[0]}\n`);
  }
}

const kafka = results.get(`kafka@${values.kafka} (${nodes})`)!;
console.log(`\ntime to ready and resident memory once ready (median of ${repeat}; ratios against Kafka as ${nodes})\n`);
console.log('| target | time to ready | ratio | RSS | ratio |');
console.log('|---|---|---|---|---|');
for (const [name, s] of results) {
  console.log(
    `| ${name} | ${s.readyMs.toFixed(0)} ms | ${(s.readyMs / kafka.readyMs).toFixed(3)}× | ${(s.rss / 2 ** 20).toFixed(0)} MiB | ${(s.rss / kafka.rss).toFixed(3)}× |`,
  );
}
