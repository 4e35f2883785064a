import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameReader } from './frame-reader.ts';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

describe('FrameReader', () => {
  it('returns the same frames however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 20 })),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map((b) => frame(Buffer.from(b))));
          const reader = new FrameReader(1000);
          const out: Buffer[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts.length ? cuts[i++ % cuts.length]! : stream.length;
            const got = reader.push(stream.subarray(pos, pos + n));
            if (!Array.isArray(got)) throw new Error(got.reason);
            out.push(...got);
            pos += n;
          }
          expect(out.map((b) => [...b])).toEqual(bodies.map((b) => [...b]));
          expect(reader.pendingBytes).toBe(0);
        },
      ),
    );
  });

  it('rejects a size over the limit before buffering it', () => {
    const reader = new FrameReader(100);
    const got = reader.push(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    expect(got).toEqual({ reason: expect.stringContaining('socket.request.max.bytes') });
  });

  it('rejects a negative size', () => {
    expect(new FrameReader(100).push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toEqual({
      reason: 'negative frame size -2',
    });
  });
});
