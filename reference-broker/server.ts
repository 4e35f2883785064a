import { createServer, type Server, type Socket } from 'node:net';
import { defaultBrokerConfig, type BrokerConfig } from './config.ts';
import { Broker } from './broker.ts';
import { createLogger, type Logger } from './logger.ts';
import { Connection } from './network/connection.ts';
import { LogRateLimiter } from './network/log-rate-limiter.ts';
import { ConnectionLimits } from './network/connection-limits.ts';
import { attachSaslSession } from './auth/sasl-session.ts';
import { RequestRouter } from './request-router.ts';
import { HANDLERS } from './handlers/index.ts';
import { limitVersions } from './handlers/version-limits.ts';
import type { ClusterLink } from './replication/cluster-link.ts';
import { startControlPlaneLink } from './replication/control-plane-link.ts';
import { lockDataDir, refuseLegacyMetadata, type DataDirLock } from './state/data-dir.ts';

/** A started reference broker: where it listens, its state, and how to stop it. */
export interface RunningBroker extends AsyncDisposable {
  readonly host: string;
  readonly port: number;
  /** `host:port`, what a client's bootstrap.servers takes. */
  readonly bootstrap: string;
  readonly broker: Broker;
  /** Stops accepting, closes every connection, flushes and closes the logs. */
  close(): Promise<void>;
}

/**
 * Starts a reference broker node listening on `config.host:config.port` (127.0.0.1:9092 by
 * default; port 0 picks a free port): one node of a replicated cluster with `config.cluster`,
 * else a single node, which is a cluster of one (a one-voter controller quorum, no peers).
 */
export async function startBroker(
  overrides: Partial<BrokerConfig> = {},
  log: Logger = createLogger('broker'),
): Promise<RunningBroker> {
  const config = defaultBrokerConfig(overrides);
  // Before anything reads or writes the directory: a second broker on it would lose the first one's writes.
  const lock: DataDirLock | undefined = config.dataDir ? lockDataDir(config.dataDir) : undefined;
  try {
    if (config.dataDir) refuseLegacyMetadata(config.dataDir);
    return await startNode(config, log, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startNode(config: BrokerConfig, log: Logger, lock: DataDirLock | undefined): Promise<RunningBroker> {
  // The listener binds first (port 0 resolves to the port registered with the controller), but
  // takes no request until the broker serves: as Kafka's BrokerServer, clients never meet a
  // broker the controller has not unfenced (connections that arrive meanwhile wait, paused).
  let accept: ((socket: Socket) => void) | undefined;
  const early: Socket[] = [];
  const sockets = new Set<Socket>();
  let limits: ConnectionLimits | undefined;
  const server: Server = createServer((socket) => {
    if (limits && !limits.admit(socket)) return;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (accept) return accept(socket);
    socket.pause();
    early.push(socket);
  });
  limits = new ConnectionLimits(server, {
    maxConnections: config.maxConnections,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${config.port} on ${config.host} is already in use`) : err),
    );
    server.listen(config.port, config.host, () => resolve());
  });
  // Accept errors (EMFILE when libuv cannot hide it) repeat for every waiting client: one line a second.
  const listenerErrors = new LogRateLimiter(log, 1);
  server.on('error', (err) => listenerErrors.warn(`listener: ${err.message}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const endpoint = { host: config.advertisedHost ?? config.host, port: config.advertisedPort ?? port };

  // Every node, a single one too, runs the controller quorum (one voter: itself) and learns its
  // topics from the metadata image, as Kafka 4 in combined mode (process.roles=broker,controller).
  let link: ClusterLink;
  try {
    link = await startControlPlaneLink(config, endpoint, log);
  } catch (err) {
    server.close();
    for (const s of sockets) s.destroy();
    throw err;
  }
  // Before registration, as Kafka's BrokerServer: its replica manager follows what the metadata says.
  const broker = new Broker(config, log, link);
  broker.endpoint = endpoint;
  log.info(`waiting for the controller to register and unfence node ${config.nodeId} before serving clients`);
  await link.whenServing();
  const router = new RequestRouter(
    broker,
    config.apiVersionLimits ? limitVersions(HANDLERS, config.apiVersionLimits) : HANDLERS,
  );
  const closeLog = new LogRateLimiter(log);
  accept = (socket) => {
    const conn = new Connection(socket, {
      maxFrameBytes: config.socketRequestMaxBytes,
      idleTimeoutMs: config.connectionsMaxIdleMs,
      handle: (frame, c) => router.route(frame, c),
      log,
      closeLog,
    });
    if (config.sasl) {
      attachSaslSession(conn, config.sasl);
      conn.setFrameLimit(config.sasl.maxReceiveSize, 'sasl.server.max.receive.size');
    }
  };
  for (const socket of early.splice(0)) {
    if (socket.destroyed) continue;
    accept(socket);
    socket.resume();
  }
  const security = config.sasl ? `SASL_PLAINTEXT ${config.sasl.mechanisms.join(',')}` : 'PLAINTEXT';
  log.info(
    `reference broker ${config.nodeId} listening on ${config.host}:${port}, ${security} (${config.dataDir ? `data in ${config.dataDir}` : 'in memory'})`,
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= link
      .shutdown()
      .then(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            for (const s of sockets) s.destroy();
          }),
      )
      .then(() => broker.close())
      .then(() => link.close())
      .finally(() => lock?.release()));
  return {
    host: config.host,
    port,
    bootstrap: `${config.host}:${port}`,
    broker,
    close,
    [Symbol.asyncDispose]: close,
  };
}
