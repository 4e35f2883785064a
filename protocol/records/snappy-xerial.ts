import { createRequire } from 'node:module';
import { DecodeError } from '../primitives/index.ts';

/**
 * Snappy as Kafka carries it. The Java client writes snappy-java's (xerial) stream framing:
 * a 16-byte header (magic `\x82SNAPPY\x00`, int32 version 1, int32 min-compatible version 1)
 * then `[int32 BE length][raw snappy block]` chunks of at most 32 KiB input each. Other clients
 * (kafkajs-snappy, Go, librdkafka in some versions) send one raw snappy block, which
 * SnappyInputStream also accepts, so we read both. Block (de)compression is the native
 * `snappy` package (napi-rs, the Rust `snap` crate).
 */

interface SnappyNapi {
  compressSync(data: Uint8Array, opts: { copyOutputData: boolean }): Buffer;
  uncompressSync(data: Uint8Array, opts: { asBuffer: true; copyOutputData: boolean }): Buffer;
}
/**
 * Output copied into V8-owned memory: 4-16x faster than the package's default external
 * buffers, whose finalizers and memory accounting dominate for 32 KiB chunks.
 */
const OUT = { copyOutputData: true } as const;
const OUT_BUFFER = { asBuffer: true, copyOutputData: true } as const;
let snappyModule: SnappyNapi | undefined;
/** Loaded on first use, so the other codecs work where the native package is not installed. */
function snappy(): SnappyNapi {
  return (snappyModule ??= createRequire(import.meta.url)('snappy') as SnappyNapi);
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER_SIZE = 16;
/** snappy-java's SnappyOutputStream default block size. */
const CHUNK_SIZE = 32 * 1024;
/** First 4 bytes of the magic read as an int32: a chunk length equal to it is a concatenated stream's header. */
const MAGIC_HEAD = XERIAL_MAGIC.readInt32BE(0);

const FIELD = 'RecordBatch.Records(snappy)';

/** Compresses `data` with xerial framing in 32 KiB chunks, as the Java client does. */
export function snappyCompress(data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  let total = HEADER_SIZE;
  for (let off = 0; off < data.length; off += CHUNK_SIZE) {
    const block = snappy().compressSync(data.subarray(off, Math.min(off + CHUNK_SIZE, data.length)), OUT);
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/**
 * Decompresses xerial-framed or raw snappy data.
 * @param maxBytes rejects the data once its output would exceed this many bytes (checked
 *   against each block's declared length before decompressing it)
 * @param at offset of `data` in the enclosing buffer, for error offsets
 * @throws DecodeError on malformed, truncated or oversized input
 */
export function snappyDecompress(data: Buffer, maxBytes: number, at = 0): Buffer {
  if (!isXerial(data)) return rawBlock(data, 0, data.length, maxBytes, maxBytes, at);
  // The one header check SnappyInputStream makes.
  if (data.readInt32BE(8) < 1)
    throw new DecodeError(`xerial snappy version ${data.readInt32BE(8)} unsupported`, FIELD, at + 8);
  const out: Buffer[] = [];
  let total = 0;
  let pos = HEADER_SIZE;
  // Like SnappyInputStream, fewer than 4 trailing bytes end the stream.
  while (data.length - pos >= 4) {
    const len = data.readInt32BE(pos);
    if (len === MAGIC_HEAD) {
      if (data.length - pos < HEADER_SIZE || !isXerial(data.subarray(pos))) {
        throw new DecodeError('bad header in a concatenated xerial snappy stream', FIELD, at + pos);
      }
      pos += HEADER_SIZE;
      continue;
    }
    pos += 4;
    if (len < 0 || len > data.length - pos) {
      throw new DecodeError(`xerial snappy chunk of ${len} bytes with ${data.length - pos} left`, FIELD, at + pos - 4);
    }
    const block = rawBlock(data, pos, pos + len, maxBytes - total, maxBytes, at);
    total += block.length;
    out.push(block);
    pos += len;
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out, total);
}

function isXerial(data: Buffer): boolean {
  return data.length >= HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

/**
 * One raw snappy block; its uvarint preamble gives the output size, checked against what is
 * left of the budget before anything is allocated.
 */
function rawBlock(data: Buffer, start: number, end: number, budget: number, maxBytes: number, at: number): Buffer {
  let size = 0;
  let p = start;
  for (let shift = 0; ; shift += 7) {
    if (p >= end || shift > 28) throw new DecodeError('bad snappy length preamble', FIELD, at + p);
    const b = data[p++]!;
    size += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (size > budget)
    throw new DecodeError(`snappy data decompresses to more than ${maxBytes} bytes`, FIELD, at + start);
  const native = snappy(); // outside the try: a missing package is not corrupt data
  try {
    return native.uncompressSync(data.subarray(start, end), OUT_BUFFER);
  } catch (e) {
    throw new DecodeError(`corrupt snappy block: ${(e as Error).message}`, FIELD, at + start);
  }
}
