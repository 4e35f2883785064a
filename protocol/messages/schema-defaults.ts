/**
 * The defaults a decoder fills in for fields a version lacks, from the spec metadata in
 * `schemas.ts`: whole default structs, partial messages completed, a message as a version
 * would carry it. Kept apart from the fast-check arbitraries so the reference broker can use
 * it without loading fast-check.
 */
import { NULL_UUID } from '../primitives/index.ts';
import { MESSAGE_SCHEMAS, type FieldSchema, type MessageSchema, type SchemaRange } from './generated/schemas.ts';

/** A message or struct as the generated codec represents it. */
export type Obj = Record<string, unknown>;

const BY_NAME = new Map(MESSAGE_SCHEMAS.map((s) => [s.name, s]));

/** The schema of a generated message, e.g. 'ProduceRequest'. */
export function messageSchema(name: string): MessageSchema {
  const s = BY_NAME.get(name);
  if (!s) throw new Error(`no schema for ${name}`);
  return s;
}

/** True when version `v` lies in the range `r` (null: no version). */
export function inRange(r: SchemaRange, v: number): boolean {
  return r !== null && v >= r[0] && v <= r[1];
}

/** The value a decoder gives a field that the version lacks (Kafka's generator defaults). */
export function defaultValue(schema: MessageSchema, f: FieldSchema): unknown {
  if (f.defaultNull) return null;
  if (f.default !== undefined) return f.default;
  if (f.type.startsWith('[]')) return [];
  switch (f.type) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'uuid':
      return NULL_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'struct':
      return defaultStruct(schema, f.struct!);
    default:
      return 0;
  }
}

/** A struct with every field at its default. */
export function defaultStruct(schema: MessageSchema, struct: string): Obj {
  const out: Obj = {};
  for (const f of schema.structs[struct]!) out[f.prop] = defaultValue(schema, f);
  return out;
}

/**
 * Completes a partial message: fields left out get their defaults, recursively through structs
 * and arrays of structs. Handy to write expected values with only the fields that matter.
 */
export function withDefaults(schema: MessageSchema, partial: Obj, struct = schema.root): Obj {
  const out: Obj = {};
  for (const f of schema.structs[struct]!) {
    const given = partial[f.prop];
    if (given === undefined) {
      out[f.prop] = defaultValue(schema, f);
    } else if (f.type === 'struct' && given !== null) {
      out[f.prop] = withDefaults(schema, given as Obj, f.struct);
    } else if (f.type === '[]struct' && given !== null) {
      out[f.prop] = (given as Obj[]).map((e) => withDefaults(schema, e, f.struct));
    } else {
      out[f.prop] = given;
    }
  }
  for (const k of Object.keys(partial)) {
    if (!(k in out)) throw new Error(`${struct} has no field ${k}`);
  }
  return out;
}

/**
 * What a decoder would give back for `msg` at `version`: fields the version does not carry
 * replaced by their defaults, recursively. Use it to compare a decoded message with the
 * (fuller) value that was encoded.
 */
export function atVersion(schema: MessageSchema, msg: Obj, version: number, struct = schema.root): Obj {
  const out: Obj = { ...msg };
  for (const f of schema.structs[struct]!) {
    const v = msg[f.prop];
    if (!inRange(f.versions, version)) out[f.prop] = defaultValue(schema, f);
    else if (f.type === 'struct' && v != null) out[f.prop] = atVersion(schema, v as Obj, version, f.struct);
    else if (f.type === '[]struct' && v != null)
      out[f.prop] = (v as Obj[]).map((e) => atVersion(schema, e, version, f.struct));
  }
  return out;
}
