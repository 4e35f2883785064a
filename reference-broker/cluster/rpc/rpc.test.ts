import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../logger.ts';
import { RpcClient, RpcError, startRpcServer, type RpcServer } from './index.ts';

const toClose: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
});

async function echoServer(logger: Logger = silentLogger): Promise<RpcServer> {
  const server = await startRpcServer(
    '127.0.0.1',
    0,
    async (method, params) => {
      if (method === 'echo') return params;
      if (method === 'slow') return new Promise((resolve) => setTimeout(() => resolve('late'), 300));
      if (method === 'fail') throw new Error('handler failed');
      throw new Error(`unknown method ${method}`);
    },
    logger,
  );
  toClose.push(server);
  return server;
}

function client(server: RpcServer): RpcClient {
  const c = new RpcClient('127.0.0.1', server.port);
  toClose.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    return err as RpcError;
  }
  throw new Error('expected a rejection');
}

describe('controller listener rpc', () => {
  it('answers pipelined calls by correlation id', async () => {
    const c = client(await echoServer());
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => c.call('echo', { n }, 2000)));
    expect(answers).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
  });

  it('turns a failing handler into a remote error', async () => {
    const c = client(await echoServer());
    const err = await rejection(c.call('fail', null, 2000));
    expect(err).toBeInstanceOf(RpcError);
    expect(err.kind).toBe('remote');
    expect(err.message).toBe('handler failed');
  });

  it('times out a call without an answer and ignores the late answer', async () => {
    const c = client(await echoServer());
    const err = await rejection(c.call('slow', null, 50));
    expect(err.kind).toBe('timeout');
    expect(await c.call('echo', 'after', 2000)).toBe('after');
  });

  it('rejects (never throws) when the peer is down, and reconnects once it is back', async () => {
    const server = await echoServer();
    const port = server.port;
    const c = client(server);
    expect(await c.call('echo', 1, 2000)).toBe(1);
    await server.close();
    const err = await rejection(c.call('echo', 2, 2000));
    expect(['unreachable', 'timeout']).toContain(err.kind);
    const again = await startRpcServer('127.0.0.1', port, async (_m, p) => p, silentLogger);
    toClose.push(again);
    expect(await c.call('echo', 3, 2000)).toBe(3);
  });

  it('closes a connection that sends a malformed line, with the reason logged', async () => {
    const warnings: string[] = [];
    const server = await echoServer({ ...silentLogger, warn: (m) => warnings.push(m) });
    const socket = connect({ host: '127.0.0.1', port: server.port });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.write('this is not json\n');
    await closed;
    expect(warnings.join('\n')).toMatch(/malformed line/);
    // the server still serves others
    expect(await client(server).call('echo', 'ok', 2000)).toBe('ok');
  });

  it('a closed client rejects calls in flight and new ones', async () => {
    const c = client(await echoServer());
    const inFlight = c.call('slow', null, 5000);
    c.close();
    expect((await rejection(inFlight)).kind).toBe('closed');
    expect((await rejection(c.call('echo', 1, 1000))).kind).toBe('closed');
  });
});
