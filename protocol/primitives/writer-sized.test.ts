import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Reader, Writer } from './index.ts';

describe('Writer sized sections and raw tagged fields', () => {
  it('fills in the uvarint size of a body of any length, shifting it when the size needs more bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40_000 }), fc.uint8Array({ maxLength: 4 }), (body, before) => {
        const w = new Writer(1).raw(before);
        const mark = w.startSized();
        w.raw(body);
        w.endSized(mark);
        w.int8(7);
        const r = new Reader(w.result());
        expect(r.raw(before.length, 'before')).toEqual(Buffer.from(before));
        expect(r.uvarint('size')).toBe(body.length);
        expect(r.raw(body.length, 'body')).toEqual(Buffer.from(body));
        expect(r.int8('after')).toBe(7);
      }),
      { numRuns: 50 },
    );
  });

  it('writes unknown tagged fields in tag order, merged around known ones', () => {
    const unknown = [
      { tag: 1, data: Buffer.from([0xa]) },
      { tag: 5, data: Buffer.from([0xb, 0xc]) },
    ];
    const w = new Writer();
    w.uvarint(3);
    let i = w.rawTaggedFieldsBefore(unknown, 0, 3);
    w.uvarint(3).uvarint(1).int8(9);
    i = w.rawTaggedFieldsBefore(unknown, i, Infinity);
    expect(i).toBe(2);
    expect(w.result()).toEqual(Buffer.from([3, 1, 1, 0xa, 3, 1, 9, 5, 2, 0xb, 0xc]));
    expect(new Writer().rawTaggedFields([unknown[1]!, unknown[0]!]).result()).toEqual(
      Buffer.from([2, 1, 1, 0xa, 5, 2, 0xb, 0xc]),
    );
    expect(new Writer().rawTaggedFields(undefined).result()).toEqual(Buffer.from([0]));
  });
});
