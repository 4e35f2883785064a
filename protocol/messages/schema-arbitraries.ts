import fc from 'fast-check';
import type { RawTaggedField } from '../primitives/index.ts';
import type { MessageSchema } from './generated/schemas.ts';

/**
 * Builds values of generated message types from the spec metadata in `schemas.ts`: the
 * defaults a decoder fills in, and fast-check arbitraries of whole messages at one version.
 * Tests and fuzzers use these so they follow the same specs as the codec without repeating it.
 */

export * from './schema-defaults.ts';
import { defaultValue, inRange, type Obj } from './schema-defaults.ts';

/** Size limits that keep generated messages small enough for many runs per test. */
export interface ArbitraryOptions {
  /** Longest array at the top level; nested arrays get one less per level (at least 1). */
  readonly maxArray?: number;
  readonly maxString?: number;
  readonly maxBytes?: number;
  /** Add random unknown tagged fields in flexible versions. */
  readonly unknownTaggedFields?: boolean;
}

const uuidArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});

/**
 * An arbitrary whole message of `schema` at `version`: fields the version carries get random
 * values (null only where the version allows it), the others their defaults, so a
 * decode(encode(x)) of a generated value must give x back.
 */
export function messageArbitrary(
  schema: MessageSchema,
  version: number,
  opts: ArbitraryOptions = {},
): fc.Arbitrary<Obj> {
  const o = { maxArray: 3, maxString: 12, maxBytes: 24, unknownTaggedFields: true, ...opts };
  const flexible = inRange(schema.flexibleVersions, version);

  const scalar = (type: string): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'bool':
        return fc.boolean();
      case 'int8':
        return fc.integer({ min: -128, max: 127 });
      case 'int16':
        return fc.integer({ min: -32768, max: 32767 });
      case 'uint16':
        return fc.integer({ min: 0, max: 0xffff });
      case 'int32':
        return fc.integer();
      case 'uint32':
        return fc.integer({ min: 0, max: 0xffffffff });
      case 'int64':
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
      case 'float64':
        return fc.double();
      case 'uuid':
        return uuidArb;
      case 'string':
        return fc.string({ unit: 'grapheme', maxLength: o.maxString });
      case 'bytes':
      case 'records':
        return fc.uint8Array({ maxLength: o.maxBytes }).map((b) => Buffer.from(b));
      default:
        throw new Error(`unknown type ${type}`);
    }
  };

  const structArb = (name: string, depth: number): fc.Arbitrary<Obj> => {
    const fields = schema.structs[name]!;
    const parts: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) {
      if (!inRange(f.versions, version)) {
        parts[f.prop] = fc.constant(null).map(() => defaultValue(schema, f));
        continue;
      }
      let arb: fc.Arbitrary<unknown>;
      const maxLength = Math.max(1, o.maxArray - depth);
      if (f.type === 'struct') arb = structArb(f.struct!, depth + 1);
      else if (f.type === '[]struct') arb = fc.array(structArb(f.struct!, depth + 1), { maxLength });
      else if (f.type.startsWith('[]')) arb = fc.array(scalar(f.type.slice(2)), { maxLength });
      else arb = scalar(f.type);
      parts[f.prop] = inRange(f.nullableVersions, version) ? fc.option(arb, { nil: null, freq: 4 }) : arb;
    }
    let rec: fc.Arbitrary<Obj> = fc.record(parts);
    if (flexible && o.unknownTaggedFields) {
      const known = new Set(fields.filter((f) => f.tag !== undefined).map((f) => f.tag!));
      const tag = fc.integer({ min: 0, max: 40 }).filter((t) => !known.has(t));
      const unknown = fc
        .uniqueArray(fc.record({ tag, data: fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b)) }), {
          selector: (x) => x.tag,
          maxLength: 2,
        })
        .map((xs) => xs.sort((a, b) => a.tag - b.tag) as RawTaggedField[]);
      rec = fc
        .tuple(rec, fc.option(unknown, { nil: undefined, freq: 3 }))
        .map(([r, u]) => (u === undefined || u.length === 0 ? r : { ...r, _unknownTaggedFields: u }));
    }
    return rec;
  };

  return structArb(schema.root, 0);
}
