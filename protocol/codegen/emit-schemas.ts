import { parseIntDefault } from './emit-message.ts';
import type { FieldModel, FieldType, MessageModel } from './spec-model.ts';
import { intersect, isEmpty, type VersionRange } from './versions.ts';

/**
 * Emits `schemas.ts`: the spec metadata of every generated message in a compact form that
 * tests (and fuzzers) build values from, so they follow the same specs as the codec without
 * parsing the specs again. Ranges are clipped to the message's valid versions; null = none.
 */
export function emitSchemas(messages: MessageModel[], header: string): string {
  const out: string[] = [header, SCHEMA_TYPES];
  out.push('/** Every generated message, by name. */');
  out.push('export const MESSAGE_SCHEMAS: readonly MessageSchema[] = [');
  for (const m of messages) {
    const clip = (r: VersionRange): string => {
      const x = intersect(r, m.validVersions);
      return isEmpty(x) ? 'null' : `[${x.lo}, ${x.hi}]`;
    };
    out.push('  {');
    out.push(`    name: '${m.name}',`);
    out.push(`    apiKey: ${m.apiKey ?? -1},`);
    out.push(`    type: '${m.type}',`);
    out.push(`    validVersions: [${m.validVersions.lo}, ${m.validVersions.hi}],`);
    out.push(`    flexibleVersions: ${clip(m.flexibleVersions)},`);
    out.push(`    root: '${m.root.tsName}',`);
    out.push('    structs: {');
    for (const s of m.structs) {
      out.push(`      ${s.tsName}: [`);
      for (const f of s.fields) out.push(`        ${fieldSchema(f, clip)},`);
      out.push('      ],');
    }
    out.push('    },');
    out.push('  },');
  }
  out.push('];');
  return `${out.join('\n')}\n`;
}

function typeName(t: FieldType): string {
  if (t.kind === 'struct') return 'struct';
  if (t.kind === 'array') return `[]${typeName(t.element)}`;
  return t.name;
}

function structName(t: FieldType): string | undefined {
  if (t.kind === 'struct') return t.struct.tsName;
  if (t.kind === 'array') return structName(t.element);
  return undefined;
}

function fieldSchema(f: FieldModel, clip: (r: VersionRange) => string): string {
  const parts = [`name: '${f.name}'`, `prop: '${f.prop}'`, `type: '${typeName(f.type)}'`];
  const struct = structName(f.type);
  if (struct) parts.push(`struct: '${struct}'`);
  parts.push(`versions: ${clip(f.versions)}`);
  parts.push(`nullableVersions: ${clip(f.nullableVersions)}`);
  parts.push(`taggedVersions: ${clip(f.taggedVersions)}`);
  if (f.tag !== undefined) parts.push(`tag: ${f.tag}`);
  parts.push(`flexibleVersions: ${clip(f.flexibleVersions)}`);
  const d = f.defaultString;
  const t = f.type;
  if (d === 'null' || (t.kind === 'primitive' && t.name === 'records')) parts.push('defaultNull: true');
  else if (t.kind === 'primitive' && d !== '') {
    if (t.name === 'int64') parts.push(`default: ${parseIntDefault(f.name, d)}n`);
    else if (t.name === 'bool') parts.push(`default: ${d.toLowerCase() === 'true'}`);
    else if (t.name === 'string') parts.push(`default: ${JSON.stringify(d)}`);
    else if (t.name === 'float64') parts.push(`default: ${Number(d)}`);
    else parts.push(`default: ${parseIntDefault(f.name, d)}`);
  }
  return `{ ${parts.join(', ')} }`;
}

const SCHEMA_TYPES = `
/** An inclusive version range, or null for none. */
export type SchemaRange = readonly [number, number] | null;

/** One field of a struct, as the Kafka spec declares it. */
export interface FieldSchema {
  readonly name: string;
  readonly prop: string;
  /** A primitive type name, 'struct', or '[]' + the element type ('[]struct' for struct arrays). */
  readonly type: string;
  /** The TS type name of the struct (for 'struct' and '[]struct'). */
  readonly struct?: string;
  readonly versions: SchemaRange;
  readonly nullableVersions: SchemaRange;
  readonly taggedVersions: SchemaRange;
  readonly tag?: number;
  /** Versions in which the field uses compact encodings. */
  readonly flexibleVersions: SchemaRange;
  /** The default is null (otherwise the type's zero value or \`default\`). */
  readonly defaultNull?: true;
  /** A custom default for a scalar field. */
  readonly default?: number | bigint | boolean | string;
}

/** One request, response or header message. */
export interface MessageSchema {
  readonly name: string;
  readonly apiKey: number;
  readonly type: 'request' | 'response' | 'header';
  readonly validVersions: readonly [number, number];
  readonly flexibleVersions: SchemaRange;
  /** The key of the top-level struct in \`structs\`. */
  readonly root: string;
  /** Every struct's fields, by TS type name. */
  readonly structs: Readonly<Record<string, readonly FieldSchema[]>>;
}
`;
