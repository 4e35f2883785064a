/**
 * Loopback networking helpers for starting local processes: free ports and waiting for a
 * listener.
 */
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A TCP port that was free on `host` a moment ago. Another process can still take it before
 * it is used; callers start quickly and report a bind failure from the process log.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** `count` distinct free ports on `host`. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. */
export function portAccepts(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Polls until host:port accepts connections. Stops early, returning false, when `giveUp()`
 * says so (the process that should listen has died) or at `deadline` (epoch ms).
 */
export async function waitForPort(
  host: string,
  port: number,
  deadline: number,
  giveUp: () => boolean = () => false,
): Promise<boolean> {
  while (Date.now() < deadline && !giveUp()) {
    if (await portAccepts(host, port)) return true;
    await sleep(200);
  }
  return false;
}
