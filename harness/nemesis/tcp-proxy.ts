import { createServer, connect, type Server, type Socket } from 'node:net';
import { decodeResponse, encodeResponse } from '../../protocol/messages/frames.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** A broker address as clients see it. */
export interface HostPort {
  host: string;
  port: number;
}

/** Which responses to drop: of an API key, how many (the next N). */
export interface DropRule {
  apiKey: number;
  count: number;
}

/** A running proxy in front of one broker. */
export interface TcpProxy extends AsyncDisposable {
  /** Where clients connect instead of the broker. */
  readonly listen: HostPort;
  readonly upstream: HostPort;
  /** Discards all traffic both ways while leaving connections open (the client sees silence). */
  blackhole(): void;
  /** Delays every chunk in both directions by `ms`. */
  delay(ms: number): void;
  /**
   * Drops the next `count` responses to requests of `apiKey` after the broker handled them:
   * the request took effect but the client never hears so, and retries. This is how the
   * idempotence scenarios make a producer resend a batch that was already written.
   */
  dropResponses(rule: DropRule): void;
  /** Responses dropped so far, by API key. */
  readonly dropped: ReadonlyMap<number, number>;
  /**
   * Holds the next `count` requests of `apiKey` back: the broker does not get them (the client
   * waits, times out, usually retries on a new connection) until {@link releaseHeld} delivers
   * them, late. This is how the txn-late-endtxn scenario delays an EndTxn past the producer's
   * next transaction (the KAFKA-17754 shape).
   */
  holdRequests(rule: DropRule): void;
  /**
   * Delivers every held request to the broker, each on a new connection (the client that sent it
   * may be gone), and resolves with the broker's answer to each (the frame, undecoded). Held
   * requests are kept across {@link heal}: a heal does not deliver them.
   */
  releaseHeld(): Promise<HeldAnswer[]>;
  /**
   * Cuts clients off: closes every open connection (the client sees a reset) and closes each new
   * one as soon as it is accepted, until {@link heal}.
   */
  cut(): void;
  /** Undoes blackhole, delay, pending drops and a cut. */
  heal(): void;
  close(): Promise<void>;
}

/** A held request delivered late, and what the broker answered it (null: no answer within the wait). */
export interface HeldAnswer {
  apiKey: number;
  apiVersion: number;
  /** The response frame without its size prefix (correlation id first), or null. */
  response: Buffer | null;
}

/** How long a late request's answer is waited for. */
const HELD_ANSWER_TIMEOUT_MS = 30_000;

/** Rewrites broker addresses in Metadata/FindCoordinator/DescribeCluster answers so clients stay on the proxies. */
export type AddressMap = (broker: HostPort) => HostPort | undefined;

/** Splits a byte stream into size-prefixed frames (whole frames, prefix included). */
class FrameSplitter {
  private buffered: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (size < 0 || this.buffered.length < 4 + size) break;
      out.push(this.buffered.subarray(0, 4 + size));
      this.buffered = this.buffered.subarray(4 + size);
    }
    return out;
  }
}

function rewriteAddresses(apiKey: number, apiVersion: number, frame: Buffer, map: AddressMap): Buffer {
  // biome-ignore lint/suspicious/noExplicitAny: a decoded answer body of any API
  const { header, body } = decodeResponse<any>(apiKey, apiVersion, frame.subarray(4));
  const swap = (o: { host: string; port: number }) => {
    const to = map({ host: o.host, port: o.port });
    if (to) {
      o.host = to.host;
      o.port = to.port;
    }
  };
  if (apiKey === ApiKey.Metadata) for (const b of body.brokers) swap(b);
  if (apiKey === ApiKey.DescribeCluster) for (const b of body.brokers) swap(b);
  if (apiKey === ApiKey.FindCoordinator) {
    if (apiVersion >= 4) for (const c of body.coordinators) swap(c);
    else if (body.port > 0) swap(body);
  }
  return encodeResponse(apiKey, apiVersion, header.correlationId, body);
}

/**
 * A Kafka-aware TCP proxy on loopback in front of one broker. It parses frames in both
 * directions (so it can drop one whole response and keep the stream valid), and can rewrite the
 * broker addresses in Metadata, FindCoordinator and DescribeCluster answers so that clients keep
 * talking through the proxies rather than to the brokers they advertise.
 */
export async function startTcpProxy(
  upstream: HostPort,
  opts: { listenHost?: string; listenPort?: number; addressMap?: AddressMap } = {},
): Promise<TcpProxy> {
  let blackholed = false;
  let cut = false;
  let delayMs = 0;
  const rules: DropRule[] = [];
  const holds: DropRule[] = [];
  const held: { apiKey: number; apiVersion: number; frame: Buffer }[] = [];
  const dropped = new Map<number, number>();
  const sockets = new Set<Socket>();

  const forward = (to: Socket, data: Buffer) => {
    if (blackholed || to.destroyed) return;
    if (delayMs > 0) setTimeout(() => !to.destroyed && to.write(data), delayMs);
    else to.write(data);
  };

  const server: Server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const broker = connect(upstream.port, upstream.host);
    sockets.add(client);
    sockets.add(broker);
    // correlation id -> request api key and version, to know what each response answers
    const inflight = new Map<number, { apiKey: number; apiVersion: number }>();
    const requests = new FrameSplitter();
    const responses = new FrameSplitter();
    client.on('data', (chunk) => {
      for (const frame of requests.push(chunk)) {
        if (frame.length >= 12) {
          const apiKey = frame.readInt16BE(4);
          const apiVersion = frame.readInt16BE(6);
          const hold = holds.find((r) => r.apiKey === apiKey && r.count > 0);
          if (hold) {
            hold.count--;
            held.push({ apiKey, apiVersion, frame: Buffer.from(frame) });
            continue;
          }
          inflight.set(frame.readInt32BE(8), { apiKey, apiVersion });
        }
        forward(broker, frame);
      }
    });
    broker.on('data', (chunk) => {
      for (let frame of responses.push(chunk)) {
        const correlationId = frame.length >= 8 ? frame.readInt32BE(4) : -1;
        const req = inflight.get(correlationId);
        inflight.delete(correlationId);
        if (req) {
          const rule = rules.find((r) => r.apiKey === req.apiKey && r.count > 0);
          if (rule) {
            rule.count--;
            dropped.set(req.apiKey, (dropped.get(req.apiKey) ?? 0) + 1);
            continue;
          }
          if (
            opts.addressMap &&
            (req.apiKey === ApiKey.Metadata ||
              req.apiKey === ApiKey.FindCoordinator ||
              req.apiKey === ApiKey.DescribeCluster)
          ) {
            try {
              frame = rewriteAddresses(req.apiKey, req.apiVersion, frame, opts.addressMap);
            } catch {
              // a response we cannot decode goes through unchanged: the proxy must not invent errors
            }
          }
        }
        forward(client, frame);
      }
    });
    const closeBoth = () => {
      client.destroy();
      broker.destroy();
      sockets.delete(client);
      sockets.delete(broker);
    };
    client.on('close', closeBoth);
    broker.on('close', closeBoth);
    client.on('error', closeBoth);
    broker.on('error', closeBoth);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort ?? 0, opts.listenHost ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const listen = { host: opts.listenHost ?? '127.0.0.1', port: typeof addr === 'object' && addr ? addr.port : 0 };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }));
  return {
    listen,
    upstream,
    blackhole: () => void (blackholed = true),
    delay: (ms) => void (delayMs = ms),
    dropResponses: (rule) => void rules.push({ ...rule }),
    dropped,
    holdRequests: (rule) => void holds.push({ ...rule }),
    releaseHeld: () => Promise.all(held.splice(0).map((h) => deliverLate(upstream, h))),
    cut: () => {
      cut = true;
      for (const s of sockets) {
        try {
          s.resetAndDestroy();
        } catch {
          s.destroy(); // not a connected TCP socket (yet): a plain close is all there is
        }
      }
    },
    heal: () => {
      cut = false;
      blackholed = false;
      delayMs = 0;
      rules.length = 0;
      holds.length = 0;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Sends one held request frame on a new connection to `upstream` and reads its one answer. */
function deliverLate(
  upstream: HostPort,
  h: { apiKey: number; apiVersion: number; frame: Buffer },
): Promise<HeldAnswer> {
  return new Promise((resolve) => {
    const socket = connect(upstream.port, upstream.host);
    const frames = new FrameSplitter();
    let done = false;
    const finish = (response: Buffer | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ apiKey: h.apiKey, apiVersion: h.apiVersion, response });
    };
    const timer = setTimeout(() => finish(null), HELD_ANSWER_TIMEOUT_MS);
    socket.on('connect', () => socket.write(h.frame));
    socket.on('data', (chunk) => {
      const [frame] = frames.push(chunk);
      if (frame) finish(frame.subarray(4));
    });
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
  });
}

/**
 * One proxy per broker node, each rewriting every node's advertised address to its proxy, so a
 * client bootstrapped at the first proxy never leaves the proxies.
 */
export async function startProxies(nodes: readonly HostPort[]): Promise<TcpProxy[]> {
  const proxies: TcpProxy[] = [];
  const key = (h: HostPort) => `${h.host}:${h.port}`;
  const toProxy = new Map<string, HostPort>();
  const addressMap: AddressMap = (b) => toProxy.get(key(b));
  for (const n of nodes) {
    const p = await startTcpProxy(n, { addressMap });
    proxies.push(p);
    toProxy.set(key(n), p.listen);
  }
  return proxies;
}
