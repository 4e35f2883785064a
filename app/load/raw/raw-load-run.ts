/**
 * The raw load driver of `kconform load --driver raw`: Produce (and Fetch) written straight on
 * `protocol/`, built to measure the broker rather than the client. Requests are pre-built per
 * shape ({@link TemplateCache}); every lane (one connection, the partitions it alone writes) keeps
 * many requests in flight and takes answers in order. With a rate it runs open loop on the same
 * timetable as the kafkajs driver (latency from each record's intended send time, so a stall is
 * not hidden: no coordinated omission); flat out, each lane keeps its window full.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createTopicsWithLeaders } from '../../../harness/drivers/create-topics.ts';
import { kafkajsClient } from '../../../harness/drivers/kafkajs-client.ts';
import { RawClient, UnsupportedApiError } from '../../../protocol/client/raw-client.ts';
import { errorName } from '../../../protocol/errors/generated/error-codes.ts';
import { decodeResponse } from '../../../protocol/messages/frame-codec.ts';
import { loadCodecs } from '../../../protocol/messages/codec-registry.ts';
import { ApiKey } from '../../../protocol/messages/generated/api-keys.ts';
import type { ProduceResponse } from '../../../protocol/messages/generated/produce-response.ts';
import { LatencyHistogram } from '../histogram.ts';
import { acksName } from '../load-options.ts';
import { type LoadResults, produceThroughput, round } from '../load-results.ts';
import { pickSettings, startProgress, type LoadRunOptions } from '../load-run.ts';
import { type OpenLoopSchedule, staggeredSchedules } from '../open-loop-scheduler.ts';
import { ThroughputSeries } from '../throughput-series.ts';
import { missingRecords, type OffsetRange } from './batch-ranges.ts';
import { PartitionSequences } from './partition-sequences.ts';
import { PipelinedConnection } from './pipelined-connection.ts';
import { requestBytes, TemplateCache } from './produce-template.ts';
import { fetchOnce } from './raw-fetch.ts';

/** Highest Produce version that names topics (v13 and later use topic ids). */
export const PRODUCE_BY_NAME_MAX = 12;

/** Options of {@link runRawLoad}. */
export interface RawLoadOptions extends LoadRunOptions {
  /** Requests in flight per connection; default 32. */
  maxInFlight?: number;
  /** Idempotent produce: InitProducerId, then sequences per partition. */
  idempotent?: boolean;
  /** Fetch max.bytes (and per partition) of the consumers; default 1 MiB. */
  fetchMaxBytes?: number;
  /** Called for every acknowledged batch (acks 1/all), in order per partition. */
  onAcked?: (partition: number, range: OffsetRange) => void;
}

/** What the raw driver adds to a load's results. */
export interface RawDriverInfo {
  connections: number;
  maxInFlight: number;
  idempotent: boolean;
  produceVersion: number;
  /** Request shapes encoded (each once). */
  templates: number;
  fetchMaxBytes: number | null;
  /** Records read per second by the consumers, over the time they read. */
  consumeRecordsPerSecond: number | null;
}

const now = () => performance.now();

/** A connection and the partitions only it writes to. */
interface Lane {
  conn: PipelinedConnection;
  partitions: number[];
  next: number;
  inFlightRecords: number;
  inFlightRequests: number;
  schedule?: OpenLoopSchedule;
}

interface TopicLayout {
  leaders: Map<number, number>;
  brokers: Map<number, string>;
}

/** The leader of each partition and the address of each broker, from Metadata. */
async function topicLayout(client: RawClient, topic: string): Promise<TopicLayout> {
  const md = await client.send(ApiKey.Metadata, {
    topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: topic }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const t = md.topics.find((x) => x.name === topic);
  if (t?.errorCode !== 0) throw new Error(`metadata of ${topic}: error code ${t?.errorCode ?? 'missing'}`);
  return {
    leaders: new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId])),
    brokers: new Map(md.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`])),
  };
}

/**
 * The layout once the node asked knows the topic with a leader for each of its `partitions`: in a
 * cluster, the node that created it is not always the one asked, and the others learn it later.
 */
async function knownLayout(
  client: RawClient,
  topic: string,
  partitions: number,
  timeoutMs = 60_000,
): Promise<TopicLayout> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const layout = await topicLayout(client, topic).catch(() => undefined);
    if (layout && layout.leaders.size === partitions && [...layout.leaders.values()].every((l) => l >= 0))
      return layout;
    if (now() > deadline)
      throw new Error(`${topic}: no leader for each of its ${partitions} partitions within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Waits until each leader names itself leader of its partitions in its own Metadata: a KRaft
 * broker learns a new topic's leadership from the metadata log a moment after the controller
 * (and the bootstrap node) did, and answers NOT_LEADER_OR_FOLLOWER to a Produce until then.
 */
async function waitForLeadership(layout: TopicLayout, topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = now() + timeoutMs;
  for (const leader of new Set(layout.leaders.values())) {
    const client = await RawClient.connect(layout.brokers.get(leader)!, 'kconform-load');
    try {
      for (;;) {
        const own = [...layout.leaders].filter(([, l]) => l === leader).map(([p]) => p);
        const theirs = await topicLayout(client, topic).catch(() => undefined);
        if (theirs && own.every((p) => theirs.leaders.get(p) === leader) && (await servesAsLeader(client, topic, own)))
          break;
        if (now() > deadline)
          throw new Error(`broker ${leader} did not take leadership of ${topic} within ${timeoutMs} ms`);
        await sleep(100);
      }
    } finally {
      client.close();
    }
  }
}

/**
 * True when `client`'s broker answers ListOffsets for `partitions` without an error: Kafka names
 * itself leader in Metadata a moment before its replica manager serves as one (Produce then gets
 * NOT_LEADER_OR_FOLLOWER). A broker without ListOffsets (the null sink) is taken at its Metadata.
 */
async function servesAsLeader(client: RawClient, topic: string, partitions: number[]): Promise<boolean> {
  let res: Awaited<ReturnType<typeof listLatest>>;
  try {
    res = await listLatest(client, topic, partitions);
  } catch (err) {
    if (err instanceof UnsupportedApiError) return true;
    throw err;
  }
  return res.topics.every((t) => t.partitions.every((p) => p.errorCode === 0));
}

function listLatest(client: RawClient, topic: string, partitions: number[]) {
  return client.send(ApiKey.ListOffsets, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      {
        name: topic,
        partitions: partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n })),
      },
    ],
    timeoutMs: 5000,
  });
}

/** Runs a load with the raw driver against `opts.bootstrap`; stops every connection it opened. */
export async function runRawLoad(opts: RawLoadOptions): Promise<LoadResults & { raw: RawDriverInfo }> {
  const progress = opts.progress ?? (() => {});
  const signal = opts.signal;
  const startedAt = new Date().toISOString();
  const maxInFlight = opts.maxInFlight ?? 32;
  const fetchMaxBytes = opts.fetchMaxBytes ?? 1 << 20;
  const closers: (() => void)[] = [];
  try {
    progress(
      `creating topic ${opts.topic} (${opts.partitions} partitions, replication ${opts.replicationFactor ?? 1})`,
    );
    const kafka = kafkajsClient(
      opts.bootstrap.split(','),
      'kconform-load-admin',
      {},
      opts.clientLog ?? { write: () => true },
    );
    await createTopicsWithLeaders(kafka, [
      { topic: opts.topic, numPartitions: opts.partitions, replicationFactor: opts.replicationFactor ?? 1 },
    ]);
    await loadCodecs([ApiKey.Produce, ApiKey.Metadata, ApiKey.Fetch, ApiKey.InitProducerId]);
    const meta = await RawClient.connect(opts.bootstrap.split(',')[0]!, 'kconform-load');
    closers.push(() => meta.close());
    const layout = await knownLayout(meta, opts.topic, opts.partitions);
    await waitForLeadership(layout, opts.topic);
    const produceVersion = await meta.negotiate(ApiKey.Produce, { max: PRODUCE_BY_NAME_MAX });

    let producer: { id: number; epoch: number } | undefined;
    if (opts.idempotent) {
      const r = await meta.send(ApiKey.InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: -1,
        producerId: -1n,
        producerEpoch: -1,
        enable2Pc: false,
        keepPreparedTxn: false,
      });
      if (r.errorCode !== 0) throw new Error(`InitProducerId answered ${errorName(r.errorCode)}`);
      producer = { id: Number(r.producerId), epoch: r.producerEpoch };
      progress(`idempotent producer id ${producer.id}, epoch ${producer.epoch}`);
    }
    const templates = new TemplateCache(
      {
        topic: opts.topic,
        version: produceVersion,
        acks: opts.acks,
        timeoutMs: 30_000,
        recordSize: opts.recordSize,
        compression: opts.compression,
        clientId: 'kconform-load',
        producer,
      },
      opts.batch,
    );
    const sequences = new PartitionSequences();

    // Partition p belongs to lane (p mod producers) on its leader: one connection alone writes
    // a partition, so its requests (and sequences) reach the broker in order.
    const laneKeys = new Map<string, number[]>();
    for (let p = 0; p < opts.partitions; p++) {
      const leader = layout.leaders.get(p);
      if (leader === undefined || leader < 0) throw new Error(`partition ${p} of ${opts.topic} has no leader`);
      const key = `${p % opts.producers}@${leader}`;
      laneKeys.set(key, [...(laneKeys.get(key) ?? []), p]);
    }
    const lanes: Lane[] = [];
    for (const [key, partitions] of laneKeys) {
      const leader = Number(key.slice(key.indexOf('@') + 1));
      const address = layout.brokers.get(leader);
      if (!address) throw new Error(`no address for broker ${leader}`);
      const conn = await PipelinedConnection.open(address);
      closers.push(() => conn.close());
      lanes.push({ conn, partitions, next: 0, inFlightRecords: 0, inFlightRequests: 0 });
    }
    progress(
      `raw driver: ${lanes.length} connection${lanes.length === 1 ? '' : 's'}, up to ${maxInFlight} requests in flight each, Produce v${produceVersion}, acks=${acksName(opts.acks)}${producer ? ', idempotent' : ''}`,
    );

    const produceHist = new LatencyHistogram();
    let secondHist = new LatencyHistogram();
    const errors: Record<string, number> = {};
    let errorCount = 0;
    let sent = 0;
    let acked = 0;
    const ackedRanges = new Map<number, OffsetRange[]>();
    const t0 = now() + 20;
    const endAt = t0 + opts.durationSeconds * 1000;
    const series = new ThroughputSeries(t0);
    const stopped = () => signal?.aborted === true || now() >= endAt;
    const trackRanges = opts.consumers > 0 && opts.acks !== 0;
    let wake: (() => void) | undefined;

    const fail = (kind: string, count: number) => {
      errors[kind] = (errors[kind] ?? 0) + count;
      errorCount += count;
      series.add('errors', count, now());
    };

    /** Sends records [from, to) of a lane as one batch to its next partition. */
    const send = (lane: Lane, count: number, latency: (t: number) => void) => {
      const partition = lane.partitions[lane.next]!;
      lane.next = (lane.next + 1) % lane.partitions.length;
      const template = templates.get(partition, count);
      const correlationId = lane.conn.takeCorrelationId();
      const baseSequence = producer ? sequences.take(partition, count) : undefined;
      const parts = requestBytes(template, correlationId, baseSequence);
      sent += count;
      lane.inFlightRecords += count;
      lane.inFlightRequests++;
      series.add('sent', count, now());
      const done = () => {
        lane.inFlightRecords -= count;
        lane.inFlightRequests--;
        wake?.();
      };
      const ok = (baseOffset: number) => {
        const t = now();
        latency(t);
        acked += count;
        series.add('acked', count, t);
        series.add('ackedBytes', count * opts.recordSize, t);
        if (baseOffset >= 0) {
          const range = { baseOffset, count, producerId: producer?.id ?? -1, baseSequence: baseSequence ?? -1 };
          opts.onAcked?.(partition, range);
          if (trackRanges) {
            let list = ackedRanges.get(partition);
            if (!list) ackedRanges.set(partition, (list = []));
            list.push(range);
          }
        }
      };
      if (opts.acks === 0) {
        lane.conn.write(parts, correlationId, undefined, () => {
          done();
          ok(-1);
        });
        return;
      }
      lane.conn.write(parts, correlationId, (frame, err) => {
        done();
        if (!frame) return fail(err?.message.startsWith('connection') ? 'connection' : 'client', count);
        let res: ProduceResponse;
        try {
          res = decodeResponse<ProduceResponse>(ApiKey.Produce, produceVersion, frame).body;
        } catch {
          return fail('undecodable answer', count);
        }
        const pr = res.responses[0]?.partitionResponses[0];
        if (!pr) return fail('empty answer', count);
        if (pr.errorCode !== 0) return fail(errorName(pr.errorCode), count);
        ok(Number(pr.baseOffset));
      });
    };

    const openLoop = opts.rate !== undefined;
    progress(
      openLoop
        ? `producing for ${opts.durationSeconds} s at ${opts.rate} records/s, open loop (latency from the intended send time)`
        : `producing for ${opts.durationSeconds} s flat out, closed loop (each connection keeps ${maxInFlight} requests of ${opts.batch} records in flight; coordinated omission is not corrected)`,
    );
    const stopProgress = startProgress(t0, (second) => {
      series.setP99(second, secondHist.percentile(99));
      secondHist = new LatencyHistogram();
      progress(
        `  ${String(second + 1).padStart(4)} s  sent ${sent}  acked ${acked}  errors ${errorCount}  rate ${series.sample(second).acked}/s  p99 ${produceHist.percentile(99).toFixed(2)} ms${opts.consumers ? `  consumed ${consumed}` : ''}`,
      );
    });

    // Consumers read while producers write: lanes of partitions on their leaders, one Fetch at a time each.
    let consumed = 0;
    let producingDone = false;
    const consumedRanges = new Map<number, OffsetRange[]>();
    const consumerLoops: Promise<void>[] = [];
    let consumeFirst = Infinity;
    let consumeLast = 0;
    for (let c = 0; c < opts.consumers; c++) {
      const byLeader = new Map<number, number[]>();
      for (let p = c; p < opts.partitions; p += opts.consumers) {
        const leader = layout.leaders.get(p)!;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
      }
      for (const [leader, partitions] of byLeader) {
        const client = await RawClient.connect(layout.brokers.get(leader)!, 'kconform-load-consumer');
        closers.push(() => client.close());
        consumerLoops.push(
          consumeLoop(
            client,
            partitions,
            () => producingDone,
            opts.drainTimeoutMs ?? (signal?.aborted ? 3_000 : 30_000),
          ),
        );
      }
    }
    async function consumeLoop(
      client: RawClient,
      partitions: number[],
      done: () => boolean,
      drainMs: number,
    ): Promise<void> {
      const offsets = partitions.map(() => 0);
      let lastProgress = now();
      let drainUntil = Infinity;
      for (;;) {
        const answers = await fetchOnce(client, opts.topic, partitions, offsets, fetchMaxBytes);
        const t = now();
        let caughtUp = true;
        for (const a of answers) {
          const i = partitions.indexOf(a.partition);
          if (a.errorCode !== 0) {
            fail(`fetch ${errorName(a.errorCode)}`, 0);
            continue;
          }
          let n = 0;
          for (const r of a.ranges) n += r.count;
          if (n > 0) {
            consumed += n;
            series.add('consumed', n, t);
            consumeFirst = Math.min(consumeFirst, t);
            consumeLast = t;
            lastProgress = t;
            if (trackRanges) {
              let list = consumedRanges.get(a.partition);
              if (!list) consumedRanges.set(a.partition, (list = []));
              list.push(...a.ranges);
            }
          }
          offsets[i] = a.next;
          const ackedEnd = ackedRanges.get(a.partition)?.at(-1);
          if (a.next < a.highWatermark || (ackedEnd && a.next < ackedEnd.baseOffset + ackedEnd.count)) caughtUp = false;
        }
        if (done()) {
          if (drainUntil === Infinity) drainUntil = now() + drainMs;
          if (caughtUp || now() > drainUntil || now() - lastProgress > 5_000) return;
        }
      }
    }

    let loops: Promise<void>[];
    if (openLoop) {
      const schedules = staggeredSchedules(opts.rate!, lanes.length, t0);
      loops = lanes.map(async (lane, k) => {
        const sched = (lane.schedule = schedules[k]!);
        const limit = maxInFlight * opts.batch;
        while (!stopped()) {
          const { from, to } = sched.takeDue(Math.min(now(), endAt - 1e-6), limit - lane.inFlightRecords);
          for (let a = from; a < to; a += opts.batch) {
            const b = Math.min(to, a + opts.batch);
            send(lane, b - a, (t) => {
              for (let i = a; i < b; i++) {
                const ms = t - sched.intendedTime(i);
                produceHist.record(ms);
                secondHist.record(ms);
              }
            });
          }
          await sleep(Math.max(1, Math.min(50, sched.msUntilNext(now()))));
        }
      });
    } else {
      loops = [
        (async () => {
          while (!stopped()) {
            for (const lane of lanes) {
              while (lane.inFlightRequests < maxInFlight && !stopped()) {
                const at = now();
                const n = opts.batch;
                send(lane, n, (t) => {
                  produceHist.recordMany(t - at, n);
                  secondHist.recordMany(t - at, n);
                });
              }
            }
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 50);
            });
            wake = undefined;
          }
        })(),
      ];
    }
    await Promise.all(loops);
    const producingSeconds = (Math.min(now(), endAt) - t0) / 1000;
    const settleBy = now() + (signal?.aborted ? 3_000 : 30_000);
    while (lanes.some((l) => l.inFlightRequests > 0) && now() < settleBy) await sleep(10);
    const unanswered = lanes.reduce((n, l) => n + l.inFlightRecords, 0);
    if (unanswered > 0) fail('unanswered', unanswered);
    producingDone = true;
    if (consumerLoops.length) progress(`waiting for the consumers to read the ${acked} acknowledged records`);
    await Promise.all(consumerLoops);
    stopProgress();

    let lost: number | null = null;
    let lostExamples: string[] = [];
    if (trackRanges) {
      lost = 0;
      for (const [p, list] of ackedRanges) {
        const m = missingRecords(list, consumedRanges.get(p) ?? []);
        lost += m.count;
        lostExamples.push(...m.examples.map((o) => `${opts.topic}-${p}@${o}`));
      }
      lostExamples = lostExamples.slice(0, 5);
    }
    const consumeSeconds = (consumeLast - consumeFirst) / 1000;
    return {
      schema: 'kconform.load/v1',
      mode: 'kafka',
      driver: 'raw',
      target: opts.target,
      bootstrap: opts.bootstrap,
      topic: opts.topic,
      startedAt,
      settings: pickSettings(opts),
      timing: openLoop ? 'open-loop' : 'closed-loop',
      interrupted: signal?.aborted === true,
      producingSeconds: round(producingSeconds, 3),
      sent,
      acked,
      errorCount,
      errors,
      throughput: produceThroughput(acked, acked * opts.recordSize, producingSeconds),
      produceLatencyMs: produceHist.summary(),
      endToEndLatencyMs: null,
      consumed,
      duplicates: 0,
      lost,
      lostExamples,
      consumedUnacked: 0,
      series: series.samples(),
      raw: {
        connections: lanes.length,
        maxInFlight,
        idempotent: producer !== undefined,
        produceVersion,
        templates: templates.size,
        fetchMaxBytes: opts.consumers > 0 ? fetchMaxBytes : null,
        consumeRecordsPerSecond: consumeSeconds > 0 ? round(consumed / consumeSeconds, 1) : null,
      },
    };
  } finally {
    for (const close of closers) close();
  }
}
