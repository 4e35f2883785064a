import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup } from '../../../harness/cleanup/cleanup-registry.ts';
import { runHttpLoad } from '../../load/http-load.ts';
import type { Acks } from '../../load/load-options.ts';
import { renderLoadSummary, type LoadResults } from '../../load/load-results.ts';
import { runLoad, type LoadRunOptions } from '../../load/load-run.ts';
import { runRawLoad } from '../../load/raw/raw-load-run.ts';
import { loadResultsFile } from '../../load/results-file.ts';
import { parseTargetSpec, type TargetSpec } from '../../../harness/targets/target-spec.ts';
import { startTarget, TargetUnavailableError, type StartedTarget } from '../../../harness/targets/target.ts';
import type { CompressionName } from '../../../protocol/records/batch-header.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { newRunId } from '../scenario-selection.ts';
import { checkOutputDir } from '../output-paths.ts';
import { writeRunReports } from '../../../reports/write-reports.ts';

/** Options of `kconform load` as commander parsed them. */
export interface LoadOptions {
  target: string;
  brokers: number;
  producers: number;
  consumers: number;
  acks: Acks;
  rate?: number;
  duration: number;
  recordSize: number;
  partitions: number;
  compression: CompressionName;
  batch: number;
  out?: string;
  http?: boolean;
  driver: 'kafkajs' | 'raw';
  inFlight: number;
  idempotent?: boolean;
  fetchMaxBytes: number;
}

/**
 * `kconform load`: starts the target, runs producers and consumers (or HTTP load through the
 * gateway with --http) for --duration seconds, prints progress every second and a summary, and
 * writes load.json and results.json into the run directory. Ctrl-C stops the load early and
 * still writes the results. Exit 1 when acknowledged records were lost (acks 1 or all).
 */
export async function loadCommand(opts: LoadOptions): Promise<void> {
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(opts.target);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (opts.http && opts.driver === 'raw')
    throw usageError('--http drives the gateway over HTTP; --driver raw speaks Kafka: pick one');
  if (opts.idempotent && opts.driver !== 'raw') throw usageError('--idempotent needs --driver raw');
  if (opts.http && opts.consumers > 0 && opts.consumers !== 1)
    process.stderr.write(
      'kconform load: --consumers is ignored with --http (the topic is read back after the run instead)\n',
    );
  const runDir = checkOutputDir(opts.out ?? join('runs', newRunId()));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `kconform load: target ${opts.target}${opts.brokers > 1 ? ` (${opts.brokers} nodes)` : ''}${opts.http ? ', over HTTP through the gateway' : `, driver ${opts.driver}`}, out ${runDir}`,
  );

  let target: StartedTarget;
  try {
    say(`starting target ${opts.target}…`);
    target = await startTarget(spec, runDir, { brokers: opts.brokers });
  } catch (err) {
    if (err instanceof TargetUnavailableError) throw targetError(err.message, err.badSpec);
    throw err;
  }

  const abort = new AbortController();
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  // Registered after the target, so on Ctrl-C it runs first: the load stops, results are
  // written and printed, then the target is stopped.
  const unregister = registerCleanup('stop the load and write its results', async () => {
    abort.abort();
    await done;
  });
  const clientLog = createWriteStream(join(runDir, 'client.log'));
  let results: LoadResults | undefined;
  try {
    const run = opts.http
      ? runHttpLoad
      : opts.driver === 'raw'
        ? (o: LoadRunOptions) =>
            runRawLoad({
              ...o,
              maxInFlight: opts.inFlight,
              idempotent: opts.idempotent,
              fetchMaxBytes: opts.fetchMaxBytes,
            })
        : runLoad;
    results = await run({
      bootstrap: target.bootstrap,
      target: opts.target,
      topic: `kconform-load-${Date.now().toString(36)}`,
      replicationFactor: Math.min(opts.brokers, 3),
      producers: opts.producers,
      consumers: opts.http ? 0 : opts.consumers,
      acks: opts.acks,
      rate: opts.rate,
      durationSeconds: opts.duration,
      recordSize: opts.recordSize,
      partitions: opts.partitions,
      compression: opts.compression,
      batch: opts.batch,
      progress: say,
      clientLog,
      signal: abort.signal,
    });
    writeFileSync(join(runDir, 'load.json'), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(runDir, 'results.json'), JSON.stringify(loadResultsFile(results, runDir), null, 2) + '\n');
    say('');
    process.stdout.write(renderLoadSummary(results));
    say('');
    await writeRunReports(runDir, { junit: false });
    say(`results in ${runDir} (load.json, results.json, report.html, client.log)`);
  } catch (err) {
    if (abort.signal.aborted) {
      say(`load interrupted before results could be computed: ${(err as Error).message}`);
      return;
    }
    throw new CliError(`load against ${opts.target} failed: ${(err as Error).message}`, ExitCode.target);
  } finally {
    await new Promise<void>((r) => clientLog.end(() => r()));
    finished();
    unregister();
    await target.stop();
  }
  if (results && results.lost !== null && results.lost > 0 && opts.acks !== 0) {
    throw new CliError(
      `${results.lost} acknowledged record(s) were lost (acks=${opts.acks === -1 ? 'all' : opts.acks})`,
      ExitCode.anomaly,
    );
  }
}
