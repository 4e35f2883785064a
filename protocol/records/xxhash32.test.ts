import { describe, expect, it } from 'vitest';
import { xxhash32 } from './xxhash32.ts';

describe('xxhash32', () => {
  it('matches the reference implementation vectors', () => {
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
    expect(xxhash32(Buffer.alloc(0), 0, 0, 1)).toBe(0x0b2cb792);
  });

  it('gives the check byte Kafka writes in an LZ4 frame header (FLG 0x60, BD 0x40)', () => {
    expect((xxhash32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff).toBe(0x82);
  });

  it('hashes a sub-range the same as a copy of it', () => {
    const buf = Buffer.from('xx0123456789abcdefghijklmnopqrstuvwxyzyy');
    expect(xxhash32(buf, 2, buf.length - 2)).toBe(xxhash32(Buffer.from(buf.subarray(2, buf.length - 2))));
  });
});
