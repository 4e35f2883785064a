/** Settings of a load run and the parsers of their command-line spellings. */
import type { CompressionName } from '../../protocol/records/batch-header.ts';

/** acks as Kafka spells it on the wire: -1 (all), 0 or 1. */
export type Acks = -1 | 0 | 1;

export const COMPRESSIONS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Parses `--acks`: 0, 1, all or -1. */
export function parseAcks(value: string): Acks {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0') return 0;
  if (v === '1') return 1;
  throw new Error(`expected acks 0, 1 or all, got '${value}'`);
}

/** The spelling of acks in reports: "0", "1" or "all". */
export function acksName(acks: Acks): string {
  return acks === -1 ? 'all' : String(acks);
}

/** Parses `--compression`: none, gzip, snappy, lz4 or zstd. */
export function parseCompression(value: string): CompressionName {
  const v = value.trim().toLowerCase();
  if ((COMPRESSIONS as readonly string[]).includes(v)) return v as CompressionName;
  throw new Error(`expected compression ${COMPRESSIONS.join(', ')}, got '${value}'`);
}

/** What a load run does. */
export interface LoadSettings {
  /** Producers (one kafkajs client and connection each); HTTP mode: autocannon connections. */
  producers: number;
  /** Consumers in one group reading the topic (0: no end-to-end latency, no loss check). */
  consumers: number;
  acks: Acks;
  /** Total records per second over all producers; undefined = flat out (closed loop). */
  rate: number | undefined;
  durationSeconds: number;
  /** Bytes of each record's value. */
  recordSize: number;
  partitions: number;
  compression: CompressionName;
  /** Records per send when flat out (open loop: whatever is due, up to this many per send). */
  batch: number;
}
