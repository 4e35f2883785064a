import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError, Reader, Writer } from './index.ts';

describe('primitives', () => {
  it('round-trips varints, varlongs and fixed ints', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (i, l, u) => {
          const w = new Writer(1).varint(i).varlong(l).uvarint(u).int32(i).int64(l).uint32(u);
          const r = new Reader(w.result());
          expect(r.varint('a')).toBe(i);
          expect(r.varlong('b')).toBe(l);
          expect(r.uvarint('c')).toBe(u);
          expect(r.int32('d')).toBe(i);
          expect(r.int64('e')).toBe(l);
          expect(r.uint32('f')).toBe(u);
          expect(r.remaining()).toBe(0);
        },
      ),
    );
  });

  it('encodes zig-zag varints as the protocol does', () => {
    expect([...new Writer().varint(0).varint(-1).varint(1).varint(-64).varint(64).result()]).toEqual([
      0, 1, 2, 127, 0x80, 0x01,
    ]);
    expect([...new Writer().varlong(-1n).result()]).toEqual([1]);
  });

  it('round-trips strings, bytes and uuids in classic and compact form', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.uint8Array()), fc.uuid(), (s, b, id) => {
        const bytes = b === null ? null : Buffer.from(b);
        const w = new Writer()
          .nullableString(s)
          .compactNullableString(s)
          .nullableBytes(bytes)
          .compactNullableBytes(bytes)
          .uuid(id);
        const r = new Reader(w.result());
        expect(r.nullableString('a')).toBe(s);
        expect(r.compactNullableString('b')).toBe(s);
        expect(r.nullableBytes('c')).toEqual(bytes);
        expect(r.compactNullableBytes('d')).toEqual(bytes);
        expect(r.uuid('e')).toBe(id);
      }),
    );
  });

  it('throws a DecodeError naming the field and offset on truncation', () => {
    const r = new Reader(Buffer.from([0, 5, 0x61]));
    try {
      r.string('Req.Name');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe('Req.Name');
      expect((e as DecodeError).offset).toBe(2);
    }
  });

  it('rejects array lengths larger than the bytes left', () => {
    const r = new Reader(new Writer().int32(1_000_000_000).result());
    expect(() => r.arrayLength(false, 'Topics')).toThrow(DecodeError);
  });

  it('keeps unknown tagged fields and writes them back in tag order', () => {
    const w = new Writer().taggedFields([{ tag: 0, data: Buffer.from([1]) }], [{ tag: 7, data: Buffer.from([9, 9]) }]);
    const r = new Reader(w.result());
    const unknown = r.taggedFields('T', (tag, sub) => {
      if (tag !== 0) return false;
      sub.int8('x');
      return true;
    });
    expect(unknown).toEqual([{ tag: 7, data: Buffer.from([9, 9]) }]);
  });
});
