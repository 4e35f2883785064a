/**
 * Limits on client connections, as Kafka's ConnectionQuotas: `max.connections` for the whole
 * listener and `max.connections.per.ip`. Kafka's acceptor waits for a free slot when the broker
 * is at max.connections and closes a connection over max.connections.per.ip, logging "Rejected
 * connection from IP, address already has the configured maximum of N connections." Here a
 * connection over either limit is closed at once (Node has no way to leave it in the accept
 * backlog) with such a line, rate-limited so a flood cannot flood the log.
 *
 * The file-descriptor limit (`ulimit -n`) is a limit too: when it runs out, libuv accepts and
 * closes new connections itself (its EMFILE trick) and the broker never hears of them, so
 * clients fail silently. The listener therefore caps connections below the process's
 * descriptor limit, keeping room for log segments, and refuses beyond that with a line naming
 * the limit.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import { LogRateLimiter } from './log-rate-limiter.ts';

/** Descriptors kept free for the broker's own files (segments, indexes, checkpoints) when capping connections. */
export const FD_HEADROOM = 128;

/** The soft limit on open files of this process (Linux), or null when unknown or unlimited. */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function openFileCount(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** Options of {@link ConnectionLimits}. */
export interface ConnectionLimitOptions {
  /** max.connections (Kafka's default: unlimited). */
  maxConnections: number;
  /** max.connections.per.ip (Kafka's default: unlimited). */
  maxConnectionsPerIp: number;
  log: Logger;
}

/** Counts a listener's connections and refuses the ones over a limit. */
export class ConnectionLimits {
  private readonly perIp = new Map<string, number>();
  private readonly refusals: LogRateLimiter;
  private readonly maxPerIp: number;
  private readonly configuredMax: number;
  /** The cap from the descriptor limit, or Infinity. */
  private readonly fdCap: number;
  private readonly fdLimit: number | null;

  constructor(server: Server, opts: ConnectionLimitOptions) {
    this.maxPerIp = opts.maxConnectionsPerIp;
    this.configuredMax = opts.maxConnections;
    this.refusals = new LogRateLimiter(opts.log, 1);
    this.fdLimit = openFileLimit();
    const inUse = openFileCount() ?? 0;
    this.fdCap = this.fdLimit === null ? Infinity : Math.max(1, this.fdLimit - inUse - FD_HEADROOM);
    const max = Math.min(this.configuredMax, this.fdCap);
    if (Number.isFinite(max)) server.maxConnections = max;
    if (this.fdCap < this.configuredMax && this.fdCap < 10_000) {
      opts.log.info(
        `at most ${this.fdCap} client connections: the open-file limit (ulimit -n) is ${this.fdLimit}, ${inUse} in use and ${FD_HEADROOM} kept for log files`,
      );
    }
    // Node closes a connection over server.maxConnections itself, before the connection handler.
    server.on('drop', (d) => {
      const ip = d?.remoteAddress ?? '?';
      if (this.fdCap <= this.configuredMax) {
        this.refusals.warn(
          `Rejected connection from ${ip}: ${max} connections open, as many as the open-file limit (ulimit -n ${this.fdLimit}) allows; raise the limit or close idle clients`,
        );
      } else {
        this.refusals.warn(
          `Rejected connection from ${ip}: the broker already has the configured maximum of ${max} connections (max.connections)`,
        );
      }
    });
  }

  /** Admits `socket` or closes it with a logged reason; an admitted socket is counted until it closes. */
  admit(socket: Socket): boolean {
    const ip = socket.remoteAddress ?? '?';
    const count = this.perIp.get(ip) ?? 0;
    if (count >= this.maxPerIp) {
      this.refusals.warn(
        `Rejected connection from ${ip}, address already has the configured maximum of ${this.maxPerIp} connections (max.connections.per.ip)`,
      );
      socket.destroy();
      return false;
    }
    this.perIp.set(ip, count + 1);
    socket.once('close', () => {
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    });
    return true;
  }
}
