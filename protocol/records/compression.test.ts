import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError } from '../primitives/index.ts';
import type { CompressionName } from './batch-header.ts';
import { compress, decompress } from './compression.ts';
import { xxhash32 } from './xxhash32.ts';

const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const PACKED: CompressionName[] = ['gzip', 'snappy', 'lz4', 'zstd'];
const require = createRequire(import.meta.url);

/** Byte strings that compress (runs and repeats) as well as ones that do not. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc
    .array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 200 })), {
      maxLength: 30,
    })
    .map(
      (parts) =>
        new Uint8Array(Buffer.concat(parts.flatMap(([bytes, times]) => Array(times).fill(Buffer.from(bytes))))),
    ),
);

/** Decompression of hostile input must return bytes or throw DecodeError, nothing else. */
function survives(codec: CompressionName, data: Buffer, maxBytes = 1 << 20): void {
  try {
    decompress(codec, data, { maxBytes });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

/** Deterministic pseudo-random bytes (xorshift), so big cases need no fixture files. */
function noise(n: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('compression round trips', () => {
  for (const codec of CODECS) {
    it(`${codec}: decompress(compress(x)) = x`, () => {
      fc.assert(
        fc.property(payload, (bytes) => {
          const data = Buffer.from(bytes);
          expect(decompress(codec, compress(codec, data))).toEqual(data);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('spans many LZ4 blocks and snappy chunks, compressible or not', () => {
    const mixed = Buffer.concat([noise(150_000), Buffer.alloc(150_000, 7), noise(70_000, 9)]);
    for (const codec of PACKED) expect(decompress(codec, compress(codec, mixed))).toEqual(mixed);
  });
});

describe('formats as the Java client writes them', () => {
  it('lz4: Kafka frame header, 64 KiB independent blocks, incompressible blocks stored raw, end mark', () => {
    const data = noise(100_000);
    const frame = compress('lz4', data);
    expect([...frame.subarray(0, 7)]).toEqual([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
    // Random data does not compress: two stored blocks of 65536 and 34464 bytes.
    expect(frame.readUInt32LE(7)).toBe((0x80000000 | 65536) >>> 0);
    expect(frame.readUInt32LE(7 + 4 + 65536)).toBe((0x80000000 | 34464) >>> 0);
    expect(frame.readUInt32LE(frame.length - 4)).toBe(0);
    expect(frame.length).toBe(7 + 4 + 65536 + 4 + 34464 + 4);
  });

  it('snappy: xerial header (magic, version 1, compatible 1) then length-prefixed 32 KiB chunks', () => {
    const data = Buffer.alloc(40_000, 1);
    const framed = compress('snappy', data);
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    const first = framed.readInt32BE(16);
    const second = framed.readInt32BE(20 + first);
    expect(20 + first + 4 + second).toBe(framed.length);
  });

  it('gzip and zstd produce standard frames other tools read', () => {
    const data = Buffer.from('kafka '.repeat(500));
    expect(zlib.gunzipSync(compress('gzip', data))).toEqual(data);
    expect(zlib.zstdDecompressSync(compress('zstd', data))).toEqual(data);
  });
});

describe('reading what other writers produce', () => {
  it('snappy: a raw block (kafkajs-snappy, Go clients)', () => {
    const data = Buffer.from('raw snappy block '.repeat(100));
    const { compressSync } = require('snappy') as { compressSync(b: Buffer): Buffer };
    expect(decompress('snappy', compressSync(data))).toEqual(data);
  });

  it('snappy: concatenated xerial streams', () => {
    const a = Buffer.from('first stream '.repeat(50));
    const b = Buffer.from('second stream '.repeat(50));
    expect(decompress('snappy', Buffer.concat([compress('snappy', a), compress('snappy', b)]))).toEqual(
      Buffer.concat([a, b]),
    );
  });

  it('lz4: frames with block checksums, content checksum and content size', () => {
    const lz4 = require('lz4-napi') as { compressFrameSync(b: Buffer, o?: object): Buffer };
    const data = Buffer.from('checksummed '.repeat(20_000));
    expect(decompress('lz4', lz4.compressFrameSync(data, { blockChecksums: true, contentChecksum: true }))).toEqual(
      data,
    );
    expect(decompress('lz4', frameWithContentSize(Buffer.from('sized')))).toEqual(Buffer.from('sized'));
  });

  it('gzip: several members, as concatenated gzip streams', () => {
    const parts = [Buffer.from('one '), Buffer.from('two ')];
    expect(decompress('gzip', Buffer.concat(parts.map((p) => zlib.gzipSync(p))))).toEqual(Buffer.concat(parts));
  });
});

/** A one-block stored frame with the content-size flag, built by hand. */
function frameWithContentSize(data: Buffer): Buffer {
  const header = Buffer.alloc(15);
  header.writeUInt32LE(0x184d2204, 0);
  header[4] = 0x68; // version 1, independent blocks, content size
  header[5] = 0x40;
  header.writeBigUInt64LE(BigInt(data.length), 6);
  header[14] = (xxhash32(header, 4, 14) >>> 8) & 0xff;
  const size = Buffer.alloc(4);
  size.writeUInt32LE((0x80000000 | data.length) >>> 0);
  return Buffer.concat([header, size, data, Buffer.alloc(4)]);
}

describe('bad input is a DecodeError, never a crash or a hang', () => {
  for (const codec of PACKED) {
    it(`${codec}: random bytes, mutated streams and every truncation`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => survives(codec, Buffer.from(bytes))),
        { numRuns: 300 },
      );
      const valid = compress(codec, Buffer.from('some record bytes that compress a bit, a bit, a bit '.repeat(40)));
      fc.assert(
        fc.property(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
          const bad = Buffer.from(valid);
          bad[at]! ^= flip;
          survives(codec, bad);
        }),
        { numRuns: 300 },
      );
      for (let n = 0; n < valid.length; n++) survives(codec, valid.subarray(0, n));
    });
  }

  it('a truncated stream never decodes to the full content', () => {
    const data = Buffer.from('0123456789'.repeat(5000));
    for (const codec of PACKED) {
      const packed = compress(codec, data);
      for (const cut of [1, 2, 3, 4, 5, 17, Math.floor(packed.length / 2)]) {
        let out: Buffer | undefined;
        try {
          out = decompress(codec, packed.subarray(0, packed.length - cut));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
        if (out) expect(out.length).toBeLessThan(data.length);
      }
    }
  });

  it('refuses what Kafka refuses in an LZ4 frame', () => {
    const good = compress('lz4', Buffer.from('x'.repeat(1000)));
    const withHeader = (flg: number, bd: number) => {
      const f = Buffer.from(good);
      f[4] = flg;
      f[5] = bd;
      f[6] = (xxhash32(f, 4, 6) >>> 8) & 0xff;
      return f;
    };
    expect(() => decompress('lz4', withHeader(0x40, 0x40))).toThrow(/dependent block/);
    expect(() => decompress('lz4', withHeader(0xa0, 0x40))).toThrow(/version/);
    expect(() => decompress('lz4', withHeader(0x60, 0x30))).toThrow(/block size code/);
    const badCheck = Buffer.from(good);
    badCheck[6]! ^= 1;
    expect(() => decompress('lz4', badCheck)).toThrow(/descriptor checksum/);
    // KIP-57: before it, clients hashed the magic too; v2 batches must carry the fixed byte.
    const broken = Buffer.from(good);
    broken[6] = (xxhash32(broken, 0, 6) >>> 8) & 0xff;
    if (broken[6] !== good[6]) expect(() => decompress('lz4', broken)).toThrow(DecodeError);
  });
});

describe('decompression bombs', () => {
  const big = Buffer.alloc(8 * 1024 * 1024);
  for (const codec of PACKED) {
    it(`${codec}: output past maxBytes is refused`, () => {
      const bomb = compress(codec, big);
      expect(bomb.length).toBeLessThan(big.length / 20);
      expect(() => decompress(codec, bomb, { maxBytes: 1024 * 1024 })).toThrow(/more than 1048576 bytes/);
      expect(decompress(codec, bomb, { maxBytes: big.length })).toHaveLength(big.length);
    });
  }

  it('a raw snappy block is refused from its declared length, before decompressing', () => {
    // Preamble says 2^32-1 bytes; the body is nonsense and never reached.
    const lying = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x01]);
    expect(() => decompress('snappy', lying)).toThrow(/more than/);
  });
});
