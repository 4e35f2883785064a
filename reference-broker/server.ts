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
import { loadCodecs } from '../protocol/messages/codec-registry.ts';
import type { ClusterLink } from './replication/cluster-link.ts';
import { lockDataDir, type DataDirLock } from './state/data-dir.ts';

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
 * default; port 0 picks a free port): a single node, or with `config.cluster` one node of a
 * replicated cluster, which first joins the controller quorum.
 */
export async function startBroker(overrides: Partial<BrokerConfig> = {}, log: Logger = createLogger('broker')): Promise<RunningBroker> {
  const config = defaultBrokerConfig(overrides);
  // Only the codecs of the APIs this broker serves (its replica fetchers use the same ones).
  await loadCodecs(HANDLERS.keys());
  // Before anything reads or writes the directory: a second broker on it would lose the first one's writes.
  const lock: DataDirLock | undefined = config.dataDir ? lockDataDir(config.dataDir) : undefined;
  try {
    return await startNode(config, log, lock);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startNode(config: BrokerConfig, log: Logger, lock: DataDirLock | undefined): Promise<RunningBroker> {
  let link: ClusterLink | undefined;
  if (config.cluster) {
    // The other nodes must know where this one listens before it registers, so a cluster node binds a chosen port.
    if (config.port === 0) throw new Error('a cluster node needs an explicit --port (its address is registered with the controller before it listens)');
    const { startControlPlaneLink } = await import('./replication/control-plane-link.ts');
    link = await startControlPlaneLink(config, { host: config.advertisedHost ?? config.host, port: config.advertisedPort ?? config.port }, log);
  }
  // Before registration, as Kafka's BrokerServer: its replica manager follows what the metadata says.
  const broker = new Broker(config, log, link);
  if (link) {
    // As Kafka's BrokerServer: the client listener opens once the controller has unfenced this broker.
    log.info(`waiting for the controller to register and unfence node ${config.nodeId} before opening the client listener`);
    await link.whenServing();
  }
  const router = new RequestRouter(broker, config.apiVersionLimits ? limitVersions(HANDLERS, config.apiVersionLimits) : HANDLERS);
  const sockets = new Set<Socket>();
  const closeLog = new LogRateLimiter(log);
  let limits: ConnectionLimits | undefined = undefined;
  const server: Server = createServer((socket) => {
    if (limits && !limits.admit(socket)) return;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
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
  });
  limits = new ConnectionLimits(server, { maxConnections: config.maxConnections, maxConnectionsPerIp: config.maxConnectionsPerIp, log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      broker.close();
      void link?.close();
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${config.port} on ${config.host} is already in use`) : err);
    });
    server.listen(config.port, config.host, () => resolve());
  });
  // Accept errors (EMFILE when libuv cannot hide it) repeat for every waiting client: one line a second.
  const listenerErrors = new LogRateLimiter(log, 1);
  server.on('error', (err) => listenerErrors.warn(`listener: ${err.message}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  broker.endpoint = { host: config.advertisedHost ?? config.host, port: config.advertisedPort ?? port };
  const security = config.sasl ? `SASL_PLAINTEXT ${config.sasl.mechanisms.join(',')}` : 'PLAINTEXT';
  log.info(`reference broker ${config.nodeId} listening on ${config.host}:${port}, ${security} (${config.dataDir ? `data in ${config.dataDir}` : 'in memory'})`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (link ? link.shutdown() : Promise.resolve()).then(() => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }))
      .then(() => broker.close())
      .then(() => link?.close())
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
