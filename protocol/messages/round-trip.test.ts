import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, Writer } from '../primitives/index.ts';
import type { MessageDescriptor } from './codec-support.ts';
import * as generated from './generated/index.ts';
import { MESSAGE_SCHEMAS, type MessageSchema } from './generated/schemas.ts';
import { messageArbitrary } from './schema-arbitraries.ts';

/**
 * Property tests over every generated message and every version: values built from the same
 * spec metadata survive encode → decode unchanged (unknown tagged fields included), the bytes
 * survive decode → encode unchanged, no strict prefix of an encoding decodes, and random or
 * mutated bytes either decode whole or fail with a DecodeError, never anything else.
 */

const descriptors = generated as unknown as Record<string, MessageDescriptor<object>>;

function descriptorOf(s: MessageSchema): MessageDescriptor<object> {
  const d = descriptors[`${s.name}Message`];
  if (!d) throw new Error(`no descriptor for ${s.name}`);
  return d;
}

function encode(d: MessageDescriptor<object>, msg: object, version: number): Buffer {
  const w = new Writer(16);
  d.encode(w, msg, version);
  return Buffer.from(w.result());
}

function versions(s: MessageSchema): number[] {
  const out: number[] = [];
  for (let v = s.validVersions[0]; v <= s.validVersions[1]; v++) out.push(v);
  return out;
}

const RUNS = 20;

describe('every message, every version: encode → decode → encode', () => {
  it('covers every request, response and header', () => {
    expect(MESSAGE_SCHEMAS.length).toBeGreaterThan(150);
    for (const s of MESSAGE_SCHEMAS) expect(descriptorOf(s).validVersions).toEqual(s.validVersions);
    const apiKeys = new Set(MESSAGE_SCHEMAS.filter((s) => s.type === 'request').map((s) => s.apiKey));
    expect(new Set(generated.REQUESTS.keys())).toEqual(apiKeys);
    expect(new Set(generated.RESPONSES.keys())).toEqual(apiKeys);
  });

  for (const s of MESSAGE_SCHEMAS) {
    const d = descriptorOf(s);
    it.each(versions(s))(`${s.name} v%i`, (version) => {
      fc.assert(
        fc.property(messageArbitrary(s, version), (msg) => {
          const bytes = encode(d, msg, version);
          const r = new Reader(bytes);
          const decoded = d.decode(r, version);
          expect(r.remaining()).toBe(0);
          expect(decoded).toEqual(msg);
          expect(encode(d, decoded, version).equals(bytes)).toBe(true);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('truncation: every strict prefix of a valid encoding throws a DecodeError', () => {
  for (const s of MESSAGE_SCHEMAS) {
    const d = descriptorOf(s);
    const sample = [...new Set([s.validVersions[0], s.validVersions[1]])];
    it.each(sample)(`${s.name} v%i`, (version) => {
      fc.assert(
        fc.property(messageArbitrary(s, version, { maxArray: 2 }), (msg) => {
          const bytes = encode(d, msg, version);
          for (let n = 0; n < bytes.length; n++) {
            expect(() => d.decode(new Reader(bytes, 0, n), version)).toThrow(DecodeError);
          }
        }),
        { numRuns: 3 },
      );
    });
  }
});

describe('garbage: random and mutated bytes decode whole or throw a DecodeError', () => {
  const check = (d: MessageDescriptor<object>, bytes: Uint8Array, version: number): void => {
    let decoded: object;
    try {
      decoded = d.decode(new Reader(Buffer.from(bytes)), version);
    } catch (err) {
      if (err instanceof DecodeError) return;
      throw err;
    }
    // Whatever decodes must encode again.
    encode(d, decoded, version);
  };

  for (const s of MESSAGE_SCHEMAS) {
    const d = descriptorOf(s);
    const version = s.validVersions[1];
    it(`${s.name} v${version}`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => check(d, bytes, version)),
        { numRuns: 10 },
      );
      fc.assert(
        fc.property(
          messageArbitrary(s, version, { maxArray: 2 }),
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          (msg, at, byte) => {
            const bytes = encode(d, msg, version);
            if (bytes.length === 0) return;
            bytes[at % bytes.length] = byte;
            check(d, bytes, version);
          },
        ),
        { numRuns: 10 },
      );
    });
  }
});
