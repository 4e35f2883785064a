/**
 * kafkajs ships only gzip; snappy, lz4 and zstd are plug-ins. These adapters plug in the
 * project's own codecs (protocol/records/compression.ts, the ones the reference broker uses and
 * that are checked against the Java client), so every `--compression` works with every target.
 */
import kafkajs from 'kafkajs';
import { compress, decompress } from '../../protocol/records/compression.ts';
import type { CompressionName } from '../../protocol/records/batch-header.ts';

// kafkajs is CommonJS: its named exports are only reachable through the default export under ESM.
const { CompressionCodecs, CompressionTypes } = kafkajs;

let registered = false;

/** Registers snappy, lz4 and zstd with kafkajs (idempotent). */
export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  const codec = (name: CompressionName) => () => ({
    compress: async (encoder: { buffer: Buffer }) => compress(name, encoder.buffer),
    decompress: async (buffer: Buffer) => decompress(name, buffer),
  });
  CompressionCodecs[CompressionTypes.Snappy] = codec('snappy');
  CompressionCodecs[CompressionTypes.LZ4] = codec('lz4');
  CompressionCodecs[CompressionTypes.ZSTD] = codec('zstd');
}

/** kafkajs's number for a compression name. */
export function kafkajsCompression(name: CompressionName): kafkajs.CompressionTypes {
  registerKafkajsCodecs();
  switch (name) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
  }
}
