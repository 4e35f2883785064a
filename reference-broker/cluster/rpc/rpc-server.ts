/**
 * The server side of the controller listener: JSON lines over TCP, one response line per request
 * line, matched by `id`. This is kconform's own internal transport between reference-cluster
 * nodes (Raft messages and forwarded controller calls), NOT the Kafka wire protocol: Kafka clients
 * never connect here, so there is no reason to pay for a binary codec on a few small messages.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { silentLogger, type Logger } from '../../logger.ts';
import { LineSplitter, MAX_LINE_BYTES, type RpcRequest, type RpcResponse } from './rpc-frame.ts';

/** Answers one call; a thrown error (or rejected promise) becomes an `error` response, never a crash. */
export type RpcHandler = (method: string, params: unknown) => unknown;

/** A listening controller listener; {@link RpcServer.close} is idempotent. */
export interface RpcServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on host:port (port 0 picks a free one) and answers every request line with `handler`.
 * A line that is not a well-formed request closes that connection, with the reason logged.
 */
export async function startRpcServer(
  host: string,
  port: number,
  handler: RpcHandler,
  logger: Logger = silentLogger,
): Promise<RpcServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const splitter = new LineSplitter(MAX_LINE_BYTES);
    const closeWith = (reason: string) => {
      logger.warn(`rpc: closing connection from ${peer}: ${reason}`);
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (err) {
        closeWith((err as Error).message);
        return;
      }
      for (const line of lines) {
        if (socket.destroyed) return;
        const request = parseRequest(line);
        if (typeof request === 'string') {
          closeWith(request);
          return;
        }
        void answer(request).then((response) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
        });
      }
    });
    socket.on('error', (err) => logger.debug(`rpc: connection from ${peer}: ${err.message}`));
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(request: RpcRequest): Promise<RpcResponse> {
    try {
      const result = await handler(request.method, request.params);
      return { id: request.id, result: result === undefined ? null : result };
    } catch (err) {
      return { id: request.id, error: (err as Error)?.message ?? String(err) };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error(`rpc: server on ${host}:${port}: ${err.message}`));
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  let closing: Promise<void> | undefined;
  return {
    host,
    port: boundPort,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

/** A request, or why the line is not one. */
function parseRequest(line: string): RpcRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return `malformed line (not JSON): ${line.slice(0, 80)}`;
  }
  if (typeof value !== 'object' || value === null) return 'malformed line (not an object)';
  const { id, method } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isInteger(id)) return 'malformed request (no integer id)';
  if (typeof method !== 'string' || method === '') return 'malformed request (no method)';
  return { id, method, params: (value as Record<string, unknown>).params };
}
