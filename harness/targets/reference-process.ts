/**
 * The reference broker run as child processes (`kconform broker`), for runs whose faults must
 * kill, restart or pause it: the in-process reference target cannot be SIGKILLed without taking
 * the harness down with it. Each node keeps its partition logs in its own data directory, and a
 * restart reuses the port the first start bound, so clients find it where they left it.
 *
 *   DIR/node-N/data/        --data-dir of node N
 *   DIR/node-N/broker.log   its stdout and stderr, every start appended
 *
 * With several nodes every node is told the whole controller quorum up front (node.id,
 * controller listener port, controller.quorum.voters, as a static KRaft quorum), so client and
 * controller ports are chosen before the first start and kept across restarts.
 */
import { open, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryClusterMetadata } from '../kafka-dist/cluster-metadata.ts';
import { tailLines } from '../kafka-dist/log-tail.ts';
import { launchOn, NETWORK_BROKER_PORT, networkHosts, type NodeNetwork } from '../kafka-dist/node-network.ts';
import { freePorts } from '../kafka-dist/net-util.ts';
import { formatQuorumVoters, type QuorumVoter } from '../../reference-broker/cluster-voters.ts';
import { createNodeProcess, describeExit, type NodeProcess, type ReadyContext } from '../kafka-dist/node-process.ts';
import type { ProcessCluster, ProcessClusterNode } from '../kafka-dist/process-cluster.ts';
import { removeWhenOrphaned } from '../kafka-dist/process-group.ts';
import { withCompileCache } from './compile-cache.ts';

/**
 * Waits until every node's Metadata lists all nodes of the cluster. Each node is ready once it
 * serves and knows itself, but a node may still be missing from another node's view (its
 * registration not yet applied there) and a client bootstrapping from that node would not find it.
 */
async function waitForFullView(nodes: readonly ProcessClusterNode[], deadline: number): Promise<void> {
  const all = nodes
    .map((n) => n.id)
    .sort((a, b) => a - b)
    .join(',');
  const seen = new Map<number, string>();
  for (;;) {
    const views = await Promise.all(nodes.map((n) => tryClusterMetadata(n.bootstrap, { timeoutMs: 2_000 })));
    views.forEach((v, i) =>
      seen.set(
        nodes[i]!.id,
        v
          ? v.brokers
              .map((b) => b.nodeId)
              .sort((a, b) => a - b)
              .join(',')
          : 'no answer',
      ),
    );
    if ([...seen.values()].every((ids) => ids === all)) return;
    if (Date.now() >= deadline) {
      throw new ReferenceStartError(
        `reference cluster: not every node lists all ${nodes.length} nodes in time (${[...seen].map(([id, ids]) => `node ${id} lists [${ids}]`).join('; ')})`,
        '',
      );
    }
    await sleep(50);
  }
}

/** Options of {@link startReferenceProcesses}. */
export interface ReferenceProcessOptions {
  /** Number of nodes; more than one makes a replicated cluster (every node a broker and a controller quorum voter). */
  brokers: number;
  /** Client port of node 1 (node N gets basePort + N - 1); default: free ports. Loopback only. */
  basePort?: number;
  /**
   * The nodes' directory. Kept after `stop()`. Default: a temporary directory, removed by
   * `stop()`. Either way every node keeps its logs on disk, so a restart finds its data.
   */
  dataDir?: string;
  /** Extra `kconform broker` arguments for every node (e.g. `--num-partitions 3`). */
  extraArgs?: readonly string[];
  /** Limit for starting and becoming ready, and for each restart; default 30 s. */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping a node; default 10 s. */
  stopGraceMs?: number;
  /** The Node.js binary (≥ 22.18, runs .ts); default the one running this process. */
  nodeBin?: string;
  /**
   * Run node N on `network.node(N)` (a `NetworkLab` from harness/netns: its own network
   * namespace), listening on that host's address, port 9092, so that network faults
   * (`ProcessFaultControl(cluster, { network })`) can cut it off. The caller owns the network.
   */
  network?: NodeNetwork;
}

/** A running set of reference broker processes. Dispose or `stop()` it. */
export interface StartedReferenceProcesses extends ProcessCluster, AsyncDisposable {
  readonly dataDir: string;
  readonly logFiles: readonly string[];
  /** Stops every node and removes a temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** A reference broker process did not start or serve in time. CLI exit code 3. */
export class ReferenceStartError extends Error {
  /** The last lines of the node's log. */
  readonly logTail: string;
  constructor(message: string, logTail: string) {
    super(logTail ? `${message}\n--- last lines of the log ---\n${logTail}` : message);
    this.name = 'ReferenceStartError';
    this.logTail = logTail;
  }
}

const HOST = '127.0.0.1';
/** The controller listener of a node on its own network host (the client listener is NETWORK_BROKER_PORT). */
const NETWORK_CONTROLLER_PORT = 9093;
// The CLI beside this module: main.ts in the sources, main.js in the built package (dist/).
const CLI_MAIN = fileURLToPath(new URL(`../../app/cli/main${extname(import.meta.url)}`, import.meta.url));
const READY_LINE = /kconform broker ready on (\S+):(\d+)/;

/** The text appended to `file` after byte `offset`. */
async function readFrom(file: string, offset: number): Promise<string> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const { size } = await fh.stat();
    if (size <= offset) return '';
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * Starts `brokers` reference broker processes on free loopback ports and waits until each has
 * printed its ready line and answers Metadata listing itself.
 *
 * @throws ReferenceStartError (with the log tail) when a node does not start in time; everything
 *   started so far is stopped first
 */
export async function startReferenceProcesses(opts: ReferenceProcessOptions): Promise<StartedReferenceProcesses> {
  const brokers = opts.brokers;
  if (!Number.isInteger(brokers) || brokers < 1)
    throw new RangeError(`brokers must be a positive integer, got ${brokers}`);
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const grace = opts.stopGraceMs ?? 10_000;
  const nodeBin = opts.nodeBin ?? process.execPath;
  const label = `reference processes (${brokers} node${brokers === 1 ? '' : 's'}${opts.network ? ', own network' : ''})`;
  const hosts = opts.network
    ? networkHosts(
        opts.network,
        Array.from({ length: brokers }, (_, i) => i + 1),
      )
    : undefined;

  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kconform-reference-')));
  const dirGuard = ownDir ? removeWhenOrphaned(dataDir, grace + 3_000) : undefined;

  const processes = new Map<number, NodeProcess>();
  const ports = new Map<number, number>();
  const nodes: ProcessClusterNode[] = [];
  // A cluster's nodes must know each other's controller listeners before they start.
  const voters: QuorumVoter[] = [];
  if (brokers > 1) {
    const free = hosts ? [] : await freePorts(brokers * 2, HOST);
    for (let id = 1; id <= brokers; id++) {
      const netHost = hosts?.get(id);
      if (netHost) {
        ports.set(id, NETWORK_BROKER_PORT);
        voters.push({ id, host: netHost.address, port: NETWORK_CONTROLLER_PORT });
      } else {
        ports.set(id, opts.basePort !== undefined ? opts.basePort + id - 1 : free[id - 1]!);
        voters.push({ id, host: HOST, port: free[brokers + id - 1]! });
      }
    }
  }
  for (let id = 1; id <= brokers; id++) {
    const netHost = hosts?.get(id);
    const host = netHost?.address ?? HOST;
    // A node on its own network host has that host's whole port space to itself.
    if (netHost) ports.set(id, NETWORK_BROKER_PORT);
    const voter = voters.find((v) => v.id === id);
    const clusterArgs = voter
      ? [
          '--node-id',
          String(id),
          '--controller-port',
          String(voter.port),
          '--controller-quorum-voters',
          formatQuorumVoters(voters),
        ]
      : [];
    const dir = join(dataDir, `node-${id}`);
    const logFile = join(dir, 'broker.log');
    await mkdir(join(dir, 'data'), { recursive: true });
    const node: ProcessClusterNode = {
      id,
      logFile,
      get bootstrap() {
        const port = ports.get(id);
        return port === undefined ? '' : `${host}:${port}`;
      },
      get pid() {
        return processes.get(id)?.pid;
      },
    };
    nodes.push(node);
    const fail = async (what: string): Promise<never> => {
      throw new ReferenceStartError(
        `reference broker node ${id}${ports.has(id) ? ` on ${node.bootstrap}` : ''} ${what}`,
        await tailLines(logFile, 40),
      );
    };
    processes.set(
      id,
      createNodeProcess({
        id,
        label: `reference broker node ${id}`,
        logFile,
        stopGraceMs: grace,
        launch: () =>
          launchOn(netHost, {
            command: nodeBin,
            // Port 0 the first time; afterwards the port it bound, so a restart comes back at the same address.
            args: [
              CLI_MAIN,
              'broker',
              '--host',
              host,
              '--port',
              String(ports.get(id) ?? 0),
              '--data-dir',
              join(dir, 'data'),
              ...clusterArgs,
              ...(opts.extraArgs ?? []),
            ],
            cwd: dir,
            env: withCompileCache(),
          }),
        waitReady: async (ctx: ReadyContext) => {
          for (;;) {
            const exit = ctx.exitStatus();
            if (exit) await fail(`exited with ${describeExit(exit)} while starting`);
            if (Date.now() >= ctx.deadline) await fail('did not become ready in time');
            const m = READY_LINE.exec(await readFrom(logFile, ctx.logOffset));
            if (m) {
              ports.set(id, Number(m[2]));
              const view = await tryClusterMetadata(node.bootstrap, { timeoutMs: 2_000 });
              if (view?.brokers.some((b) => b.nodeId === id)) return;
            }
            await sleep(10); // reading the log tail is cheap; a coarser poll would dominate the time to ready
          }
        },
      }),
    );
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all([...processes.values()].map((p) => p.stop(grace)));
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
      dirGuard?.cancel();
    })());

  try {
    const deadline = Date.now() + startTimeoutMs;
    await Promise.all([...processes.values()].map((p) => p.start(deadline)));
    if (brokers > 1) await waitForFullView(nodes, deadline);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    label,
    get bootstrap() {
      return nodes.map((n) => n.bootstrap).join(',');
    },
    nodes,
    dataDir,
    logFiles: nodes.map((n) => n.logFile),
    restartTimeoutMs: startTimeoutMs,
    nodeProcess(id: number): NodeProcess {
      const p = processes.get(id);
      if (!p) throw new RangeError(`${label} has no node ${id}`);
      return p;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
