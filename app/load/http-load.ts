/**
 * `kconform load --http`: the gateway (REST Proxy v3 subset) in front of the target, driven by
 * autocannon, so users of HTTP producers get latency and loss figures too. autocannon keeps one
 * request in flight per connection (closed loop; with --rate it paces requests, which still
 * leaves coordinated omission uncorrected: a stall delays the requests behind it). After the run
 * the topic is read back and every record acknowledged with a 2xx (partition and offset from its
 * answer) must be in it.
 */
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { startGateway } from '../gateway/gateway-server.ts';
import { LatencyHistogram } from './histogram.ts';
import type { LoadResults } from './load-results.ts';
import { pickSettings, type LoadRunOptions } from './load-run.ts';
import { RecordValues } from './record-values.ts';
import { ThroughputSeries } from './throughput-series.ts';

/** Runs HTTP load through an in-process gateway and checks the acknowledged records are stored. */
export async function runHttpLoad(opts: LoadRunOptions): Promise<LoadResults> {
  const progress = opts.progress ?? (() => {});
  const startedAt = new Date().toISOString();
  const clientLog = opts.clientLog ?? { write: () => true };
  const kafka = kafkajsClient(opts.bootstrap.split(','), 'kconform-load-http', {}, clientLog);
  const admin = kafka.admin();
  await admin.connect();
  try {
    progress(
      `creating topic ${opts.topic} (${opts.partitions} partitions, replication ${opts.replicationFactor ?? 1})`,
    );
    await createTopicsWithLeaders(kafka, [
      { topic: opts.topic, numPartitions: opts.partitions, replicationFactor: opts.replicationFactor ?? 1 },
    ]);

    await using gateway = await startGateway({
      bootstrap: opts.bootstrap,
      port: 0,
      acks: opts.acks,
      compression: opts.compression,
      clientLog,
    });
    progress(
      `gateway on ${gateway.url} (cluster ${gateway.clusterId}); autocannon: ${opts.producers} connections, ${opts.durationSeconds} s, ${opts.rate ? `${opts.rate} requests/s overall` : 'flat out'} (closed loop per connection)`,
    );

    const values = new RecordValues(opts.recordSize);
    const path = `/v3/clusters/${encodeURIComponent(gateway.clusterId)}/topics/${encodeURIComponent(opts.topic)}/records`;
    const acked = new Map<number, number[]>();
    let n = 0;
    let ackedCount = 0;
    let noOffset = 0;
    const t0 = performance.now();
    const series = new ThroughputSeries(t0);
    const httpHist = new LatencyHistogram();
    let secondHist = new LatencyHistogram();
    let responses = 0;
    let failures = 0;

    const instance = autocannon({
      url: gateway.url,
      connections: opts.producers,
      duration: opts.durationSeconds,
      ...(opts.rate ? { overallRate: opts.rate } : {}),
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => {
            const i = n++;
            series.add('sent', 1, performance.now());
            return {
              ...req,
              body: JSON.stringify({
                key: { type: 'STRING', data: `http-${i}` },
                value: { type: 'STRING', data: values.value(i).toString('latin1') },
              }),
            };
          },
          onResponse: (status, body) => {
            if (status < 200 || status > 299) return;
            try {
              const r = JSON.parse(body) as { partition_id: number; offset: number };
              if (r.offset < 0) {
                noOffset++;
                return;
              }
              let list = acked.get(r.partition_id);
              if (!list) acked.set(r.partition_id, (list = []));
              list.push(r.offset);
            } catch {
              noOffset++;
            }
          },
        },
      ],
    });
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      const t = performance.now();
      responses++;
      httpHist.record(responseTime);
      secondHist.record(responseTime);
      if (status >= 200 && status <= 299) {
        ackedCount++;
        series.add('acked', 1, t);
        series.add('ackedBytes', opts.recordSize, t);
      } else {
        failures++;
        series.add('errors', 1, t);
      }
    });
    const onAbort = () => instance.stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let second = 0;
    const ticker = setInterval(() => {
      series.setP99(second, secondHist.percentile(99));
      secondHist = new LatencyHistogram();
      const rate = series.sample(second).acked;
      second++;
      progress(
        `  ${String(second).padStart(4)} s  requests ${n}  2xx ${ackedCount}  non-2xx ${failures}  rate ${rate}/s  p99 ${httpHist.percentile(99).toFixed(2)} ms`,
      );
    }, 1000);
    let result: autocannon.Result;
    try {
      result = await instance;
    } finally {
      clearInterval(ticker);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const producingSeconds = (performance.now() - t0) / 1000;

    progress(`reading ${opts.topic} back to find the ${ackedCount - noOffset} acknowledged records`);
    const found = await readBack(kafka, admin, opts.topic, opts.signal);
    let lostAcked = 0;
    const lostExamples: string[] = [];
    let readBackCount = 0;
    for (const [partition, offsets] of acked) {
      const present = found.get(partition);
      for (const o of offsets) {
        if (present?.has(o)) readBackCount++;
        else {
          lostAcked++;
          if (lostExamples.length < 10) lostExamples.push(`${opts.topic}-${partition}@${o}`);
        }
      }
    }

    const statusCodes: Record<string, number> = {};
    for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = s.count;
    const errors: Record<string, number> = {};
    for (const [code, count] of Object.entries(statusCodes)) if (!code.startsWith('2')) errors[`HTTP ${code}`] = count;
    if (result.errors) errors['socket errors'] = result.errors;
    if (result.timeouts) errors.timeouts = result.timeouts;
    const latency = result.latency;
    const requests = responses + result.errors + result.timeouts;
    return {
      schema: 'kconform.load/v1',
      mode: 'http',
      target: opts.target,
      bootstrap: opts.bootstrap,
      topic: opts.topic,
      startedAt,
      settings: pickSettings(opts),
      timing: 'closed-loop',
      interrupted: opts.signal?.aborted === true,
      producingSeconds: Math.round(producingSeconds * 1000) / 1000,
      sent: requests,
      acked: result['2xx'],
      errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
      errors,
      throughput: {
        recordsPerSecond: Math.round((result['2xx'] / producingSeconds) * 10) / 10,
        megabytesPerSecond: Math.round(((result['2xx'] * opts.recordSize) / producingSeconds / 1e6) * 1000) / 1000,
      },
      produceLatencyMs: gateway.stats.produceLatency.summary(),
      endToEndLatencyMs: null,
      consumed: readBackCount,
      duplicates: 0,
      lost: lostAcked,
      lostExamples,
      consumedUnacked: 0,
      series: series.samples(),
      http: {
        gatewayUrl: gateway.url,
        connections: opts.producers,
        requests,
        responses2xx: result['2xx'],
        non2xx: result.non2xx,
        statusCodes,
        socketErrors: result.errors,
        timeouts: result.timeouts,
        latencyMs: {
          p50: latency.p50,
          p90: latency.p90,
          p99: latency.p99,
          p999: latency.p99_9 ?? latency.p99,
          max: latency.max,
          mean: latency.mean,
        },
        requestsPerSecond: Math.round((responses / producingSeconds) * 10) / 10,
        responseBytesPerSecond: result.throughput.mean,
        readBack: readBackCount,
        lostAcked,
        lostExamples,
      },
    };
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Every offset stored in each partition of `topic`, read from the beginning to the high watermark. */
async function readBack(
  kafka: ReturnType<typeof kafkajsClient>,
  admin: ReturnType<ReturnType<typeof kafkajsClient>['admin']>,
  topic: string,
  signal: AbortSignal | undefined,
): Promise<Map<number, Set<number>>> {
  const ends = await admin.fetchTopicOffsets(topic);
  const found = new Map<number, Set<number>>();
  const remaining = new Set(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => e.partition));
  const high = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  if (remaining.size === 0) return found;
  const consumer = kafka.consumer({ groupId: `kconform-readback-${topic}-${Date.now()}`, maxWaitTimeInMs: 200 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let lastProgress = performance.now();
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        let set = found.get(batch.partition);
        if (!set) found.set(batch.partition, (set = new Set()));
        for (const m of batch.messages) set.add(Number(m.offset));
        lastProgress = performance.now();
        const last = batch.messages.at(-1);
        if (last && Number(last.offset) + 1 >= high.get(batch.partition)!) remaining.delete(batch.partition);
      },
    });
    // done when every partition reached its high watermark, or nothing arrives for 10 s
    while (
      remaining.size > 0 &&
      performance.now() - lastProgress < 10_000 &&
      !(signal?.aborted && performance.now() - lastProgress > 2_000)
    )
      await sleep(100);
  } finally {
    await Promise.race([consumer.disconnect().catch(() => {}), sleep(10_000)]);
  }
  return found;
}
