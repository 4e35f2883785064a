/**
 * A single-node Apache Kafka started from the resolved release jars: KRaft (3.x, 4.x; one
 * combined broker+controller) or ZooKeeper mode (2.x, 3.x; with its own ZooKeeper). The
 * first builder of the "kafka@VERSION" target: it returns a started, disposable handle and
 * waits explicitly until the port is open and Metadata lists a broker.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KAFKA_SERVER_CLASS,
  kafkaJavaArgs,
  runKafkaClass,
  STORAGE_TOOL_CLASS,
  ZOOKEEPER_SERVER_CLASS,
} from './kafka-tool.ts';
import { parseKafkaVersion, supportsKRaft, supportsZooKeeper } from './kafka-version.ts';
import { firstErrors, tailLines } from './log-tail.ts';
import { brokerCount } from './metadata-probe.ts';
import { freePorts, waitForPort } from './net-util.ts';
import { removeWhenOrphaned, spawnProcessGroup, type ExitStatus, type ProcessGroup } from './process-group.ts';
import { resolveKafka, type KafkaDist, type ResolveKafkaOptions } from './resolve-kafka.ts';
import {
  formatProperties,
  kraftServerProperties,
  zkServerProperties,
  zooKeeperProperties,
  type Properties,
} from './server-properties.ts';
import { saslListenerProperties, scramFormatArgs, type KafkaSaslOptions } from './sasl-listener.ts';

/** How the node keeps its metadata. */
export type KafkaMode = 'kraft' | 'zookeeper';

/** Options of {@link startKafkaNode}. */
export interface KafkaNodeOptions {
  /** Apache Kafka release, e.g. `4.4.0`. */
  version: string;
  /**
   * Where config, data and logs go. Kept after `stop()`; starting again on the same directory
   * restarts the same node (same ports and cluster id unless given). Default: a temporary
   * directory, removed by `stop()`.
   */
  dataDir?: string;
  /** PLAINTEXT listener port; default a free one. */
  port?: number;
  /** KRaft controller listener port; default a free one. */
  controllerPort?: number;
  /** ZooKeeper client port (ZooKeeper mode); default a free one. */
  zookeeperPort?: number;
  /** Default `kraft` where the release has it (3.x, 4.x), else `zookeeper` (2.x). */
  mode?: KafkaMode;
  /** Extra or overriding broker properties. */
  serverProperties?: Properties;
  /** An already resolved release; default `resolveKafka(version, resolve)`. */
  dist?: KafkaDist;
  resolve?: ResolveKafkaOptions;
  /** Limit for formatting, starting and becoming ready; default 120 s. */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL on `stop()`; default 15 s. */
  stopGraceMs?: number;
  /** Broker maximum heap; default `1g`. */
  heap?: string;
  /**
   * Also listen with SASL_PLAINTEXT on another port (KRaft only), with these mechanisms and users
   * (PLAIN from the listener's JAAS config, SCRAM-SHA-256 created at format time). Default: none.
   */
  sasl?: KafkaSaslOptions;
}

/** A running single-node Kafka. Dispose or `stop()` it; it also dies with this process. */
export interface StartedKafka extends AsyncDisposable {
  readonly version: string;
  readonly mode: KafkaMode;
  /** `127.0.0.1:PORT`, for `--bootstrap-server` and client configs. */
  readonly bootstrap: string;
  /** `127.0.0.1:PORT` of the SASL_PLAINTEXT listener, when `sasl` was given. */
  readonly saslBootstrap: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number | undefined;
  /** `127.0.0.1:PORT` of the node's ZooKeeper (ZooKeeper mode). */
  readonly zookeeperConnect: string | undefined;
  readonly clusterId: string | undefined;
  readonly dataDir: string;
  /** The broker's stdout and stderr (INFO and up). */
  readonly logFile: string;
  readonly zookeeperLogFile: string | undefined;
  /** The broker JVM's pid (also its process group id). */
  readonly pid: number;
  readonly dist: KafkaDist;
  /** Settles when the broker JVM exits, whoever ended it. */
  readonly exited: Promise<ExitStatus>;
  /** Stops the broker (and its ZooKeeper) and removes a temporary data directory. Idempotent. */
  stop(): Promise<void>;
}

/** The node could not be formatted, started or reached in time. CLI exit code 3. */
export class KafkaStartError extends Error {
  /** The last lines (at most 40) of the broker (or ZooKeeper, or StorageTool) output. */
  readonly logTail: string;
  /** The first ERROR entries of that log with their exception lines: usually the cause. */
  readonly firstErrors: string;

  constructor(message: string, logTail: string, firstErrors = '') {
    let text = message;
    if (firstErrors) text += `\n--- first errors in the log ---\n${firstErrors}`;
    if (logTail) text += `\n--- last lines of the log ---\n${logTail}`;
    super(text);
    this.name = 'KafkaStartError';
    this.logTail = logTail;
    this.firstErrors = firstErrors;
  }
}

const BROKER_JVM_ARGS = (heap: string): string[] => [
  '-Xms256m',
  `-Xmx${heap}`,
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];
const ZOOKEEPER_JVM_ARGS = ['-Xmx256m', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];
const LOG_TAIL_LINES = 40;
const HOST = '127.0.0.1';

/** What a data directory remembers so that a restart on it finds the same node. */
interface NodeState {
  port: number;
  controllerPort?: number;
  zookeeperPort?: number;
  saslPort?: number;
  clusterId?: string;
  mode: KafkaMode;
}

/**
 * A new KRaft cluster id, as `StorageTool random-uuid` makes it (a random UUID in unpadded
 * URL-safe base64, never starting with '-'), without paying for a JVM start.
 */
export function randomClusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Ports and cluster id for this start: given ones, else those of the last start on `dataDir`, else new ones. */
async function nodeState(dataDir: string, mode: KafkaMode, opts: KafkaNodeOptions): Promise<NodeState> {
  const file = join(dataDir, 'kconform-node.json');
  const previous = await readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as NodeState,
    () => undefined,
  );
  const reuse = previous?.mode === mode ? previous : undefined;
  const [p1, p2, p3] = await freePorts(3, HOST);
  const state: NodeState = {
    mode,
    port: opts.port ?? reuse?.port ?? p1!,
    ...(opts.sasl ? { saslPort: reuse?.saslPort ?? p3! } : {}),
    ...(mode === 'kraft'
      ? {
          controllerPort: opts.controllerPort ?? reuse?.controllerPort ?? p2!,
          clusterId: reuse?.clusterId ?? randomClusterId(),
        }
      : { zookeeperPort: opts.zookeeperPort ?? reuse?.zookeeperPort ?? p2! }),
  };
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Starts `javaArgs` as a process group whose output is appended to `logFile`. */
function spawnLogged(javaBin: string, javaArgs: string[], logFile: string, cwd: string): ProcessGroup {
  const fd = openSync(logFile, 'a');
  try {
    return spawnProcessGroup(javaBin, javaArgs, { cwd, stdio: ['ignore', fd, fd] });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd);
  }
}

/**
 * Starts a single-node Kafka and waits until it is ready: its listener accepts connections
 * and a Metadata request lists at least one broker.
 *
 * @throws KafkaStartError (with the log tail) when it fails or is not ready in time;
 *   everything started so far is stopped first
 * @throws PrerequisiteError / KafkaResolveError from resolving the release
 */
export async function startKafkaNode(opts: KafkaNodeOptions): Promise<StartedKafka> {
  const v = parseKafkaVersion(opts.version);
  const mode: KafkaMode = opts.mode ?? (supportsKRaft(v) ? 'kraft' : 'zookeeper');
  if (mode === 'kraft' && !supportsKRaft(v)) {
    throw new RangeError(`Apache Kafka ${opts.version} has no production KRaft mode: use mode 'zookeeper'`);
  }
  if (mode === 'zookeeper' && !supportsZooKeeper(v)) {
    throw new RangeError(`Apache Kafka ${opts.version} has no ZooKeeper mode (removed in 4.0): use mode 'kraft'`);
  }
  if (opts.sasl && mode !== 'kraft')
    throw new RangeError('a SASL listener is configured for KRaft nodes only (SCRAM users are created at format time)');
  const dist = opts.dist ?? (await resolveKafka(opts.version, opts.resolve));
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  const grace = opts.stopGraceMs ?? 15_000;

  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), `kconform-kafka-${opts.version}-`)));
  const dirGuard = ownDir ? removeWhenOrphaned(dataDir, grace + 3_000) : undefined;
  const logDir = join(dataDir, 'kafka-logs');
  const logFile = join(dataDir, 'server.log');
  const configFile = join(dataDir, 'server.properties');
  const zookeeperLogFile = mode === 'zookeeper' ? join(dataDir, 'zookeeper.log') : undefined;
  let broker: ProcessGroup | undefined;
  let zookeeper: ProcessGroup | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // The broker first: a ZooKeeper-mode broker needs ZooKeeper for a clean shutdown.
      await broker?.stop(grace);
      await zookeeper?.stop(grace);
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      dirGuard?.cancel();
    })());

  const fail = async (message: string, file = logFile): Promise<never> => {
    const [tail, errors] = await Promise.all([tailLines(file, LOG_TAIL_LINES), firstErrors(file, 3)]);
    await stop();
    throw new KafkaStartError(message, tail, errors);
  };

  try {
    await mkdir(dataDir, { recursive: true });
    const state = await nodeState(dataDir, mode, opts);
    const layout = { version: v, nodeId: 1, host: HOST, port: state.port, logDir };
    if (mode === 'kraft') {
      const sasl = opts.sasl
        ? saslListenerProperties(
            { host: HOST, port: state.port, controllerPort: state.controllerPort!, saslPort: state.saslPort! },
            opts.sasl,
          )
        : {};
      const props = kraftServerProperties(
        { ...layout, controllerPort: state.controllerPort! },
        { ...sasl, ...opts.serverProperties },
      );
      await writeFile(configFile, formatProperties(props));
      if (!(await exists(join(logDir, 'meta.properties')))) {
        const args = ['format', '-t', state.clusterId!, '-c', configFile];
        if (v.major >= 4) args.push('--standalone');
        if (opts.sasl) args.push(...scramFormatArgs(opts.sasl));
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
    } else {
      const zkConfig = join(dataDir, 'zookeeper.properties');
      await writeFile(
        zkConfig,
        formatProperties(
          zooKeeperProperties({ host: HOST, port: state.zookeeperPort!, dataDir: join(dataDir, 'zookeeper') }),
        ),
      );
      zookeeper = spawnLogged(
        dist.javaBin,
        kafkaJavaArgs(dist, ZOOKEEPER_SERVER_CLASS, [zkConfig], { jvmArgs: ZOOKEEPER_JVM_ARGS, logLevel: 'INFO' }),
        zookeeperLogFile!,
        dataDir,
      );
      if (!(await waitForPort(HOST, state.zookeeperPort!, deadline, () => zookeeper!.exitStatus !== undefined))) {
        await fail(`ZooKeeper on ${HOST}:${state.zookeeperPort} did not start`, zookeeperLogFile);
      }
      const props = zkServerProperties(
        { ...layout, zookeeperConnect: `${HOST}:${state.zookeeperPort}` },
        opts.serverProperties,
      );
      await writeFile(configFile, formatProperties(props));
    }

    broker = spawnLogged(
      dist.javaBin,
      kafkaJavaArgs(dist, KAFKA_SERVER_CLASS, [configFile], {
        jvmArgs: BROKER_JVM_ARGS(opts.heap ?? '1g'),
        logLevel: 'INFO',
      }),
      logFile,
      dataDir,
    );
    const b = broker;
    const died = (): boolean => b.exitStatus !== undefined;
    const bootstrap = `${HOST}:${state.port}`;
    if (!(await waitForPort(HOST, state.port, deadline, died))) {
      await fail(
        died()
          ? `Kafka ${opts.version} exited with ${describeExit(b.exitStatus!)} before listening`
          : `Kafka ${opts.version} did not listen on ${bootstrap} in time`,
      );
    }
    for (;;) {
      if (died()) await fail(`Kafka ${opts.version} exited with ${describeExit(b.exitStatus!)} while starting`);
      if ((await brokerCount(bootstrap, Math.min(5_000, Math.max(500, deadline - Date.now())))) >= 1) break;
      if (Date.now() >= deadline)
        await fail(`Kafka ${opts.version} on ${bootstrap} listened but Metadata listed no broker in time`);
      await sleep(250);
    }

    return {
      version: opts.version,
      mode,
      bootstrap,
      saslBootstrap: state.saslPort !== undefined ? `${HOST}:${state.saslPort}` : undefined,
      host: HOST,
      port: state.port,
      controllerPort: state.controllerPort,
      zookeeperConnect: state.zookeeperPort ? `${HOST}:${state.zookeeperPort}` : undefined,
      clusterId: state.clusterId,
      dataDir,
      logFile,
      zookeeperLogFile,
      pid: b.pid,
      dist,
      exited: b.exited,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function describeExit(s: ExitStatus): string {
  return s.signal ? `signal ${s.signal}` : `code ${s.code}`;
}
