import { connect, type Socket } from 'node:net';
import type { Logger } from '../../logger.ts';
import { silentLogger } from '../../logger.ts';
import { LineSplitter, MAX_LINE_BYTES, type RpcResponse } from './rpc-frame.ts';

/** Why a call failed: no answer in time, no connection, the peer's handler failed, or the client was closed. */
export type RpcErrorKind = 'timeout' | 'unreachable' | 'remote' | 'closed';

/** The one error {@link RpcClient.call} rejects with; `kind` says whether retrying elsewhere makes sense. */
export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  constructor(kind: RpcErrorKind, message: string) {
    super(message);
    this.name = 'RpcError';
    this.kind = kind;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: RpcError): void;
  timer: NodeJS.Timeout;
}

/**
 * A client of one peer's controller listener. It connects on the first call and again on the
 * next call after the connection dropped, so a peer that is down costs a rejected promise, never
 * an uncaught error. Calls are pipelined on one connection and matched by id.
 */
export class RpcClient {
  readonly host: string;
  readonly port: number;
  readonly #logger: Logger;
  #socket: Socket | undefined;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #closed = false;

  constructor(host: string, port: number, logger: Logger = silentLogger) {
    this.host = host;
    this.port = port;
    this.#logger = logger;
  }

  /** Calls `method` on the peer; rejects with an {@link RpcError} after `timeoutMs` without an answer. */
  call(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    if (this.#closed) return Promise.reject(new RpcError('closed', 'rpc client closed'));
    const socket = this.#connection();
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RpcError('timeout', `${method} to ${this.host}:${this.port}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, { resolve, reject, timer });
      socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Fails every call in flight and drops the connection; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drop(new RpcError('closed', 'rpc client closed'));
  }

  #connection(): Socket {
    if (this.#socket && !this.#socket.destroyed) return this.#socket;
    const socket = connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.unref();
    const splitter = new LineSplitter(MAX_LINE_BYTES);
    socket.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (err) {
        this.#logger.warn(`rpc: closing connection to ${this.host}:${this.port}: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const line of lines) this.#onLine(socket, line);
    });
    socket.on('error', (err) => this.#logger.debug(`rpc: ${this.host}:${this.port}: ${err.message}`));
    socket.on('close', () => {
      if (this.#socket === socket)
        this.#drop(new RpcError('unreachable', `connection to ${this.host}:${this.port} closed`));
    });
    this.#socket = socket;
    return socket;
  }

  #onLine(socket: Socket, line: string): void {
    let response: RpcResponse;
    try {
      response = JSON.parse(line) as RpcResponse;
      if (typeof response !== 'object' || response === null || typeof response.id !== 'number')
        throw new Error('no id');
    } catch {
      this.#logger.warn(
        `rpc: closing connection to ${this.host}:${this.port}: malformed response line: ${line.slice(0, 80)}`,
      );
      socket.destroy();
      return;
    }
    const pending = this.#pending.get(response.id);
    if (!pending) return; // answered after its timeout
    this.#pending.delete(response.id);
    clearTimeout(pending.timer);
    if (typeof response.error === 'string') pending.reject(new RpcError('remote', response.error));
    else pending.resolve(response.result);
  }

  /** Forgets the connection and fails whatever was waiting on it; the next call reconnects. */
  #drop(err: RpcError): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
