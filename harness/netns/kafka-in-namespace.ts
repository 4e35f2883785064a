/**
 * A single-node KRaft Kafka started inside a lab node's namespace, listening on the node's
 * address, so that network faults can cut it off. `startKafkaNode` (harness/kafka-dist) binds
 * to 127.0.0.1 and starts java directly; this is the same start with the listener host and the
 * launcher changed, built from the same pieces (config, format, readiness probe).
 *
 * Every namespace has its own port space, so the ports are fixed (9092, 9093) rather than
 * picked free: node N of a cluster is always `ADDRESS_N:9092`.
 */
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaStartError, randomClusterId } from '../kafka-dist/kafka-process.ts';
import { KAFKA_SERVER_CLASS, kafkaJavaArgs, runKafkaClass, STORAGE_TOOL_CLASS } from '../kafka-dist/kafka-tool.ts';
import { parseKafkaVersion, supportsKRaft } from '../kafka-dist/kafka-version.ts';
import { firstErrors, tailLines } from '../kafka-dist/log-tail.ts';
import { brokerCount } from '../kafka-dist/metadata-probe.ts';
import { waitForPort } from '../kafka-dist/net-util.ts';
import { removeWhenOrphaned, type ExitStatus, type ProcessGroup } from '../kafka-dist/process-group.ts';
import { resolveKafka, type KafkaDist, type ResolveKafkaOptions } from '../kafka-dist/resolve-kafka.ts';
import { formatProperties, kraftServerProperties, type Properties } from '../kafka-dist/server-properties.ts';
import type { LabNode } from './network-lab.ts';

/** Options of {@link startKafkaInNamespace}. */
export interface NamespacedKafkaOptions {
  /** The lab node whose namespace and address the broker gets. */
  node: LabNode;
  /** Apache Kafka release with KRaft (3.x, 4.x). */
  version: string;
  /** Kafka node.id; default the lab node's id. */
  nodeId?: number;
  /** PLAINTEXT listener port on the node's address; default 9092. */
  port?: number;
  /** CONTROLLER listener port on the node's address; default 9093. */
  controllerPort?: number;
  /** Config, data and logs; default a temporary directory removed by `stop()`. */
  dataDir?: string;
  serverProperties?: Properties;
  dist?: KafkaDist;
  resolve?: ResolveKafkaOptions;
  /** Default 120 s. */
  startTimeoutMs?: number;
  /** Default 15 s. */
  stopGraceMs?: number;
  /** Default `1g`. */
  heap?: string;
}

/** A running Kafka node inside a namespace. */
export interface NamespacedKafka extends AsyncDisposable {
  readonly version: string;
  /** `ADDRESS:PORT`, reachable from the host. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly clusterId: string;
  readonly namespace: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** The broker JVM's pid (and process group id). */
  readonly pid: number;
  readonly process: ProcessGroup;
  readonly exited: Promise<ExitStatus>;
  /** Stops the broker and removes a temporary data directory. Idempotent. */
  stop(): Promise<void>;
}

const JVM_ARGS = (heap: string): string[] => [
  '-Xms256m',
  `-Xmx${heap}`,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-Djava.awt.headless=true',
];
const LOG_TAIL_LINES = 40;

/**
 * Formats and starts a combined broker+controller KRaft node in `opts.node`'s namespace and
 * waits until the host reaches its listener and Metadata lists it.
 *
 * @throws KafkaStartError with the log tail when it fails or is not ready in time
 * @throws RangeError for a release without KRaft
 */
export async function startKafkaInNamespace(opts: NamespacedKafkaOptions): Promise<NamespacedKafka> {
  const v = parseKafkaVersion(opts.version);
  if (!supportsKRaft(v))
    throw new RangeError(`Apache Kafka ${opts.version} has no KRaft mode; namespaced nodes run KRaft only`);
  const dist = opts.dist ?? (await resolveKafka(opts.version, opts.resolve));
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  const grace = opts.stopGraceMs ?? 15_000;
  const host = opts.node.address;
  const port = opts.port ?? 9092;
  const controllerPort = opts.controllerPort ?? 9093;
  const bootstrap = `${host}:${port}`;

  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), `kconform-kafka-ns-${opts.version}-`)));
  const dirGuard = ownDir ? removeWhenOrphaned(dataDir, grace + 3_000) : undefined;
  const logDir = join(dataDir, 'kafka-logs');
  const logFile = join(dataDir, 'server.log');
  const configFile = join(dataDir, 'server.properties');
  let broker: ProcessGroup | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await broker?.stop(grace);
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      dirGuard?.cancel();
    })());
  const fail = async (message: string): Promise<never> => {
    const [tail, errors] = await Promise.all([tailLines(logFile, LOG_TAIL_LINES), firstErrors(logFile, 3)]);
    await stop();
    throw new KafkaStartError(message, tail, errors);
  };

  try {
    await mkdir(dataDir, { recursive: true });
    const metaFile = join(logDir, 'meta.properties');
    const meta = await readFile(metaFile, 'utf8').catch(() => undefined);
    // A restart on the same directory keeps the cluster it was formatted for.
    const clusterId = (meta && /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim()) || randomClusterId();
    const props = kraftServerProperties(
      { version: v, nodeId: opts.nodeId ?? opts.node.id, host, port, logDir, controllerPort },
      opts.serverProperties,
    );
    await writeFile(configFile, formatProperties(props));
    if (meta === undefined) {
      const args = ['format', '-t', clusterId, '-c', configFile];
      if (v.major >= 4) args.push('--standalone');
      // Formatting touches only files, so it runs on the host.
      const res = await runKafkaClass(dist, STORAGE_TOOL_CLASS, args, {
        timeoutMs: Math.max(1_000, deadline - Date.now()),
        cwd: dataDir,
      });
      if (res.code !== 0) {
        await stop();
        throw new KafkaStartError(
          `StorageTool format exited with ${res.code ?? res.signal}`,
          `${res.stdout}${res.stderr}`.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n'),
        );
      }
    }
    const fd = openSync(logFile, 'a');
    try {
      broker = opts.node.spawn(
        dist.javaBin,
        kafkaJavaArgs(dist, KAFKA_SERVER_CLASS, [configFile], {
          jvmArgs: JVM_ARGS(opts.heap ?? '1g'),
          logLevel: 'INFO',
        }),
        {
          cwd: dataDir,
          stdio: ['ignore', fd, fd],
        },
      );
    } finally {
      closeSync(fd);
    }
    const b = broker;
    const died = (): boolean => b.exitStatus !== undefined;
    if (!(await waitForPort(host, port, deadline, died))) {
      await fail(
        died()
          ? `Kafka ${opts.version} in ${opts.node.namespace} exited before listening`
          : `Kafka ${opts.version} did not listen on ${bootstrap} in time`,
      );
    }
    for (;;) {
      if (died()) await fail(`Kafka ${opts.version} in ${opts.node.namespace} exited while starting`);
      if ((await brokerCount(bootstrap, Math.min(5_000, Math.max(500, deadline - Date.now())))) >= 1) break;
      if (Date.now() >= deadline)
        await fail(`Kafka ${opts.version} on ${bootstrap} listened but Metadata listed no broker in time`);
      await sleep(250);
    }
    return {
      version: opts.version,
      bootstrap,
      host,
      port,
      controllerPort,
      clusterId,
      namespace: opts.node.namespace,
      dataDir,
      logFile,
      pid: b.pid,
      process: b,
      exited: b.exited,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
