import { crc32c } from '../../protocol/records/crc32c.ts';
import type { CorpusFrame } from './frame-corpus.ts';
import { seededRandom as prng } from '../../protocol/seeded-random.ts';

export { prng };

/** How a frame was broken, for reports. */
export type MutationKind =
  | 'valid'
  | 'random-bytes'
  | 'size-prefix'
  | 'api-key'
  | 'api-version'
  | 'header'
  | 'varint-bomb'
  | 'compact-length'
  | 'length-field'
  | 'flip-bytes'
  | 'truncate'
  | 'append-garbage'
  | 'batch-crc'
  | 'batch-count'
  | 'batch-length'
  | 'batch-records'
  | 'compression-payload';

/** Every kind the mutator makes. */
export const MUTATION_KINDS: readonly MutationKind[] = [
  'valid',
  'random-bytes',
  'size-prefix',
  'api-key',
  'api-version',
  'header',
  'varint-bomb',
  'compact-length',
  'length-field',
  'flip-bytes',
  'truncate',
  'append-garbage',
  'batch-crc',
  'batch-count',
  'batch-length',
  'batch-records',
  'compression-payload',
];

/** A frame to send and how it was made. */
export interface FuzzFrame {
  kind: MutationKind;
  bytes: Buffer;
  /**
   * The size prefix no longer matches what follows, so the broker may rightly wait for bytes that
   * never come (as Kafka does, until connections.max.idle.ms); the sender must not reuse the connection.
   */
  misframed: boolean;
}

// Offsets in a v2 record batch (KIP-98 layout).
const BATCH_LENGTH = 8;
const BATCH_CRC = 17;
const BATCH_ATTRIBUTES = 21;
const BATCH_RECORD_COUNT = 57;
const BATCH_RECORDS = 61;

function withSize(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 4);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** Recomputes a batch's CRC-32C so that a change behind it is what the broker gets to judge. */
function fixCrc(frame: Buffer, batchAt: number, batchLength: number): void {
  frame.writeUInt32BE(crc32c(frame, batchAt + BATCH_ATTRIBUTES, batchAt + batchLength), batchAt + BATCH_CRC);
}

/**
 * Makes fuzz frames from valid seed frames, breaking one thing at a time: the size prefix, the
 * API key or version, header fields (correlation id, client id length, header tagged fields),
 * varints (over-long continuation runs), compact lengths (null, huge, over-long), other length
 * fields, and in record batches the CRC, the record count, the batch length, the records and
 * the compressed payload — behind a recomputed CRC, so the broker has to parse what is broken
 * rather than stop at the checksum. Plus random bytes, truncation, trailing garbage, bytes
 * flipped anywhere, and valid frames so the connection does real work between bad ones.
 */
export function frameMutator(corpus: readonly CorpusFrame[], seed: number): () => FuzzFrame {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pickFrom = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const withBatch = corpus.filter((c) => c.batch);
  const compressed = withBatch.filter((c) => c.batch!.compression !== 'none');
  const flexible = corpus.filter((c) => c.compactAt.length > 0);
  const randomBytes = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  const ok = (kind: MutationKind, bytes: Buffer): FuzzFrame => ({ kind, bytes, misframed: false });

  const mutations: ((seed: CorpusFrame) => FuzzFrame)[] = [];
  const add = (weight: number, m: (c: CorpusFrame) => FuzzFrame) => {
    for (let i = 0; i < weight; i++) mutations.push(m);
  };
  add(10, (c) => ok('valid', Buffer.from(c.bytes)));
  add(8, () => ok('random-bytes', withSize(randomBytes(int(256)))));
  add(5, (c) => {
    const f = Buffer.from(c.bytes);
    const body = f.length - 4;
    const size = pickFrom([
      -1,
      -2147483648,
      0,
      0x7fffffff,
      0x40000000,
      body + 1 + int(64),
      Math.max(0, body - 1 - int(Math.max(1, body - 1))),
    ]);
    f.writeInt32BE(size, 0);
    return { kind: 'size-prefix', bytes: f, misframed: size !== body };
  });
  add(6, (c) => {
    const f = Buffer.from(c.bytes);
    f.writeInt16BE(pickFrom([-1, -32768, 32767, 1000, int(120) - 10]), 4);
    return ok('api-key', f);
  });
  add(6, (c) => {
    const f = Buffer.from(c.bytes);
    f.writeInt16BE(pickFrom([-1, -32768, 32767, int(40) - 5]), 6);
    return ok('api-version', f);
  });
  add(6, (c) => {
    const f = Buffer.from(c.bytes);
    const field = int(3);
    if (field === 0) f.writeInt32BE(int(2 ** 31) * (rand() < 0.5 ? -1 : 1), 8);
    else if (field === 1) f.writeInt16BE(pickFrom([-1, -2, 32767, 4 + 1 + int(200), 0]), 12);
    else if (c.flexible) {
      // The header's tagged-field count (header v2): huge, over-long, or a tag with a bogus size.
      const at = c.bodyAt - 1;
      const bad = pickFrom([
        Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
        Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        Buffer.from([0x01, 0x00, 0x7f]),
        Buffer.from([0x02]),
      ]);
      return ok('header', withSize(Buffer.concat([f.subarray(4, at), bad, f.subarray(at + 1)])));
    } else f.writeInt16BE(-1, 12);
    return ok('header', f);
  });
  add(6, (c) => {
    const body = c.bytes.subarray(4);
    const at = 8 + int(Math.max(1, body.length - 8));
    const bomb = Buffer.alloc(1 + int(12), 0xff);
    return ok('varint-bomb', withSize(Buffer.concat([body.subarray(0, at), bomb, body.subarray(at)])));
  });
  add(8, () => {
    const c = pickFrom(flexible);
    const at = pickFrom(c.compactAt) - 4;
    const body = c.bytes.subarray(4);
    const bad = pickFrom([
      Buffer.from([0x00]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0x07]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
      Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
      Buffer.from([Math.min(127, body.length - at + 1 + int(20))]),
      Buffer.from([int(128)]),
    ]);
    return ok('compact-length', withSize(Buffer.concat([body.subarray(0, at), bad, body.subarray(at + 1)])));
  });
  add(5, (c) => {
    const body = Buffer.from(c.bytes.subarray(4));
    const at = 8 + int(Math.max(1, body.length - 12));
    if (at + 4 <= body.length) body.writeInt32BE(pickFrom([0x7fffffff, -2, -1, 0x10000000, body.length * 1000]), at);
    return ok('length-field', withSize(body));
  });
  add(8, (c) => {
    const body = Buffer.from(c.bytes.subarray(4));
    const flips = 1 + int(4);
    for (let i = 0; i < flips; i++) body[int(body.length)] = int(256);
    return ok('flip-bytes', withSize(body));
  });
  add(6, (c) => ok('truncate', withSize(c.bytes.subarray(4, 4 + int(c.bytes.length - 4)))));
  add(4, (c) => ok('append-garbage', withSize(Buffer.concat([c.bytes.subarray(4), randomBytes(1 + int(32))]))));
  add(4, () => {
    const c = pickFrom(withBatch);
    const f = Buffer.from(c.bytes);
    f[c.batch!.at + BATCH_CRC + int(4)]! ^= 1 + int(255);
    return ok('batch-crc', f);
  });
  add(4, () => {
    const c = pickFrom(withBatch);
    const f = Buffer.from(c.bytes);
    const { at, length } = c.batch!;
    const count = f.readInt32BE(at + BATCH_RECORD_COUNT);
    f.writeInt32BE(
      pickFrom([-1, 0, 0x7fffffff, -2147483648, count + 1, count - 1, 1_000_000, int(2 ** 31)]),
      at + BATCH_RECORD_COUNT,
    );
    fixCrc(f, at, length);
    return ok('batch-count', f);
  });
  add(3, () => {
    const c = pickFrom(withBatch);
    const f = Buffer.from(c.bytes);
    const { at, length } = c.batch!;
    f.writeInt32BE(
      pickFrom([-1, 0, 1, 0x7fffffff, length - 12 - 1 - int(20), length - 12 + 1 + int(20)]),
      at + BATCH_LENGTH,
    );
    return ok('batch-length', f);
  });
  add(4, () => {
    const c = pickFrom(withBatch.filter((w) => w.batch!.compression === 'none'));
    const f = Buffer.from(c.bytes);
    const { at, length } = c.batch!;
    const flips = 1 + int(3);
    for (let i = 0; i < flips; i++)
      f[at + BATCH_RECORDS + int(length - BATCH_RECORDS)] = pickFrom([0xff, 0x80, 0x7f, 0x00, 0x01, int(256)]);
    fixCrc(f, at, length);
    return ok('batch-records', f);
  });
  add(5, () => {
    const c = pickFrom(compressed);
    const f = Buffer.from(c.bytes);
    const { at, length } = c.batch!;
    const how = int(3);
    if (how === 0) {
      const flips = 1 + int(4);
      for (let i = 0; i < flips; i++) f[at + BATCH_RECORDS + int(length - BATCH_RECORDS)] = int(256);
    } else if (how === 1) {
      // Another codec (or an undefined one, 5-7) claimed for the same payload.
      const attrs = f.readInt16BE(at + BATCH_ATTRIBUTES);
      f.writeInt16BE((attrs & ~7) | int(8), at + BATCH_ATTRIBUTES);
    } else {
      // Zeros at the end of the payload, keeping every length: a stream cut short.
      const from = at + BATCH_RECORDS + int(length - BATCH_RECORDS);
      f.fill(0, from, at + length);
    }
    fixCrc(f, at, length);
    return ok('compression-payload', f);
  });

  return () => pickFrom(mutations)(pickFrom(corpus));
}
