/**
 * The engine of `kconform load`: N kafkajs producers and M consumers (one group) on a fresh
 * topic of any Kafka-compatible target. With a rate, producers send on a fixed timetable (open
 * loop) and latency counts from the intended send time; flat out, each producer sends its next
 * batch when the previous one is acknowledged (closed loop). Every record carries its intended
 * send time in a header, so consumers measure end-to-end latency, and its key names producer
 * and sequence number, so the run can say which acknowledged records no consumer ever received.
 */
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { errorKind } from '../gateway/kafka-errors.ts';
import { LatencyHistogram } from './histogram.ts';
import { kafkajsCompression } from './kafkajs-codecs.ts';
import type { LoadSettings } from './load-options.ts';
import { type LoadResults, produceThroughput, round } from './load-results.ts';
import { staggeredSchedules } from './open-loop-scheduler.ts';
import { RecordTracker, parseRecordKey, recordKey } from './record-tracker.ts';
import { RecordValues } from './record-values.ts';
import { ThroughputSeries } from './throughput-series.ts';
import { PlotSeries } from './plot-series.ts';

/** Header carrying the record's intended send time (epoch ms with microseconds). */
export const SENT_AT_HEADER = 'kconform-sent-at';

/** Options of {@link runLoad}. */
export interface LoadRunOptions extends LoadSettings {
  /** bootstrap.servers (comma-separated). */
  bootstrap: string;
  /** Target name for the report (the --target spec). */
  target: string;
  /** Topic to create and load (must not exist yet). */
  topic: string;
  /** Replication factor of the topic; default 1. */
  replicationFactor?: number;
  /** One line per second while producing, and a few while starting and draining. */
  progress?: (line: string) => void;
  /** Where client error logs go (default: nowhere; counted errors are in the results anyway). */
  clientLog?: { write(s: string): unknown };
  /** Aborting stops producing early; the results are still computed and returned. */
  signal?: AbortSignal;
  /** Longest wait for consumers to catch up after producing; default 30 s (3 s once aborted). */
  drainTimeoutMs?: number;
}

/** Milliseconds on the monotonic clock shared by producers and consumers of this process. */
const now = () => performance.now();
/** The wall-clock time (epoch ms) of a monotonic instant, for the header. */
const wallClock = (monoMs: number) => performance.timeOrigin + monoMs;

/** Most records one producer has in flight in open-loop mode; later due records wait (and age). */
const MAX_IN_FLIGHT_BATCHES = 64;

/** Runs a load against `opts.bootstrap` and returns what it measured. Stops everything it started. */
export async function runLoad(opts: LoadRunOptions): Promise<LoadResults> {
  const progress = opts.progress ?? (() => {});
  const signal = opts.signal;
  const startedAt = new Date().toISOString();
  const kafka = kafkajsClient(
    opts.bootstrap.split(','),
    'kconform-load',
    { requestTimeout: 30_000, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } },
    opts.clientLog ?? { write: () => true },
  );
  const compression = kafkajsCompression(opts.compression);

  const produceHist = new LatencyHistogram();
  let secondHist = new LatencyHistogram();
  const e2eHist = new LatencyHistogram();
  const tracker = new RecordTracker();
  const errors: Record<string, number> = {};
  let errorCount = 0;
  let sent = 0;
  let acked = 0;
  let ackedBytes = 0;

  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  const stopAll = async () => {
    const quietly = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), sleep(10_000)]);
    await Promise.all([
      ...producers.map((p) => quietly(p.disconnect())),
      ...consumers.map((c) => quietly(c.disconnect())),
    ]);
  };

  try {
    progress(
      `creating topic ${opts.topic} (${opts.partitions} partitions, replication ${opts.replicationFactor ?? 1})`,
    );
    await createTopicsWithLeaders(kafka, [
      { topic: opts.topic, numPartitions: opts.partitions, replicationFactor: opts.replicationFactor ?? 1 },
    ]);

    // Consumers first, settled in their group, so end-to-end latency does not include joining.
    let series: ThroughputSeries | undefined;
    let plot: PlotSeries | undefined;
    if (opts.consumers > 0) {
      progress(
        `starting ${opts.consumers} consumer${opts.consumers === 1 ? '' : 's'} (group kconform-load-${opts.topic})`,
      );
      await startConsumers(kafka, opts, consumers, (messages) => {
        const t = now();
        const wall = wallClock(t);
        for (const m of messages) {
          const id = parseRecordKey(m.key);
          if (!id) continue;
          const sentAt = Number(m.headers?.[SENT_AT_HEADER]?.toString());
          if (Number.isFinite(sentAt)) e2eHist.record(wall - sentAt);
          tracker.markConsumed(id.producer, id.seq);
        }
        series?.add('consumed', messages.length, t);
        plot?.consumed(messages.length, t);
      });
    }

    progress(`connecting ${opts.producers} producer${opts.producers === 1 ? '' : 's'}`);
    for (let i = 0; i < opts.producers; i++) {
      const p = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
      producers.push(p);
      await p.connect();
    }

    const values = new RecordValues(opts.recordSize);
    const t0 = now() + 20;
    const endAt = t0 + opts.durationSeconds * 1000;
    series = new ThroughputSeries(t0);
    const s = series;
    plot = new PlotSeries(t0, opts.durationSeconds * 1000);
    const plotted = plot;
    const pending = new Set<Promise<void>>();
    const stopped = () => signal?.aborted === true || now() >= endAt;

    /** Sends records [from, to) of producer p; intended(i) is each one's intended send time. */
    const send = (p: number, from: number, to: number, intended: (i: number) => number): Promise<void> => {
      const messages = [];
      for (let i = from; i < to; i++) {
        messages.push({
          key: recordKey(p, i),
          value: values.value(p * 1_000_003 + i),
          headers: { [SENT_AT_HEADER]: wallClock(intended(i)).toFixed(3) },
        });
      }
      const count = to - from;
      sent += count;
      s.add('sent', count, now());
      plotted.sent(count, now());
      const promise = producers[p]!.send({ topic: opts.topic, acks: opts.acks, compression, messages }).then(
        () => {
          const t = now();
          const latencies: number[] = [];
          for (let i = from; i < to; i++) {
            const ms = t - intended(i);
            produceHist.record(ms);
            secondHist.record(ms);
            latencies.push(ms);
            tracker.markAcked(p, i);
          }
          plotted.acked(latencies, count * opts.recordSize, t);
          acked += count;
          ackedBytes += count * opts.recordSize;
          s.add('acked', count, t);
          s.add('ackedBytes', count * opts.recordSize, t);
        },
        (err: unknown) => {
          const kind = errorKind(err);
          errors[kind] = (errors[kind] ?? 0) + count;
          errorCount += count;
          s.add('errors', count, now());
          plotted.errors(count, now());
        },
      );
      const tracked = promise.finally(() => pending.delete(tracked));
      pending.add(tracked);
      return tracked;
    };

    const openLoop = opts.rate !== undefined;
    progress(
      openLoop
        ? `producing for ${opts.durationSeconds} s at ${opts.rate} records/s, open loop (latency from the intended send time)`
        : `producing for ${opts.durationSeconds} s flat out, closed loop (each producer waits for its last batch of ${opts.batch}; coordinated omission is not corrected)`,
    );

    const stopProgress = startProgress(t0, (second) => {
      s.setP99(second, secondHist.percentile(99));
      secondHist = new LatencyHistogram();
      const rate = s.sample(second).acked;
      progress(
        `  ${String(second + 1).padStart(4)} s  sent ${sent}  acked ${acked}  errors ${errorCount}  rate ${rate}/s  p99 ${produceHist.percentile(99).toFixed(2)} ms${opts.consumers ? `  consumed ${tracker.consumedCount}` : ''}`,
      );
    });

    let loops: Promise<void>[];
    if (openLoop) {
      const schedules = staggeredSchedules(opts.rate!, opts.producers, t0);
      loops = schedules.map(async (sched, p) => {
        const inFlightLimit = opts.batch * MAX_IN_FLIGHT_BATCHES;
        let inFlight = 0;
        while (!stopped()) {
          // records intended after the end are never sent, so the run lasts its duration
          const { from, to } = sched.takeDue(Math.min(now(), endAt - 1e-6), inFlightLimit - inFlight);
          for (let a = from; a < to; a += opts.batch) {
            const b = Math.min(to, a + opts.batch);
            inFlight += b - a;
            void send(p, a, b, (i) => sched.intendedTime(i)).finally(() => {
              inFlight -= b - a;
            });
          }
          await sleep(Math.max(1, Math.min(50, sched.msUntilNext(now()))));
        }
      });
    } else {
      loops = producers.map(async (_, p) => {
        let seq = 0;
        while (!stopped()) {
          const at = now();
          await send(p, seq, seq + opts.batch, () => at);
          seq += opts.batch;
        }
      });
    }
    await Promise.all(loops);
    const producingSeconds = (Math.min(now(), endAt) - t0) / 1000;

    // Sends still in flight get their answer (or their error) before anything is judged.
    const settleBy = now() + (signal?.aborted ? 3_000 : 30_000);
    while (pending.size > 0 && now() < settleBy) await Promise.race([Promise.allSettled([...pending]), sleep(200)]);
    stopProgress();
    const unsettled = pending.size;
    if (unsettled > 0) {
      errors.unanswered = (errors.unanswered ?? 0) + unsettled;
      errorCount += unsettled;
    }

    let lost: number | null = null;
    let lostExamples: string[] = [];
    if (opts.consumers > 0) {
      progress(`waiting for consumers to read the ${acked} acknowledged records`);
      const drainMs = opts.drainTimeoutMs ?? (signal?.aborted ? 3_000 : 30_000);
      const missing = await drain(tracker, drainMs, signal);
      lost = missing.count;
      lostExamples = missing.examples;
    }
    tracker.countConsumedUnacked();

    return {
      schema: 'kconform.load/v1',
      mode: 'kafka',
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
      throughput: produceThroughput(acked, ackedBytes, producingSeconds),
      produceLatencyMs: produceHist.summary(),
      endToEndLatencyMs: opts.consumers > 0 ? e2eHist.summary() : null,
      consumed: tracker.consumedCount,
      duplicates: tracker.duplicates,
      lost,
      lostExamples,
      consumedUnacked: tracker.consumedUnacked,
      series: s.samples(),
      plot: { bucketMs: plotted.bucketMs, points: plotted.points() },
      produceDistribution: produceHist.distribution(),
    };
  } finally {
    await stopAll();
  }
}

/** The LoadSettings part of the options (what a report needs to say what ran). */
export function pickSettings(o: LoadSettings): LoadSettings {
  return {
    producers: o.producers,
    consumers: o.consumers,
    acks: o.acks,
    rate: o.rate,
    durationSeconds: o.durationSeconds,
    recordSize: o.recordSize,
    partitions: o.partitions,
    compression: o.compression,
    batch: o.batch,
  };
}

/** Calls `tick(k)` when second k (from `t0`) has ended, without drift; returns the function that stops it. */
export function startProgress(t0: number, tick: (second: number) => void): () => void {
  let k = 1;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(
      () => {
        tick(k - 1);
        k++;
        schedule();
      },
      Math.max(0, t0 + k * 1000 - now()),
    );
  };
  schedule();
  return () => clearTimeout(timer);
}

/** What a consumer hands over of each record. */
interface ConsumedRecord {
  key: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/**
 * Starts M consumers in one group on the topic (from the beginning) and waits until the group
 * has settled: every partition owned by exactly one member.
 */
/** How long the consumers may take to join their group and own every partition. */
const GROUP_SETTLE_MS = 180_000;

async function startConsumers(
  kafka: Kafka,
  opts: LoadRunOptions,
  consumers: Consumer[],
  onMessages: (m: readonly ConsumedRecord[]) => void,
): Promise<void> {
  const groupId = `kconform-load-${opts.topic}`;
  const assignments: number[][] = [];
  for (let i = 0; i < opts.consumers; i++) {
    const c = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 200,
      rebalanceTimeout: 10_000,
    });
    consumers.push(c);
    assignments.push([]);
    c.on(c.events.GROUP_JOIN, (e) => {
      assignments[i] = (e.payload.memberAssignment[opts.topic] ?? []) as number[];
    });
    await c.connect();
    await c.subscribe({ topic: opts.topic, fromBeginning: true });
    await c.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        onMessages(batch.messages);
      },
    });
  }
  // A fresh Kafka creates and loads __consumer_offsets (50 partitions) on the first group's
  // FindCoordinator: over a minute on a loaded 2-core machine.
  const started = now();
  let nextNote = started + 15_000;
  for (;;) {
    const owned = assignments.flat();
    if (owned.length === opts.partitions && new Set(owned).size === opts.partitions) return;
    if (now() - started > GROUP_SETTLE_MS || opts.signal?.aborted)
      throw new Error(
        `the consumer group did not settle within ${GROUP_SETTLE_MS / 1000} s (partitions owned: ${JSON.stringify(assignments)})`,
      );
    if (now() > nextNote) {
      nextNote += 15_000;
      opts.progress?.(
        `waiting for the consumer group to settle (${Math.round((now() - started) / 1000)} s, partitions owned: ${JSON.stringify(assignments)})`,
      );
    }
    await sleep(50);
  }
}

/** Waits until every acknowledged record was consumed, or consumption stops progressing. */
async function drain(
  tracker: RecordTracker,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ count: number; examples: string[] }> {
  const deadline = now() + timeoutMs;
  let last = tracker.consumedCount;
  let lastProgress = now();
  for (;;) {
    const missing = tracker.missing();
    if (missing.count === 0) return missing;
    if (tracker.consumedCount !== last) {
      last = tracker.consumedCount;
      lastProgress = now();
    }
    // 5 s without a single new record: what is missing will not come
    if (now() > deadline || now() - lastProgress > 5_000 || (signal?.aborted && now() - lastProgress > 1_000))
      return missing;
    await sleep(100);
  }
}
