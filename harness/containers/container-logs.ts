/**
 * Reading a container's output through the engine API without following it. The API frames
 * stdout and stderr of a container without a TTY in 8-byte-headed chunks; this undoes that.
 */

/**
 * Turns the engine's multiplexed log stream (header: stream type, three zero bytes, 32-bit
 * big-endian length) into text. Input that does not start with such a header is returned as
 * text unchanged (a TTY container's logs are not framed).
 */
export function demuxLogs(buf: Buffer): string {
  const looksFramed = buf.length >= 8 && buf[0]! <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  if (!looksFramed) return buf.toString('utf8');
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const len = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, Math.min(buf.length, at + 8 + len)));
    at += 8 + len;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The part of a dockerode container this module needs. */
export interface LogSource {
  logs(opts: { stdout: boolean; stderr: boolean; follow: false; tail?: number }): Promise<Buffer>;
}

/** The last `lines` lines a container printed (all when `lines` is undefined); '' when unreadable. */
export async function containerLogs(container: LogSource, lines?: number): Promise<string> {
  try {
    const buf = await container.logs({ stdout: true, stderr: true, follow: false, ...(lines ? { tail: lines } : {}) });
    return demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)));
  } catch {
    return '';
  }
}
