import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts, portAccepts, waitForPort } from './net-util.ts';

describe('net-util', () => {
  it('finds distinct free loopback ports that can be bound', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(ports[0], '127.0.0.1', resolve));
    srv.close();
  });

  it('sees a listener appear, and gives up on a port nobody opens', async () => {
    const port = await freePort();
    expect(await portAccepts('127.0.0.1', port)).toBe(false);
    const srv = createServer();
    setTimeout(() => srv.listen(port, '127.0.0.1'), 300);
    expect(await waitForPort('127.0.0.1', port, Date.now() + 5_000)).toBe(true);
    srv.close();
    const other = await freePort();
    expect(await waitForPort('127.0.0.1', other, Date.now() + 400)).toBe(false);
  });

  it('stops waiting as soon as giveUp says so', async () => {
    const port = await freePort();
    const t0 = Date.now();
    expect(await waitForPort('127.0.0.1', port, Date.now() + 10_000, () => Date.now() - t0 > 200)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});
