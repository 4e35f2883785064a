import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelinedConnection } from './pipelined-connection.ts';

/** A request frame: size, then 8 header bytes whose last 4 are the correlation id. */
function request(correlationId: number): Buffer[] {
  const head = Buffer.alloc(12);
  head.writeInt32BE(8 + 3, 0);
  head.writeInt32BE(correlationId, 8);
  return [head, Buffer.from('abc')];
}

/** A server that waits for `expect` requests, then answers their correlation ids in the order `order` gives. */
async function answeringServer(
  expectCount: number,
  order: (ids: number[]) => number[],
): Promise<{ server: Server; address: string; seen: () => number }> {
  let seen = 0;
  const server = createServer((socket: Socket) => {
    let buf = Buffer.alloc(0);
    const ids: number[] = [];
    socket.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        ids.push(buf.readInt32BE(8));
        buf = buf.subarray(4 + buf.readInt32BE(0));
        seen++;
      }
      if (ids.length === expectCount) {
        // One write with every answer, split mid-frame, to exercise framing across chunks.
        const all = Buffer.concat(
          order(ids).map((id) => {
            const f = Buffer.alloc(4 + 4 + 2);
            f.writeInt32BE(6, 0);
            f.writeInt32BE(id, 4);
            return f;
          }),
        );
        socket.write(all.subarray(0, 7));
        setTimeout(() => socket.write(all.subarray(7)), 5);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}`, seen: () => seen };
}

const servers: Server[] = [];
const conns: PipelinedConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('PipelinedConnection', () => {
  it('has every request in flight before the first answer, and hands the answers back in order', async () => {
    const n = 20;
    const s = await answeringServer(n, (ids) => ids);
    servers.push(s.server);
    const conn = await PipelinedConnection.open(s.address);
    conns.push(conn);
    const answered: number[] = [];
    const all = new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) {
        const id = conn.takeCorrelationId();
        conn.write(request(id), id, (frame) => {
          expect(conn.inFlight).toBe(n - answered.length - 1);
          answered.push(frame!.readInt32BE(0));
          if (answered.length === n) resolve();
        });
      }
    });
    expect(conn.inFlight).toBe(n);
    await all;
    expect(answered).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(s.seen()).toBe(n);
  });

  it('fails every waiting request when an answer comes out of order', async () => {
    const s = await answeringServer(3, (ids) => [ids[1]!, ids[0]!, ids[2]!]);
    servers.push(s.server);
    const conn = await PipelinedConnection.open(s.address);
    conns.push(conn);
    const outcomes = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<string>((resolve) => {
            const id = conn.takeCorrelationId();
            conn.write(request(id), id, (frame, err) => resolve(frame ? 'ok' : err!.message));
          }),
      ),
    );
    expect(outcomes.every((o) => /out of order: correlation id 2, expected 1/.test(o))).toBe(true);
  });

  it('calls back once written when no answer is expected (acks=0)', async () => {
    const s = await answeringServer(99, (ids) => ids);
    servers.push(s.server);
    const conn = await PipelinedConnection.open(s.address);
    conns.push(conn);
    await new Promise<void>((resolve) => conn.write(request(1), 1, undefined, resolve));
    expect(conn.inFlight).toBe(0);
  });
});
