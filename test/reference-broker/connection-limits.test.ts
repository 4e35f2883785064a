/**
 * Connection limits of `kconform broker`: --max-connections and --max-connections-per-ip (Kafka's
 * max.connections, max.connections.per.ip) refuse a connection over the limit with a log line,
 * and a broker started under `ulimit -n 256` that runs out of descriptors says so instead of
 * letting new clients fail silently; either way the broker keeps serving and admits clients
 * again once connections close.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { encodeRequest } from '../../protocol/messages/frames.ts';
import { open } from '../../harness/fuzz/fuzz-broker.ts';
import { spawnBroker, waitReady, type BrokerProcess } from '../helpers/broker-process.ts';

/** Whether `socket` answers an ApiVersions (true) or is closed without an answer (false). */
function served(socket: Socket, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (v: boolean) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(v);
    };
    const onData = () => finish(true);
    const onClose = () => finish(false);
    socket.on('data', onData);
    socket.once('close', onClose);
    if (socket.destroyed) return finish(false);
    socket.write(
      encodeRequest(
        { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'limits' },
        { clientSoftwareName: 'x', clientSoftwareVersion: '1' },
      ),
    );
  });
}

async function connect(bootstrap: string): Promise<Socket> {
  const s = await open(bootstrap);
  s.on('error', () => {});
  return s;
}

/** Waits until the broker's output has a line matching `re`. */
async function logged(p: BrokerProcess, re: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = p
      .output()
      .split('\n')
      .find((l) => re.test(l));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no line matching ${re} in:\n${p.output()}`);
    await sleep(50);
  }
}

/** Opens connections until one is served (the broker has freed a slot), closing the refused ones. */
async function servedAgain(bootstrap: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await connect(bootstrap);
    const ok = await served(s, 5_000);
    s.destroy();
    if (ok) return;
    if (Date.now() > deadline) throw new Error('no connection was served again');
    await sleep(100);
  }
}

describe('connection limits', () => {
  it('--max-connections 5 refuses the sixth connection with a log line, and admits again after one closes', async () => {
    const p = spawnBroker(['--port', '0', '--max-connections', '5']);
    const held: Socket[] = [];
    try {
      const bootstrap = await waitReady(p);
      for (let i = 0; i < 5; i++) {
        const s = await connect(bootstrap);
        expect(await served(s)).toBe(true);
        held.push(s);
      }
      const sixth = await connect(bootstrap);
      expect(await served(sixth)).toBe(false);
      expect(
        await logged(
          p,
          /Rejected connection from 127\.0\.0\.1: the broker already has the configured maximum of 5 connections \(max\.connections\)/,
        ),
      ).toBeTruthy();
      held.pop()!.destroy();
      await servedAgain(bootstrap);
    } finally {
      for (const s of held) s.destroy();
      await p.stop();
    }
  }, 60_000);

  it('--max-connections-per-ip 3 refuses the fourth from one address as Kafka words it', async () => {
    const p = spawnBroker(['--port', '0', '--max-connections-per-ip', '3']);
    const held: Socket[] = [];
    try {
      const bootstrap = await waitReady(p);
      for (let i = 0; i < 3; i++) {
        const s = await connect(bootstrap);
        expect(await served(s)).toBe(true);
        held.push(s);
      }
      expect(await served(await connect(bootstrap))).toBe(false);
      await logged(
        p,
        /Rejected connection from 127\.0\.0\.1, address already has the configured maximum of 3 connections/,
      );
    } finally {
      for (const s of held) s.destroy();
      await p.stop();
    }
  }, 60_000);

  it('under ulimit -n 256, 400 idle connections: the refusals are logged (not silent), the broker lives and serves once they close', async () => {
    const p = spawnBroker(['--port', '0'], { fdLimit: 256 });
    const held: Socket[] = [];
    try {
      const bootstrap = await waitReady(p);
      for (let i = 0; i < 400; i++) held.push(await connect(bootstrap));
      const last = held.at(-1)!;
      expect(await served(last)).toBe(false);
      const line = await logged(p, /Rejected connection from .*open-file limit \(ulimit -n 256\)/);
      // rate-limited: one line a second at most, however many were refused
      expect(
        p
          .output()
          .split('\n')
          .filter((l) => l.includes('Rejected connection')).length,
      ).toBeLessThan(20);
      expect(line).toContain('raise the limit');
      for (const s of held.splice(0)) s.destroy();
      await servedAgain(bootstrap);
      expect(p.child.exitCode).toBeNull();
    } finally {
      for (const s of held) s.destroy();
      await p.stop();
    }
  }, 90_000);
});
