/**
 * Can a TCP connection be opened, from the host or from inside a node's namespace? How tests
 * and fault checks see whether a partition or a client cut is in effect without any broker
 * protocol in the way.
 */
import { portAccepts } from '../kafka-dist/net-util.ts';
import type { LabNode } from './network-lab.ts';

/** True when a TCP connection from this host to host:port opens within `timeoutMs`. */
export function tcpConnects(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return portAccepts(host, port, timeoutMs);
}

// Exit 0 when the connection opens, 1 when it fails or times out (a dropped SYN never fails by itself).
const PROBE_SCRIPT = `
const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
const t = setTimeout(() => process.exit(1), Number(process.argv[3]));
s.once('connect', () => { clearTimeout(t); s.destroy(); process.exit(0); });
s.once('error', () => process.exit(1));
`;

/**
 * True when a TCP connection from inside `from`'s namespace to host:port opens within
 * `timeoutMs`. Runs this Node binary in the namespace (about 50 ms of start-up on top).
 */
export async function tcpConnectsFrom(from: LabNode, host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  try {
    await from.run(process.execPath, ['-e', PROBE_SCRIPT, host, String(port), String(timeoutMs)], {
      timeoutMs: timeoutMs + 10_000,
    });
    return true;
  } catch {
    return false;
  }
}
