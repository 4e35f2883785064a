/**
 * The control endpoint of a running reference cluster (`kconform broker --brokers K
 * --control-port N`): HTTP/JSON on 127.0.0.1, so that tests written in any language can list the
 * nodes and their roles, kill / restart / pause / resume a node, partition and heal the network
 * (when the cluster runs in network namespaces), move a partition's leader and wait until every
 * partition is fully replicated, without kconform's runner. docs/control-endpoint.md is the API.
 *
 * The faults are the nemesis's own (ProcessFaultControl, the netns lab for partitions), so a
 * fault through this endpoint is exactly the fault a `kconform run --faults …` applies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProcessCluster } from '../kafka-dist/process-cluster.ts';
import { FaultUnavailableError, type FaultControl } from '../nemesis/fault-control.ts';
import type { ClusterSupervisor } from './cluster-supervisor.ts';
import { describeNodes, describePartitions, waitForPartition, waitFullyReplicated } from './cluster-state.ts';

/** What the endpoint drives. */
export interface ControlTarget {
  cluster: ProcessCluster;
  faults: FaultControl;
  supervisor: ClusterSupervisor;
  /** Why partitions are unavailable, when they are (no network namespaces). */
  partitionUnavailable?: string;
  /** Kafka's broker.session.timeout.ms of the nodes: how long a leader move takes at least. */
  brokerSessionTimeoutMs: number;
  /** One line per control action, for the command's log. */
  log?: (line: string) => void;
}

/** A running control endpoint. */
export interface ControlServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An answer other than 200, with the HTTP status it maps to. */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const MAX_BODY = 64 * 1024;
const DEFAULT_WAIT_MS = 60_000;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function timeoutOf(body: Record<string, unknown>): number {
  const t = body.timeoutMs;
  if (t === undefined) return DEFAULT_WAIT_MS;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t > 3_600_000)
    throw new HttpError(400, 'timeoutMs must be an integer number of milliseconds (0 to 3600000)');
  return t;
}

/**
 * Serves the control API for `target` on 127.0.0.1:`port` (0 picks a free port).
 *
 * @throws when the port cannot be bound (the message says why)
 */
export async function startControlServer(target: ControlTarget, port: number): Promise<ControlServer> {
  const { cluster, faults, supervisor } = target;
  const log = target.log ?? (() => {});
  const ids = new Set(cluster.nodes.map((n) => n.id));
  const nodeId = (s: string): number => {
    const id = Number(s);
    if (!ids.has(id)) throw new HttpError(404, `no node ${s}; nodes are ${[...ids].join(', ')}`);
    return id;
  };
  const act = async (what: string, run: () => Promise<void>) => {
    log(`kconform: control: ${what}`);
    try {
      await run();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof FaultUnavailableError) throw new HttpError(409, err.message);
      throw new HttpError(500, `${what} failed: ${(err as Error).message}`);
    }
  };
  const requirePartitions = () => {
    if (target.partitionUnavailable) throw new HttpError(409, target.partitionUnavailable);
  };

  const route = async (method: string, path: string, req: IncomingMessage): Promise<unknown> => {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const body = method === 'POST' ? await readJson(req) : {};
    const key = `${method} /${parts.map((p, i) => (i === 1 && (parts[0] === 'nodes' || parts[0] === 'partitions') ? ':x' : i === 2 && parts[0] === 'partitions' ? ':y' : p)).join('/')}`;
    switch (key) {
      case 'GET /nodes':
        return describeNodes(cluster);
      case 'GET /nodes/:x': {
        const id = nodeId(parts[1]!);
        return (await describeNodes(cluster)).nodes.find((n) => n.id === id);
      }
      case 'GET /partitions':
        return { partitions: await describePartitions(cluster) };
      case 'POST /nodes/:x/kill': {
        const id = nodeId(parts[1]!);
        await act(`kill node ${id}`, async () => {
          supervisor.expectExit(id, 'killed by a control request');
          await faults.kill(id);
        });
        break;
      }
      case 'POST /nodes/:x/restart': {
        const id = nodeId(parts[1]!);
        await act(`restart node ${id}`, async () => {
          await faults.restart(id);
          supervisor.watch(id);
        });
        break;
      }
      case 'POST /nodes/:x/pause': {
        const id = nodeId(parts[1]!);
        if (cluster.nodeProcess(id).state === 'stopped')
          throw new HttpError(409, `node ${id} is not running; restart it first`);
        await act(`pause node ${id}`, () => faults.pause(id));
        break;
      }
      case 'POST /nodes/:x/resume': {
        const id = nodeId(parts[1]!);
        await act(`resume node ${id}`, () => faults.resume(id));
        break;
      }
      case 'POST /nodes/:x/cut-client': {
        const id = nodeId(parts[1]!);
        requirePartitions();
        await act(`cut clients off node ${id}`, () => faults.cutClient(id));
        break;
      }
      case 'POST /partition': {
        requirePartitions();
        const groups = body.groups;
        if (
          !Array.isArray(groups) ||
          groups.length < 2 ||
          !groups.every((g) => Array.isArray(g) && g.every((x) => ids.has(x as number)))
        ) {
          throw new HttpError(
            400,
            `groups must be a list of at least two lists of node ids (${[...ids].join(', ')}), e.g. {"groups":[[1],[2,3]]}`,
          );
        }
        await act(`partition ${JSON.stringify(groups)}`, () => faults.partition(groups as number[][]));
        break;
      }
      case 'POST /heal':
        await act('heal the network', () => faults.healNetwork());
        break;
      case 'POST /heal-all':
        await act('heal everything', async () => {
          await faults.healAll();
          for (const id of ids) supervisor.watch(id);
        });
        break;
      case 'POST /partitions/:x/:y/move-leader': {
        const [, topic, p] = parts as [string, string, string];
        const partition = Number(p);
        if (!Number.isInteger(partition) || partition < 0) throw new HttpError(400, `bad partition '${p}'`);
        const deadline = Date.now() + timeoutOf(body);
        const before = (await describePartitions(cluster)).find((x) => x.topic === topic && x.partition === partition);
        if (!before || before.leader < 0)
          throw new HttpError(404, `${topic}-${partition} has no leader that any node knows`);
        if (before.isr.length < 2)
          throw new HttpError(409, `${topic}-${partition} has no other in-sync replica to lead (isr [${before.isr}])`);
        // The reference controller has no preferred-leader election (SKIPPED_FEATURES.md), so the
        // leader steps down the way a broker loses leadership in Kafka: it goes silent, the
        // controller fences it after broker.session.timeout.ms and elects another ISR member;
        // then it is resumed and rejoins as a follower.
        let after;
        await act(`move the leader of ${topic}-${partition} away from node ${before.leader}`, async () => {
          await faults.pause(before.leader);
          try {
            after = await waitForPartition(
              cluster,
              topic,
              partition,
              (x) => x.leader >= 0 && x.leader !== before.leader,
              deadline,
              `a new leader after pausing node ${before.leader}`,
            );
          } finally {
            await faults.resume(before.leader);
          }
        });
        return { topic, partition, from: before.leader, to: after!.leader, leaderEpoch: after!.leaderEpoch };
      }
      case 'POST /wait-replicated': {
        const timeoutMs = timeoutOf(body);
        try {
          return { replicated: true, partitions: await waitFullyReplicated(cluster, timeoutMs) };
        } catch (err) {
          throw new HttpError(504, (err as Error).message);
        }
      }
      default:
        throw new HttpError(404, `no such endpoint: ${method} ${path} (see docs/control-endpoint.md)`);
    }
    return describeNodes(cluster);
  };

  const answer = (res: ServerResponse, status: number, value: unknown) => {
    const text = JSON.stringify(value) + '\n';
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(req.method ?? 'GET', url.pathname, req).then(
      (value) => answer(res, 200, value),
      (err: unknown) => answer(res, err instanceof HttpError ? err.status : 500, { error: (err as Error).message }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url: `http://127.0.0.1:${bound}`, port: bound, close, [Symbol.asyncDispose]: close };
}
