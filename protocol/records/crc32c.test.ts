import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c, crc32cIsNative, crc32cPortable } from './crc32c.ts';

/** Bit-at-a-time reference, obviously correct and slow. */
function reference(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  // RFC 3720 (iSCSI) appendix B.4 test vectors.
  it('matches the RFC 3720 vectors', () => {
    expect(crc32c(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
    const iscsiRead = Buffer.from(
      '01c00000000000000000000000000000' + '14000000000004000000001400000018' + '28000000000000000200000000000000',
      'hex',
    );
    expect(crc32c(iscsiRead)).toBe(0xd9963a56);
  });

  it('matches the common check value and the empty input', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('agrees with a bit-at-a-time reference at every length, alignment and split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(7), fc.nat(), (bytes, shift, splitSeed) => {
        // Shift the data inside a larger ArrayBuffer so the word-load path sees every alignment.
        const backing = Buffer.alloc(bytes.length + 8);
        backing.set(bytes, shift);
        const view = backing.subarray(shift, shift + bytes.length);
        const want = reference(bytes);
        expect(crc32c(view)).toBe(want);
        const split = bytes.length === 0 ? 0 : splitSeed % (bytes.length + 1);
        expect(crc32c(view, split, view.length, crc32c(view, 0, split))).toBe(want);
        expect(crc32cPortable(view)).toBe(want);
        expect(crc32cPortable(view, split, view.length, crc32cPortable(view, 0, split))).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it.runIf(crc32cIsNative())('the native path agrees with the portable one on large inputs', () => {
    const big = Buffer.alloc(100_003);
    for (let i = 0; i < big.length; i++) big[i] = (i * 131 + (i >> 7)) & 0xff;
    expect(crc32c(big, 3, 90_001, 12345)).toBe(crc32cPortable(big, 3, 90_001, 12345));
  });
});
