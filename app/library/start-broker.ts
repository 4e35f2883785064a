/**
 * `startBroker()`: a reference broker for a test, behind the real network boundary. One node
 * runs inside the test's own process (milliseconds to start, nothing to clean but a socket);
 * `processes: true` or `brokers: K > 1` runs the replicated reference cluster as child
 * processes, which `control` can kill, restart, pause and resume.
 */
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';
import { createLogger, type LogLevel } from '../../reference-broker/logger.ts';
import { startBroker as startReferenceNode } from '../../reference-broker/server.ts';
import { SINGLE_NODE_OFFSETS_PARTITIONS } from '../../harness/kafka-dist/server-properties.ts';
import { startReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { inProcessControl, processControl, type BrokerControl } from './broker-control.ts';
import { bugOption, intOption, KconformUsageError, refuseUnknownOptions } from './library-error.ts';

/** Options of {@link startBroker}; every one optional. */
export interface StartBrokerOptions {
  /** Nodes; more than one starts a replicated cluster of processes (default 1, at most 9). */
  brokers?: number;
  /** Run a single node as a child process too, so that `control` can fault it (default false). */
  processes?: boolean;
  /**
   * Where the partition logs go, kept after dispose. Default: in memory for the in-process node;
   * a temporary directory for processes, removed on dispose.
   */
  dataDir?: string;
  /** Known reference-broker bugs to switch on (`kconform broker --bug`), to see a test catch them. */
  bugs?: readonly BugName[];
  /**
   * Kafka's broker.session.timeout.ms of a cluster: how soon the controller fences a killed node
   * and elects new leaders (default 2000 here, shorter than Kafka's 9000, so failover tests are quick).
   */
  brokerSessionTimeoutMs?: number;
  /** What the in-process node logs to stderr (default `warn`: problems only). Processes log to files under their data directory. */
  logLevel?: LogLevel;
}

/** One node of a started broker. */
export interface BrokerNode {
  /** Kafka node.id. */
  readonly id: number;
  /** `host:port` of the node's client listener. */
  readonly bootstrap: string;
  /** The process serving the node (this process for the in-process node); undefined while it is down. */
  readonly pid: number | undefined;
}

/** A started reference broker or cluster. Dispose it (`await using`) or call {@link close}. */
export interface Broker extends AsyncDisposable {
  /** `bootstrap.servers` for clients: every node, comma-separated. */
  readonly bootstrap: string;
  /** `bootstrap` as a list, what kafkajs's `brokers` and @platformatic/kafka's `bootstrapBrokers` take. */
  readonly brokers: string[];
  readonly nodes: readonly BrokerNode[];
  /** Faults and state of the nodes (kill / restart / pause / resume need processes). */
  readonly control: BrokerControl;
  /** Stops every node (processes: SIGTERM, then SIGKILL after 10 s) and removes a temporary data directory. Idempotent. */
  close(): Promise<void>;
}

const KNOWN = ['brokers', 'processes', 'dataDir', 'bugs', 'brokerSessionTimeoutMs', 'logLevel'] as const;

/**
 * Starts a reference broker and resolves once it serves: a one-node cluster inside this process
 * by default; `brokers: 3` (or `processes: true`) starts node processes and waits until every
 * node lists all of them.
 *
 * ```ts
 * await using broker = await startBroker();
 * const kafka = new Kafka({ brokers: broker.brokers });
 * ```
 *
 * @throws KconformUsageError on bad options (unknown names, out-of-range numbers, unknown bugs)
 * @throws Error when the broker cannot start (a node's log tail is in the message)
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<Broker> {
  refuseUnknownOptions('startBroker', options, KNOWN);
  const brokers = intOption('brokers', options.brokers ?? 1, 1, 9);
  const bugs = bugOption(options.bugs);
  const sessionMs = intOption('brokerSessionTimeoutMs', options.brokerSessionTimeoutMs ?? 2_000, 100, 600_000);
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir === ''))
    throw new KconformUsageError(`dataDir must be a directory path, got ${JSON.stringify(options.dataDir)}`);
  if (brokers > 1 || options.processes) return startProcesses(brokers, bugs, sessionMs, options.dataDir);

  const running = await startReferenceNode(
    {
      port: 0,
      dataDir: options.dataDir,
      bugs: new Set(bugs),
      offsetsTopicPartitions: SINGLE_NODE_OFFSETS_PARTITIONS,
    },
    createLogger('kconform-broker', options.logLevel ?? 'warn'),
  );
  const node = { id: running.broker.nodeId, bootstrap: running.bootstrap, pid: process.pid as number | undefined };
  return {
    bootstrap: running.bootstrap,
    brokers: [running.bootstrap],
    nodes: [node],
    control: inProcessControl({ id: node.id, bootstrap: running.bootstrap, port: running.port }),
    close: () => running.close(),
    [Symbol.asyncDispose]: () => running.close(),
  };
}

async function startProcesses(
  brokers: number,
  bugs: readonly BugName[],
  sessionMs: number,
  dataDir: string | undefined,
): Promise<Broker> {
  const extraArgs = ['--broker-session-timeout-ms', String(sessionMs)];
  if (bugs.length) extraArgs.push('--bug', bugs.join(','));
  // Without a dataDir it makes (and on stop removes) a temporary one, guarded against this process dying.
  const cluster = await startReferenceProcesses({ brokers, dataDir, extraArgs });
  const close = () => cluster.stop();
  const nodes: BrokerNode[] = cluster.nodes.map((n) => ({
    id: n.id,
    get bootstrap() {
      return n.bootstrap;
    },
    get pid() {
      return n.pid;
    },
  }));
  return {
    bootstrap: cluster.bootstrap,
    brokers: cluster.nodes.map((n) => n.bootstrap),
    nodes,
    control: processControl(cluster),
    close,
    [Symbol.asyncDispose]: close,
  };
}
