import { parseJsonWithComments } from './json-comments.ts';
import { hull, intersect, isEmpty, parseVersions, type VersionRange } from './versions.ts';

/** The JSON shape of one field in Kafka's message specs. */
interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  flexibleVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  about?: string;
  fields?: RawField[];
}

/** The JSON shape of one message spec file. */
interface RawMessage {
  name: string;
  type: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  fields: RawField[];
  commonStructs?: { name: string; versions: string; fields: RawField[] }[];
}

export type PrimitiveName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

const PRIMITIVES = new Set<string>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'uuid',
  'string',
  'bytes',
  'records',
]);

export type FieldType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'struct'; readonly struct: StructModel }
  | { readonly kind: 'array'; readonly element: FieldType };

/** A field with its version ranges resolved. */
export interface FieldModel {
  readonly name: string;
  /** Property name: the spec name with a lower-case first letter, as Kafka's generator does. */
  readonly prop: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  readonly taggedVersions: VersionRange;
  readonly tag: number | undefined;
  /** Versions in which this field uses the compact encodings (a field may override the message). */
  readonly flexibleVersions: VersionRange;
  /** The raw "default" attribute ('' when absent). */
  readonly defaultString: string;
  readonly about: string;
}

/** A struct type: the message itself, an inline struct, or a common struct. */
export interface StructModel {
  /** The struct name in the spec, e.g. TopicProduceData (the message name for the top level). */
  readonly specName: string;
  /** The TS type name, e.g. ProduceRequestTopicProduceData. */
  readonly tsName: string;
  /** Dotted path used in DecodeError field names, e.g. ProduceRequest.TopicData. */
  readonly path: string;
  readonly fields: FieldModel[];
  /** Versions in which this struct can appear (the hull over every place it is used). */
  possible: VersionRange;
}

export interface MessageModel {
  readonly name: string;
  readonly type: 'request' | 'response' | 'header';
  readonly apiKey: number | undefined;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly latestVersionUnstable: boolean;
  readonly root: StructModel;
  /** Every struct, the root first, in the order of first appearance (common structs last). */
  readonly structs: StructModel[];
}

/** `TopicData` → `topicData`, as Kafka's generator names fields. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `ProduceRequest` → `produce-request`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/**
 * Builds the model of one spec file. Returns undefined for specs that are not requests,
 * responses or headers (records, data) and for messages with no valid versions left
 * (APIs removed from Kafka).
 */
export function parseMessageSpec(text: string): MessageModel | undefined {
  const raw = parseJsonWithComments(text) as RawMessage;
  if (raw.type !== 'request' && raw.type !== 'response' && raw.type !== 'header') return undefined;
  const validVersions = parseVersions(raw.validVersions);
  if (isEmpty(validVersions)) return undefined;
  const flexibleVersions = parseVersions(raw.flexibleVersions);
  const msgName = raw.name;
  const structs: StructModel[] = [];
  const byName = new Map<string, StructModel>();
  const common = new Map<string, { versions: string; fields: RawField[] }>();
  for (const c of raw.commonStructs ?? []) common.set(c.name, c);

  const buildStruct = (specName: string, path: string, rawFields: RawField[], tsName: string): StructModel => {
    const struct: StructModel = { specName, tsName, path, fields: [], possible: validVersions };
    byName.set(specName, struct);
    structs.push(struct);
    for (const f of rawFields) struct.fields.push(buildField(f, `${path}.${f.name}`));
    return struct;
  };

  const resolveStruct = (typeName: string, path: string, f: RawField): StructModel => {
    const existing = byName.get(typeName);
    if (existing) {
      if (f.fields && f.fields.length > 0) throw new Error(`${msgName}: struct ${typeName} defined twice`);
      return existing;
    }
    if (f.fields) return buildStruct(typeName, path, f.fields, `${msgName}${typeName}`);
    const c = common.get(typeName);
    if (!c) throw new Error(`${msgName}: unknown struct type ${typeName}`);
    return buildStruct(typeName, `${msgName}.${typeName}`, c.fields, `${msgName}${typeName}`);
  };

  const resolveType = (typeName: string, path: string, f: RawField): FieldType => {
    if (typeName.startsWith('[]')) {
      const element = resolveType(typeName.slice(2), path, f);
      if (element.kind === 'array') throw new Error(`${msgName}: nested arrays are not supported`);
      return { kind: 'array', element };
    }
    if (PRIMITIVES.has(typeName)) return { kind: 'primitive', name: typeName as PrimitiveName };
    if (!/^[A-Z]/.test(typeName)) throw new Error(`${msgName}: unknown type ${typeName}`);
    return { kind: 'struct', struct: resolveStruct(typeName, path, f) };
  };

  const buildField = (f: RawField, path: string): FieldModel => {
    const type = resolveType(f.type, path, f);
    const taggedVersions = parseVersions(f.taggedVersions);
    if (!isEmpty(taggedVersions) && f.tag === undefined) throw new Error(`${path}: tagged versions but no tag`);
    return {
      name: f.name,
      prop: camelCase(f.name),
      type,
      versions: parseVersions(f.versions),
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions,
      tag: f.tag,
      flexibleVersions: f.flexibleVersions !== undefined ? parseVersions(f.flexibleVersions) : flexibleVersions,
      defaultString: f.default === undefined ? '' : String(f.default),
      about: f.about ?? '',
    };
  };

  const root = buildStruct(msgName, msgName, raw.fields, msgName);
  // Common structs that no field uses are still emitted, so every spec struct has a type.
  for (const name of common.keys()) {
    if (!byName.has(name)) resolveStruct(name, `${msgName}.${name}`, { name, type: name });
  }
  computePossibleVersions(root, structs, validVersions);
  return {
    name: msgName,
    type: raw.type,
    apiKey: raw.apiKey,
    validVersions,
    flexibleVersions,
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs,
  };
}

/**
 * Narrows each struct's `possible` range to the versions in which it can actually occur,
 * so the emitter can drop version tests that are always true there.
 */
function computePossibleVersions(root: StructModel, structs: StructModel[], valid: VersionRange): void {
  const seen = new Map<StructModel, VersionRange>();
  const visit = (s: StructModel, range: VersionRange): void => {
    const prev = seen.get(s);
    const next = prev ? hull(prev, range) : range;
    if (prev && prev.lo === next.lo && prev.hi === next.hi) return;
    seen.set(s, next);
    for (const f of s.fields) {
      const inner = f.type.kind === 'array' ? f.type.element : f.type;
      if (inner.kind === 'struct') {
        const r = intersect(f.versions, next);
        if (!isEmpty(r)) visit(inner.struct, r);
      }
    }
  };
  visit(root, valid);
  // A struct that never occurs (only in removed versions) keeps the message's range.
  for (const s of structs) s.possible = seen.get(s) ?? valid;
}
