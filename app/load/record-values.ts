/**
 * Record values for load runs: slices of one pool of printable random text, each record at a
 * different offset. Identical values would let gzip/zstd shrink a batch to almost nothing and
 * make compressed runs meaningless; random bytes would make compression pure overhead.
 * Text from a 64-letter alphabet compresses to about 3/4, like many real payloads.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

/** Hands out values of `size` bytes without copying (subarrays of a shared pool). */
export class RecordValues {
  private readonly pool: Buffer;
  private readonly size: number;
  private readonly span: number;

  constructor(size: number, poolBytes = 4 << 20) {
    this.size = size;
    this.pool = randomBytes(Math.max(poolBytes, size * 2));
    for (let i = 0; i < this.pool.length; i++) this.pool[i] = ALPHABET[this.pool[i]! & 63]!;
    this.span = this.pool.length - size;
  }

  /** The value of record `n` (any integer); the same n gives the same bytes. */
  value(n: number): Buffer {
    // a large odd stride spreads consecutive records over the pool
    const at = (((n * 7919) % (this.span + 1)) + (this.span + 1)) % (this.span + 1);
    return this.pool.subarray(at, at + this.size);
  }
}
