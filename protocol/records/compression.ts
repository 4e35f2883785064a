import * as zlib from 'node:zlib';
import { DecodeError } from '../primitives/index.ts';
import { Compression, type CompressionName } from './batch-header.ts';
import { lz4FrameCompress, lz4FrameDecompress } from './lz4-frame.ts';
import { snappyCompress, snappyDecompress } from './snappy-xerial.ts';

/**
 * The record batch compression codecs, synchronous, byte-for-byte in the formats the Java
 * client writes: gzip (RFC 1952), xerial-framed snappy, Kafka's LZ4 frame, and zstd frames.
 * Decompression never returns more than a caller-set bound, so a "zip bomb" batch is refused
 * before it can exhaust memory.
 */

/** Default bound on a batch's decompressed records: 100 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 100 * 1024 * 1024;

/** Codec names by attribute code; codes 5-7 are not assigned. */
const NAMES: readonly (CompressionName | undefined)[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The codec name for an attributes codec number, or undefined for an unassigned code. */
export function compressionName(code: number): CompressionName | undefined {
  return NAMES[code];
}

/** The attributes codec number for a codec name. */
export function compressionCode(name: CompressionName): number {
  return Compression[name];
}

/** Compresses `data` with `codec` (`none` returns it unchanged). */
export function compress(codec: CompressionName, data: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return data;
    case 'gzip':
      return zlib.gzipSync(data);
    case 'snappy':
      return snappyCompress(data);
    case 'lz4':
      return lz4FrameCompress(data);
    case 'zstd':
      return zlib.zstdCompressSync(data);
  }
}

/** Options for {@link decompress}. */
export interface DecompressOptions {
  /** Largest decompressed size accepted; default {@link DEFAULT_MAX_DECOMPRESSED_BYTES}. */
  maxBytes?: number;
  /** Offset of the compressed data in the enclosing buffer, so errors point at the right byte. */
  at?: number;
}

/**
 * Decompresses `data` written with `codec` (`none` returns it unchanged).
 * @throws DecodeError when the data is corrupt, truncated or larger than `maxBytes` once
 *   decompressed; never another error for bad input
 */
export function decompress(codec: CompressionName, data: Buffer, opts: DecompressOptions = {}): Buffer {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const at = opts.at ?? 0;
  switch (codec) {
    case 'none':
      return data;
    case 'snappy':
      return snappyDecompress(data, maxBytes, at);
    case 'lz4':
      return lz4FrameDecompress(data, maxBytes, at);
    case 'gzip':
    case 'zstd':
      try {
        // maxOutputLength makes zlib stop (and throw) as soon as the output passes the bound.
        const options = { maxOutputLength: Math.max(1, maxBytes) };
        const out = codec === 'gzip' ? zlib.gunzipSync(data, options) : zlib.zstdDecompressSync(data, options);
        if (out.length > maxBytes) throw new RangeError('output too large');
        return out;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const reason =
          err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError
            ? `${codec} data decompresses to more than ${maxBytes} bytes`
            : `corrupt ${codec} data: ${err.message}`;
        throw new DecodeError(reason, `RecordBatch.Records(${codec})`, at);
      }
  }
}
