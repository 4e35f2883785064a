/**
 * The physical limit of a produce benchmark on this machine, measured in the same run as the
 * brokers: loopback TCP bandwidth (bytes written flat out to a server that discards them) and a
 * no-op TCP echo (request-sized frames pipelined with the raw driver's window, echoed back
 * unread): what a broker that did nothing at all could answer. The servers run as a separate
 * process, as a broker does, so that they take no CPU from the client.
 *
 *   node bench/physical-limit.ts --serve   prints "physical-limit servers on DISCARD_PORT ECHO_PORT"
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PipelinedConnection } from '../app/load/raw/pipelined-connection.ts';

/** What {@link measurePhysicalLimit} found. */
export interface PhysicalLimit {
  /** Loopback bandwidth, MB/s (10^6 bytes). */
  loopbackMBps: number;
  /** Echo round trips per second of request-sized frames. */
  echoRequestsPerSecond: number;
  /** The same in records of the benchmark's size (requests/s × records per request). */
  echoRecordsPerSecond: number;
}

async function serve(): Promise<{ servers: Server[]; ports: [number, number] }> {
  const discard = createServer((s) => {
    let n = 0;
    s.on('data', (c: Buffer) => {
      n += c.length;
    });
    s.on('end', () => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(n));
      s.end(b);
    });
    s.on('error', () => s.destroy());
  });
  const echo = createServer((s) => {
    s.setNoDelay(true);
    s.on('data', (c: Buffer) => s.write(c));
    s.on('error', () => s.destroy());
  });
  const listen = (srv: Server) =>
    new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
  return { servers: [discard, echo], ports: [await listen(discard), await listen(echo)] };
}

/** Writes flat out for `seconds` on `connections` connections to the discard server; MB/s it received. */
async function loopbackBandwidth(port: number, seconds: number, connections: number): Promise<number> {
  const t0 = performance.now();
  const bytes = await Promise.all(Array.from({ length: connections }, () => writeFlatOut(port, seconds)));
  return bytes.reduce((a, b) => a + b, 0) / ((performance.now() - t0) / 1000) / 1e6;
}

/** Bytes one connection got through to the discard server in `seconds`. */
async function writeFlatOut(port: number, seconds: number): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 7);
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise((r) => socket.once('connect', r));
  const t0 = performance.now();
  const received = new Promise<number>((resolve) => {
    const parts: Buffer[] = [];
    socket.on('data', (c: Buffer) => parts.push(c));
    socket.on('end', () => resolve(Number(Buffer.concat(parts).readBigInt64BE(0))));
  });
  while (performance.now() - t0 < seconds * 1000) {
    if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
  }
  socket.end();
  const bytes = await received;
  socket.destroy();
  return bytes;
}

/** Pipelines `frameBytes`-sized frames to the echo server on `connections` connections, `inFlight` each. */
async function echoRate(
  port: number,
  seconds: number,
  connections: number,
  inFlight: number,
  frameBytes: number,
): Promise<number> {
  const body = Buffer.alloc(frameBytes, 1);
  const conns = await Promise.all(
    Array.from({ length: connections }, () => PipelinedConnection.open(`127.0.0.1:${port}`)),
  );
  let answered = 0;
  const endAt = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    conns.map(
      (conn) =>
        new Promise<void>((resolve) => {
          let outstanding = 0;
          const sendOne = () => {
            const id = conn.takeCorrelationId();
            // The echoed frame comes back as [size][correlation id][body]: what an answer looks like.
            const head = Buffer.allocUnsafe(8);
            head.writeInt32BE(4 + body.length, 0);
            head.writeInt32BE(id, 4);
            outstanding++;
            conn.write([head, body], id, (frame) => {
              outstanding--;
              if (frame) answered++;
              if (frame && performance.now() < endAt) sendOne();
              else if (outstanding === 0) resolve();
            });
          };
          for (let i = 0; i < inFlight; i++) sendOne();
        }),
    ),
  );
  const elapsed = (performance.now() - t0) / 1000;
  for (const c of conns) c.close();
  return answered / elapsed;
}

/**
 * Starts the servers as a child process (one connection per driver connection for both: a
 * single Node socket writing 1 MiB chunks measured below what the null sink then received), measures loopback bandwidth and the echo rate of frames
 * of `recordsPerRequest × recordSize` bytes, and stops the servers.
 */
export async function measurePhysicalLimit(o: {
  seconds: number;
  connections: number;
  inFlight: number;
  recordsPerRequest: number;
  recordSize: number;
}): Promise<PhysicalLimit> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [discardPort, echoPort] = await new Promise<[number, number]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /servers on (\d+) (\d+)/.exec(out);
        if (m) resolve([Number(m[1]), Number(m[2])]);
      });
      child.once('exit', (code) => reject(new Error(`physical-limit servers exited with ${code}`)));
    });
    const loopbackMBps = await loopbackBandwidth(discardPort, o.seconds, o.connections);
    const echoRequestsPerSecond = await echoRate(
      echoPort,
      o.seconds,
      o.connections,
      o.inFlight,
      o.recordsPerRequest * o.recordSize,
    );
    return { loopbackMBps, echoRequestsPerSecond, echoRecordsPerSecond: echoRequestsPerSecond * o.recordsPerRequest };
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--serve')) {
  const { servers, ports } = await serve();
  process.stdout.write(`physical-limit servers on ${ports[0]} ${ports[1]}\n`);
  const stop = () => {
    for (const s of servers) s.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
