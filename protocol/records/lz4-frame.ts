import { createRequire } from 'node:module';
import { DecodeError } from '../primitives/index.ts';
import { xxhash32 } from './xxhash32.ts';

/**
 * The LZ4 *frame* format as Kafka uses it (KafkaLZ4BlockOutputStream / KafkaLZ4BlockInputStream).
 *
 * The frame layer is done here rather than by the native library so the bytes we write have
 * exactly the Java client's layout (64 KiB independent blocks, no checksums, header check byte
 * computed over FLG+BD only, as fixed by KIP-57) and so we accept exactly what Kafka accepts,
 * with a bound on the decompressed size checked block by block. Only LZ4 *block* compression
 * is delegated to lz4-napi (lz4_flex, a memory-safe Rust decoder).
 */

interface Lz4Napi {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
}
let lz4Module: Lz4Napi | undefined;
/** Loaded on first use, so the other codecs work where the native package is not installed. */
function lz4(): Lz4Napi {
  return (lz4Module ??= createRequire(import.meta.url)('lz4-napi') as Lz4Napi);
}

const MAGIC = 0x184d2204;
/** Set in a block's size word when the block is stored uncompressed. */
const INCOMPRESSIBLE = 0x80000000;
/** Version 01, independent blocks: what the Java client writes (KafkaLZ4BlockOutputStream.FLG). */
const FLG_JAVA = 0x60;
/** Block maximum size code 4 = 64 KiB, the Java client's default. */
const BD_64KB = 0x40;
const BLOCK_SIZE = 64 * 1024;

const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_CONTENT_SIZE = 0x08;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_BLOCK_INDEPENDENCE = 0x20;

const FIELD = 'RecordBatch.Records(lz4)';

/** Compresses `data` into one LZ4 frame laid out as the Java client lays it out. */
export function lz4FrameCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(7);
  header.writeUInt32LE(MAGIC, 0);
  header[4] = FLG_JAVA;
  header[5] = BD_64KB;
  header[6] = (xxhash32(header, 4, 6) >>> 8) & 0xff;
  parts.push(header);
  let total = header.length;
  for (let off = 0; off < data.length; off += BLOCK_SIZE) {
    const block = data.subarray(off, Math.min(off + BLOCK_SIZE, data.length));
    // lz4-napi prefixes the block with its uncompressed size (u32 LE); the frame does not.
    const packed = lz4().compressSync(block).subarray(4);
    const stored = packed.length >= block.length;
    const body = stored ? block : packed;
    const size = Buffer.allocUnsafe(4);
    size.writeUInt32LE((body.length | (stored ? INCOMPRESSIBLE : 0)) >>> 0, 0);
    parts.push(size, body);
    total += 4 + body.length;
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts, total + 4);
}

/**
 * Decompresses one LZ4 frame as Kafka's KafkaLZ4BlockInputStream reads it: version 1,
 * independent blocks, a correct header check byte, block checksums verified when flagged.
 * Like Kafka, a content checksum is skipped unverified and bytes after the end mark are ignored.
 * @param maxBytes rejects the frame once its output would exceed this many bytes
 * @param at offset of `data` in the enclosing buffer, for error offsets
 * @throws DecodeError on any malformed, truncated or oversized frame
 */
export function lz4FrameDecompress(data: Buffer, maxBytes: number, at = 0): Buffer {
  const fail = (reason: string, pos: number): never => {
    throw new DecodeError(reason, FIELD, at + pos);
  };
  if (data.length < 7) fail('LZ4 frame shorter than its header', 0);
  if (data.readUInt32LE(0) !== MAGIC) fail(`bad LZ4 frame magic 0x${data.readUInt32LE(0).toString(16)}`, 0);
  const flg = data[4]!;
  const bd = data[5]!;
  if ((flg & 0x03) !== 0) fail('LZ4 FLG reserved bits set', 4);
  if (flg >>> 6 !== 1) fail(`LZ4 frame version ${flg >>> 6} unsupported`, 4);
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) fail('LZ4 dependent block stream unsupported (as in Kafka)', 4);
  if ((bd & 0x8f) !== 0) fail('LZ4 BD reserved bits set', 5);
  const sizeCode = (bd >>> 4) & 7;
  if (sizeCode < 4) fail(`LZ4 block size code ${sizeCode} invalid`, 5);
  const maxBlock = 1 << (2 * sizeCode + 8);
  let pos = 6;
  if (flg & FLG_CONTENT_SIZE) pos += 8;
  if (data.length < pos + 1) fail('truncated LZ4 frame descriptor', data.length);
  if (data[pos] !== ((xxhash32(data, 4, pos) >>> 8) & 0xff)) fail('LZ4 frame descriptor checksum mismatch', pos);
  pos++;

  const native = lz4(); // outside the try below: a missing package is not corrupt data
  const blockChecksums = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  const out: Buffer[] = [];
  let total = 0;
  let prefixed: Buffer | undefined;
  for (;;) {
    if (data.length - pos < 4) fail('LZ4 frame ends before its end mark', pos);
    const word = data.readUInt32LE(pos);
    pos += 4;
    const size = word & 0x7fffffff;
    if (size === 0) {
      if (flg & FLG_CONTENT_CHECKSUM && data.length - pos < 4) fail('truncated LZ4 content checksum', pos);
      break;
    }
    if (size > maxBlock) fail(`LZ4 block of ${size} bytes exceeds the frame's ${maxBlock}`, pos - 4);
    if (data.length - pos < size + (blockChecksums ? 4 : 0)) fail('truncated LZ4 block', pos);
    const body = data.subarray(pos, pos + size);
    if (blockChecksums && xxhash32(data, pos, pos + size) !== data.readUInt32LE(pos + size)) {
      fail('LZ4 block checksum mismatch', pos + size);
    }
    let block: Buffer;
    if (word & INCOMPRESSIBLE) {
      block = body;
    } else {
      // lz4_flex wants the output bound as a u32 LE prefix; the block's own bound is maxBlock.
      if (prefixed === undefined || prefixed.length < size + 4) prefixed = Buffer.allocUnsafe(Math.max(size, 1024) + 4);
      prefixed.writeUInt32LE(maxBlock, 0);
      body.copy(prefixed, 4);
      try {
        block = native.uncompressSync(prefixed.subarray(0, size + 4));
      } catch (e) {
        return fail(`corrupt LZ4 block: ${(e as Error).message}`, pos);
      }
    }
    total += block.length;
    if (total > maxBytes) fail(`LZ4 data decompresses to more than ${maxBytes} bytes`, pos);
    out.push(block);
    pos += size + (blockChecksums ? 4 : 0);
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out, total);
}
