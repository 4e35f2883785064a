/** A small seeded PRNG (mulberry32): fuzz runs are repeatable from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a frame was broken, for reports. */
export type MutationKind = 'random-bytes' | 'flip-bytes' | 'truncate' | 'append-garbage' | 'api-version' | 'api-key' | 'varint-bomb' | 'length-field' | 'valid';

/** A frame to send and how it was made. */
export interface FuzzFrame {
  kind: MutationKind;
  bytes: Buffer;
}

function withSize(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 4);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/**
 * Makes fuzz frames from valid seed frames: valid ones (so the connection does real work between
 * bad ones), random bytes, and structure-aware breakage of one thing at a time — bytes flipped
 * anywhere (header, lengths, record batch CRC and counts, compressed payloads), truncation, trailing
 * garbage, unknown API keys and versions, over-long varints, and length fields set to huge or
 * negative values. The size prefix is always consistent with the body, so every frame is
 * delimited and the broker must answer it, close the connection, or be waiting for nothing.
 */
export function frameMutator(corpus: readonly Buffer[], seed: number): () => FuzzFrame {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = () => corpus[int(corpus.length)]!.subarray(4);
  return () => {
    const roll = int(100);
    if (roll < 10) return { kind: 'valid', bytes: withSize(Buffer.from(pick())) };
    if (roll < 20) {
      const body = Buffer.allocUnsafe(int(256));
      for (let i = 0; i < body.length; i++) body[i] = int(256);
      return { kind: 'random-bytes', bytes: withSize(body) };
    }
    const body = Buffer.from(pick());
    if (roll < 45) {
      const flips = 1 + int(4);
      for (let i = 0; i < flips; i++) body[int(body.length)] = int(256);
      return { kind: 'flip-bytes', bytes: withSize(body) };
    }
    if (roll < 60) return { kind: 'truncate', bytes: withSize(body.subarray(0, int(body.length))) };
    if (roll < 68) {
      const extra = Buffer.allocUnsafe(1 + int(32));
      for (let i = 0; i < extra.length; i++) extra[i] = int(256);
      return { kind: 'append-garbage', bytes: withSize(Buffer.concat([body, extra])) };
    }
    if (roll < 76) {
      body.writeInt16BE(int(40) - 5, 2);
      return { kind: 'api-version', bytes: withSize(body) };
    }
    if (roll < 82) {
      body.writeInt16BE(int(120) - 10, 0);
      return { kind: 'api-key', bytes: withSize(body) };
    }
    if (roll < 90) {
      const at = 8 + int(Math.max(1, body.length - 8));
      const bomb = Buffer.alloc(1 + int(12), 0xff);
      return { kind: 'varint-bomb', bytes: withSize(Buffer.concat([body.subarray(0, at), bomb, body.subarray(at)])) };
    }
    // overwrite 4 aligned-anywhere bytes with a huge or negative length
    const at = 8 + int(Math.max(1, body.length - 12));
    const values = [0x7fffffff, -2, -1, 0x10000000, body.length * 1000];
    if (at + 4 <= body.length) body.writeInt32BE(values[int(values.length)]!, at);
    return { kind: 'length-field', bytes: withSize(body) };
  };
}
