import type { FieldModel, FieldType, MessageModel, StructModel } from './spec-model.ts';
import { equals, fmt, intersect, isEmpty, subtract, versionCondition, type VersionRange } from './versions.ts';

/**
 * Emits the TypeScript module for one message: its interfaces, straight-line encode/decode
 * functions (one pair per struct, version tests as plain `if`s, no closures) and the message
 * descriptor. The rules mirror Kafka's own MessageDataGenerator: which versions carry a field,
 * when it is compact, nullable or tagged, how defaults are filled in and when a tagged field
 * is worth writing.
 */
export function emitMessage(msg: MessageModel, header: string): string {
  return new MessageEmitter(msg).emit(header);
}

/** How to read a value: an expression, or (arrays) a function emitting statements that assign `target`. */
type Read = string | ((out: Lines, target: string) => void);

/** A field seen from inside one struct: the version ranges that matter there. */
interface FieldPlan {
  readonly f: FieldModel;
  /** Versions (within the struct's) that carry the field at all. */
  readonly present: VersionRange;
  /** Versions that carry it as a regular field. */
  readonly untagged: VersionRange;
  /** Versions that carry it in the tagged-field section. */
  readonly tagged: VersionRange;
  /** Whether any version that carries it lets it be null (then the TS type admits null). */
  readonly nullable: boolean;
  readonly tsType: string;
}

/** Accumulates indented lines. */
class Lines {
  readonly out: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.out.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  open(text: string): this {
    this.line(text);
    this.depth++;
    return this;
  }

  close(text = '}'): this {
    this.depth--;
    return this.line(text);
  }

  dedent(): this {
    this.depth--;
    return this;
  }

  /** Closes a block and opens the next at the same depth, e.g. `} else {`. */
  reopen(text: string): this {
    this.depth--;
    this.line(text);
    this.depth++;
    return this;
  }

  /** Emits `body` under `if (cond)`, or directly when the condition is always true. */
  when(cond: string, body: () => void): this {
    if (cond === 'false') return this;
    if (cond === 'true') {
      body();
      return this;
    }
    this.open(`if (${cond}) {`);
    body();
    return this.close();
  }
}

/** `cond ? a : b` for expressions, folded when `cond` is a constant. */
function pick(cond: string, a: string, b: string): string {
  if (cond === 'true' || a === b) return a;
  if (cond === 'false') return b;
  const paren = (x: string): string => (x.includes(' ? ') ? `(${x})` : x);
  return `${cond} ? ${paren(a)} : ${paren(b)}`;
}

/** The statement `w.a(v);`, or `if (cond) w.a(v); else w.b(v);` when the choice depends on the version. */
function writeCall(cond: string, a: string, b: string, v: string): string {
  if (cond === 'true' || a === b) return `w.${a}(${v});`;
  if (cond === 'false') return `w.${b}(${v});`;
  return `if (${cond}) w.${a}(${v}); else w.${b}(${v});`;
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function docText(s: string): string {
  return s.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
}

function not(cond: string): string {
  if (cond === 'true') return 'false';
  if (cond === 'false') return 'true';
  return `!(${cond})`;
}

class MessageEmitter {
  private readonly msg: MessageModel;
  private readonly needDefault = new Set<StructModel>();
  private readonly needIsDefault = new Set<StructModel>();
  private usesNullError = false;
  private usesNullUuid = false;

  constructor(msg: MessageModel) {
    this.msg = msg;
  }

  emit(header: string): string {
    const msg = this.msg;
    this.collectDefaultNeeds();
    const body = new Lines();
    for (const s of msg.structs) this.emitInterface(body, s);
    this.emitDescriptor(body);
    for (const s of msg.structs) {
      this.emitEncoder(body, s);
      this.emitDecoder(body, s);
    }
    for (const s of msg.structs) {
      if (this.needDefault.has(s)) this.emitDefault(body, s);
      if (this.needIsDefault.has(s)) this.emitIsDefault(body, s);
    }
    const anyFlexible = msg.structs.some((st) => !isEmpty(this.flexible(st)));
    const primitives = [
      'DecodeError',
      ...(this.usesNullUuid ? ['NULL_UUID'] : []),
      ...(anyFlexible ? ['type RawTaggedField'] : []),
      'type Reader',
      'type Writer',
    ];
    const support = ['type MessageDescriptor', ...(this.usesNullError ? ['nullFieldError'] : [])];
    const head = [
      header,
      `import { ${primitives.join(', ')} } from '../../primitives/index.ts';`,
      `import { ${support.join(', ')} } from '../codec-support.ts';`,
    ];
    return `${head.join('\n')}\n${body.out.join('\n')}\n`;
  }

  // ---------------------------------------------------------------- analysis

  private plan(s: StructModel, f: FieldModel): FieldPlan {
    const present = intersect(f.versions, s.possible);
    const tagged = intersect(present, f.taggedVersions);
    const untagged = subtract(present, f.taggedVersions);
    const nullable =
      !isEmpty(intersect(f.nullableVersions, present)) ||
      f.defaultString === 'null' ||
      (f.type.kind === 'primitive' && f.type.name === 'records');
    return { f, present, untagged, tagged, nullable, tsType: this.tsType(f.type) + (nullable ? ' | null' : '') };
  }

  private flexible(s: StructModel): VersionRange {
    return intersect(this.msg.flexibleVersions, s.possible);
  }

  private tsType(t: FieldType): string {
    if (t.kind === 'struct') return t.struct.tsName;
    if (t.kind === 'array') return `${this.tsType(t.element)}[]`;
    switch (t.name) {
      case 'bool':
        return 'boolean';
      case 'int64':
        return 'bigint';
      case 'string':
      case 'uuid':
        return 'string';
      case 'bytes':
      case 'records':
        return 'Buffer';
      default:
        return 'number';
    }
  }

  /** Structs whose default value or default test some emitted code calls. */
  private collectDefaultNeeds(): void {
    const markIsDefault = (s: StructModel): void => {
      if (this.needIsDefault.has(s)) return;
      this.needIsDefault.add(s);
      for (const f of s.fields) {
        if (f.type.kind === 'struct' && f.defaultString !== 'null') markIsDefault(f.type.struct);
      }
    };
    const markDefault = (s: StructModel): void => {
      if (this.needDefault.has(s)) return;
      this.needDefault.add(s);
      for (const f of s.fields) {
        if (f.type.kind === 'struct' && f.defaultString !== 'null') markDefault(f.type.struct);
      }
    };
    for (const s of this.msg.structs) {
      for (const f of s.fields) {
        if (f.type.kind !== 'struct' || f.defaultString === 'null') continue;
        const p = this.plan(s, f);
        // Decoding fills a struct field the version lacks (or a tagged one not sent) with its default.
        if (!equals(p.untagged, s.possible)) markDefault(f.type.struct);
        if (!isEmpty(p.tagged)) markIsDefault(f.type.struct);
      }
    }
  }

  // ---------------------------------------------------------------- defaults

  /** The TS expression of a field's default, per Kafka's generator rules. */
  private defaultExpr(f: FieldModel): string {
    const d = f.defaultString;
    const t = f.type;
    if (t.kind === 'array') return d === 'null' ? 'null' : '[]';
    if (t.kind === 'struct') return d === 'null' ? 'null' : `default${t.struct.tsName}()`;
    switch (t.name) {
      case 'bool':
        if (d !== '' && !/^(true|false)$/i.test(d)) throw new Error(`${f.name}: bad bool default ${d}`);
        return d.toLowerCase() === 'true' ? 'true' : 'false';
      case 'int64':
        return `${parseIntDefault(f.name, d)}n`;
      case 'float64':
        return d === '' ? '0' : String(Number(d));
      case 'string':
        return d === 'null' ? 'null' : quote(d);
      case 'uuid':
        if (d !== '') throw new Error(`${f.name}: uuid defaults are not supported`);
        this.usesNullUuid = true;
        return 'NULL_UUID';
      case 'bytes':
        return d === 'null' ? 'null' : 'Buffer.alloc(0)';
      case 'records':
        return 'null';
      default:
        return String(parseIntDefault(f.name, d));
    }
  }

  /** A TS test that `v` differs from the field's default (when a tagged field must be sent). */
  private nonDefaultTest(f: FieldModel, v: string, nullable: boolean): string {
    if (f.defaultString === 'null') return `${v} !== null`;
    const t = f.type;
    let test: string;
    if (t.kind === 'array') test = `${v}.length !== 0`;
    else if (t.kind === 'struct') test = `!isDefault${t.struct.tsName}(${v})`;
    else if (t.name === 'bytes') test = `${v}.length !== 0`;
    else if (t.name === 'records') throw new Error(`${f.name}: records cannot be tagged`);
    else test = `${v} !== ${this.defaultExpr(f)}`;
    return nullable ? `(${v} === null || ${test})` : test;
  }

  // ---------------------------------------------------------------- interfaces

  private emitInterface(out: Lines, s: StructModel): void {
    const isRoot = s === this.msg.root;
    out.line();
    if (isRoot) {
      const flex = isEmpty(this.msg.flexibleVersions)
        ? 'none'
        : fmt(intersect(this.msg.flexibleVersions, this.msg.validVersions));
      out.line(
        `/** ${this.msg.name} (${this.msg.type}${this.msg.apiKey !== undefined ? `, API key ${this.msg.apiKey}` : ''}): versions ${fmt(this.msg.validVersions)}, flexible ${flex}. */`,
      );
    } else {
      out.line(`/** ${s.specName} of ${this.msg.name} (in versions ${fmt(s.possible)}). */`);
    }
    out.open(`export interface ${s.tsName} {`);
    for (const f of s.fields) {
      const p = this.plan(s, f);
      const where = isEmpty(p.present)
        ? 'in no supported version'
        : `versions ${fmt(p.present)}${isEmpty(p.tagged) ? '' : `, tag ${f.tag} in ${fmt(p.tagged)}`}`;
      const about = docText(f.about);
      out.line(`/** ${about}${about ? ' ' : ''}(${where}) */`);
      out.line(`${f.prop}: ${p.tsType};`);
    }
    if (!isEmpty(this.flexible(s))) {
      out.line('/** Tagged fields this codec does not know, kept so they are written back unchanged. */');
      out.line('_unknownTaggedFields?: RawTaggedField[];');
    }
    out.close();
  }

  private emitDescriptor(out: Lines): void {
    const m = this.msg;
    const flexMin = isEmpty(intersect(m.flexibleVersions, m.validVersions))
      ? 'Infinity'
      : String(Math.max(m.flexibleVersions.lo, m.validVersions.lo));
    out.line();
    out.line(`/** How to encode and decode ${m.name}, with its API key and versions. */`);
    out.open(`export const ${m.name}Message: MessageDescriptor<${m.name}> = {`);
    out.line(`name: '${m.name}',`);
    out.line(`apiKey: ${m.apiKey ?? -1},`);
    out.line(`type: '${m.type}',`);
    out.line(`validVersions: [${m.validVersions.lo}, ${m.validVersions.hi}],`);
    out.line(`flexibleMin: ${flexMin},`);
    if (m.latestVersionUnstable) out.line('latestVersionUnstable: true,');
    out.line(`encode: encode${m.name},`);
    out.line(`decode: decode${m.name},`);
    out.close('};');
  }

  // ---------------------------------------------------------------- encoding

  private emitEncoder(out: Lines, s: StructModel): void {
    const isRoot = s === this.msg.root;
    const v = this.msg.validVersions;
    const body = new Lines();
    const flexCond = versionCondition(this.msg.flexibleVersions, s.possible);
    for (const f of s.fields) {
      const p = this.plan(s, f);
      const cond = versionCondition(p.untagged, s.possible);
      body.when(cond, () => this.emitWriteField(body, s, p, flexCond));
    }
    if (flexCond !== 'false') body.when(flexCond === 'true' ? 'true' : '$flex', () => this.emitWriteTagged(body, s));
    out.line();
    if (isRoot) {
      out.line(`/** Writes a ${s.tsName} body at \`version\`; fields that version lacks are skipped. */`);
      out.open(`export function encode${s.tsName}(w: Writer, m: ${s.tsName}, version: number): void {`);
      out.line(
        `if (version < ${v.lo} || version > ${v.hi}) throw new RangeError(\`${s.tsName}: unsupported version \${version} (${fmt(v)})\`);`,
      );
    } else {
      out.open(`function encode${s.tsName}(w: Writer, m: ${s.tsName}, version: number): void {`);
    }
    this.flushWithFlex(out, body, flexCond);
    out.close();
  }

  /** Copies `body` into `out`, declaring `$flex` first if the body uses it. */
  private flushWithFlex(out: Lines, body: Lines, flexCond: string): void {
    const text = body.out;
    if (text.some((l) => l.includes('$flex'))) out.line(`const $flex = ${flexCond};`);
    for (const l of text) out.line(l);
  }

  /** The condition, within `range`, under which field `f` uses the compact encodings. */
  private compactCond(f: FieldModel, range: VersionRange, flexCond: string): string {
    const c = versionCondition(f.flexibleVersions, range);
    if (c === 'true' || c === 'false') return c;
    return equals(f.flexibleVersions, this.msg.flexibleVersions) && flexCond !== 'true' && flexCond !== 'false'
      ? '$flex'
      : c;
  }

  private emitWriteField(out: Lines, s: StructModel, p: FieldPlan, flexCond: string): void {
    const f = p.f;
    const v = `m.${f.prop}`;
    const path = quote(`${s.path}.${f.name}`);
    const compact = this.compactCond(f, p.untagged, flexCond);
    const nullableCond = versionCondition(f.nullableVersions, p.untagged);
    const t = f.type;
    const nullCheck = (): void => {
      if (p.nullable && nullableCond !== 'true') {
        this.usesNullError = true;
        const c = nullableCond === 'false' ? `${v} === null` : `${v} === null && ${not(nullableCond)}`;
        out.line(`if (${c}) throw nullFieldError(${path}, version);`);
      }
    };
    if (t.kind === 'primitive') {
      switch (t.name) {
        case 'string':
          nullCheck();
          out.line(
            writeCall(
              compact,
              p.nullable ? 'compactNullableString' : 'compactString',
              p.nullable ? 'nullableString' : 'string',
              v,
            ),
          );
          return;
        case 'bytes':
        case 'records':
          nullCheck();
          out.line(
            writeCall(
              compact,
              p.nullable ? 'compactNullableBytes' : 'compactBytes',
              p.nullable ? 'nullableBytes' : 'bytes',
              v,
            ),
          );
          return;
        default:
          out.line(`w.${t.name}(${v});`);
          return;
      }
    }
    if (t.kind === 'struct') {
      if (!p.nullable) {
        out.line(`encode${t.struct.tsName}(w, ${v}, version);`);
        return;
      }
      out.open(`if (${v} === null) {`);
      if (nullableCond !== 'true') {
        this.usesNullError = true;
        out.line(
          nullableCond === 'false'
            ? `throw nullFieldError(${path}, version);`
            : `if (${not(nullableCond)}) throw nullFieldError(${path}, version);`,
        );
      }
      if (nullableCond !== 'false') out.line('w.int8(-1);');
      out.reopen('} else {');
      out.when(nullableCond, () => out.line('w.int8(1);'));
      out.line(`encode${t.struct.tsName}(w, ${v}, version);`);
      out.close();
      return;
    }
    out.open('{');
    out.line(`const $a = ${v};`);
    if (p.nullable) {
      out.open('if ($a === null) {');
      if (nullableCond !== 'true') {
        this.usesNullError = true;
        out.line(
          nullableCond === 'false'
            ? `throw nullFieldError(${path}, version);`
            : `if (${not(nullableCond)}) throw nullFieldError(${path}, version);`,
        );
      }
      if (nullableCond !== 'false') out.line(`w.arrayLength(null, ${compact});`);
      out.reopen('} else {');
    }
    out.line(`w.arrayLength($a.length, ${compact});`);
    out.line(`for (let $i = 0; $i < $a.length; $i++) ${this.writeElement(t.element, '$a[$i]!', compact)}`);
    if (p.nullable) out.close();
    out.close();
  }

  private writeElement(t: FieldType, v: string, compact: string): string {
    if (t.kind === 'struct') return `encode${t.struct.tsName}(w, ${v}, version);`;
    if (t.kind === 'array') throw new Error('nested arrays');
    switch (t.name) {
      case 'string':
        return writeCall(compact, 'compactString', 'string', v);
      case 'bytes':
      case 'records':
        return writeCall(compact, 'compactBytes', 'bytes', v);
      default:
        return `w.${t.name}(${v});`;
    }
  }

  private taggedPlans(s: StructModel): FieldPlan[] {
    return s.fields
      .map((f) => this.plan(s, f))
      .filter((p) => !isEmpty(intersect(p.tagged, this.flexible(s))))
      .sort((a, b) => a.f.tag! - b.f.tag!);
  }

  private emitWriteTagged(out: Lines, s: StructModel): void {
    const tagged = this.taggedPlans(s);
    if (tagged.length === 0) {
      out.line('w.rawTaggedFields(m._unknownTaggedFields);');
      return;
    }
    const flexRange = this.flexible(s);
    out.line('const $u = m._unknownTaggedFields;');
    const counts = ['($u === undefined ? 0 : $u.length)'];
    for (const p of tagged) {
      const cond = versionCondition(p.tagged, flexRange);
      const test = this.nonDefaultTest(p.f, `m.${p.f.prop}`, p.nullable);
      out.line(`const $t${p.f.tag} = ${cond === 'true' ? test : `${cond} && ${test}`};`);
      counts.push(`($t${p.f.tag} ? 1 : 0)`);
    }
    out.line(`w.uvarint(${counts.join(' + ')});`);
    out.line('let $ui = 0;');
    for (const p of tagged) {
      const f = p.f;
      out.open(`if ($t${f.tag}) {`);
      out.line(`if ($u !== undefined) $ui = w.rawTaggedFieldsBefore($u, $ui, ${f.tag});`);
      out.line(`w.uvarint(${f.tag});`);
      out.line('const $s = w.startSized();');
      this.emitWriteTaggedValue(out, p, flexRange);
      out.line('w.endSized($s);');
      out.close();
    }
    out.line('if ($u !== undefined) w.rawTaggedFieldsBefore($u, $ui, Infinity);');
  }

  /** A tagged field's value: always in the compact encodings, nulls as a zero varint. */
  private emitWriteTaggedValue(out: Lines, p: FieldPlan, flexRange: VersionRange): void {
    const f = p.f;
    const v = `m.${f.prop}`;
    const t = f.type;
    if (t.kind === 'primitive') {
      if (t.name === 'string') out.line(`w.${p.nullable ? 'compactNullableString' : 'compactString'}(${v});`);
      else if (t.name === 'bytes') out.line(`w.${p.nullable ? 'compactNullableBytes' : 'compactBytes'}(${v});`);
      else out.line(`w.${t.name}(${v});`);
      return;
    }
    if (t.kind === 'struct') {
      const nullableCond = versionCondition(f.nullableVersions, intersect(p.tagged, flexRange));
      if (p.nullable) {
        out.open(`if (${v} === null) {`);
        out.line('w.uvarint(0);');
        out.reopen('} else {');
      }
      out.when(nullableCond, () => out.line('w.uvarint(1);'));
      out.line(`encode${t.struct.tsName}(w, ${v}, version);`);
      if (p.nullable) out.close();
      return;
    }
    out.open('{');
    out.line(`const $a = ${v};`);
    if (p.nullable) {
      out.open('if ($a === null) {');
      out.line('w.uvarint(0);');
      out.reopen('} else {');
    }
    out.line('w.arrayLength($a.length, true);');
    out.line(`for (let $i = 0; $i < $a.length; $i++) ${this.writeElement(t.element, '$a[$i]!', 'true')}`);
    if (p.nullable) out.close();
    out.close();
  }

  // ---------------------------------------------------------------- decoding

  private emitDecoder(out: Lines, s: StructModel): void {
    const isRoot = s === this.msg.root;
    const v = this.msg.validVersions;
    const body = new Lines();
    const flexCond = versionCondition(this.msg.flexibleVersions, s.possible);
    const hasFlex = flexCond !== 'false';
    for (const f of s.fields) {
      const p = this.plan(s, f);
      const local = `_${f.prop}`;
      const cond = versionCondition(p.untagged, s.possible);
      const read = cond === 'false' ? null : this.readField(s, p, flexCond);
      const needsLet = cond !== 'true' || !isEmpty(intersect(p.tagged, this.flexible(s)));
      if (read === null || needsLet) {
        body.line(`let ${local}: ${p.tsType} = ${this.defaultExpr(f)};`);
        if (read !== null) body.when(cond, () => this.emitAssign(body, local, read));
      } else if (typeof read === 'string') {
        body.line(`const ${local} = ${read};`);
      } else {
        body.line(`let ${local}: ${p.tsType};`);
        this.emitAssign(body, local, read);
      }
    }
    if (hasFlex) {
      body.line('let $unknown: RawTaggedField[] | undefined;');
      body.when(flexCond === 'true' ? 'true' : '$flex', () => this.emitReadTagged(body, s));
    }
    const props = s.fields.map((f) => `${f.prop}: _${f.prop}`);
    if (!isEmpty(this.flexible(s))) props.push('_unknownTaggedFields: $unknown');
    out.line();
    if (isRoot) {
      out.line(`/** Reads a whole ${s.tsName} body at \`version\`, or throws a DecodeError naming the field. */`);
      out.open(`export function decode${s.tsName}(r: Reader, version: number): ${s.tsName} {`);
      out.line(
        `if (version < ${v.lo} || version > ${v.hi}) throw new DecodeError(\`unsupported version \${version} (${fmt(v)})\`, '${s.tsName}', r.offset);`,
      );
    } else {
      out.open(`function decode${s.tsName}(r: Reader, version: number): ${s.tsName} {`);
    }
    this.flushWithFlex(out, body, flexCond);
    if (props.length === 0) {
      out.line('return {};');
    } else {
      out.open('return {');
      for (const prop of props) out.line(`${prop},`);
      out.close('};');
    }
    out.close();
  }

  /** Emits `local = <read>`, where read is an expression or a statement generator. */
  private emitAssign(out: Lines, local: string, read: Read): void {
    if (typeof read === 'string') out.line(`${local} = ${read};`);
    else read(out, local);
  }

  /**
   * How to read a regular (untagged) field: an expression, or for arrays a function emitting
   * statements that assign the target.
   */
  private readField(s: StructModel, p: FieldPlan, flexCond: string): Read {
    const f = p.f;
    const compact = this.compactCond(f, p.untagged, flexCond);
    const nullable = versionCondition(f.nullableVersions, p.untagged);
    return this.readValue(f.type, compact, nullable, `${s.path}.${f.name}`, false);
  }

  private readValue(t: FieldType, compact: string, nullable: string, fieldPath: string, tagged: boolean): Read {
    const path = quote(fieldPath);
    if (t.kind === 'primitive') {
      switch (t.name) {
        case 'string':
          return pick(
            compact,
            pick(nullable, `r.compactNullableString(${path})`, `r.compactString(${path})`),
            pick(nullable, `r.nullableString(${path})`, `r.string(${path})`),
          );
        case 'bytes':
        case 'records':
          return pick(
            compact,
            pick(nullable, `r.compactNullableBytes(${path})`, `r.compactBytes(${path})`),
            pick(nullable, `r.nullableBytes(${path})`, `r.bytes(${path})`),
          );
        default:
          return `r.${t.name}(${path})`;
      }
    }
    if (t.kind === 'struct') {
      const dec = `decode${t.struct.tsName}(r, version)`;
      if (nullable === 'false') return dec;
      // Untagged nullable structs carry an int8 marker (-1 null); tagged ones a varint (0 null).
      const marker = tagged ? `r.uvarint(${path}) === 0` : `r.int8(${path}) < 0`;
      return `${nullable === 'true' ? marker : `${nullable} && ${marker}`} ? null : ${dec}`;
    }
    const element = t.element;
    return (out: Lines, target: string) => {
      out.open('{');
      out.line(`const $n = r.arrayLength(${compact}, ${path});`);
      if (nullable !== 'true') {
        const test = nullable === 'false' ? '$n < 0' : `$n < 0 && ${not(nullable)}`;
        out.line(`if (${test}) r.fail('null in a non-nullable array', ${path});`);
      }
      if (nullable !== 'false') {
        out.open('if ($n < 0) {');
        out.line(`${target} = null;`);
        out.reopen('} else {');
      }
      out.line(`const $a: ${this.tsType(element)}[] = [];`);
      out.line(`for (let $i = 0; $i < $n; $i++) $a.push(${this.readElement(element, compact, path)});`);
      out.line(`${target} = $a;`);
      if (nullable !== 'false') out.close();
      out.close();
    };
  }

  private readElement(t: FieldType, compact: string, path: string): string {
    if (t.kind === 'struct') return `decode${t.struct.tsName}(r, version)`;
    if (t.kind === 'array') throw new Error('nested arrays');
    switch (t.name) {
      case 'string':
        return pick(compact, `r.compactString(${path})`, `r.string(${path})`);
      case 'bytes':
      case 'records':
        return pick(compact, `r.compactBytes(${path})`, `r.bytes(${path})`);
      default:
        return `r.${t.name}(${path})`;
    }
  }

  private emitReadTagged(out: Lines, s: StructModel): void {
    const section = quote(`${s.path}._taggedFields`);
    const tagged = this.taggedPlans(s);
    if (tagged.length === 0) {
      out.line(`$unknown = r.taggedFields(${section});`);
      return;
    }
    const flexRange = this.flexible(s);
    out.line(`const $nt = r.uvarint(${section});`);
    out.line('let $last = -1;');
    out.open('for (let $k = 0; $k < $nt; $k++) {');
    out.line(`const $tag = r.uvarint(${section});`);
    out.line(`if ($tag <= $last) r.fail(\`tagged field \${$tag} out of order\`, ${section});`);
    out.line('$last = $tag;');
    out.line(`const $size = r.uvarint(${section});`);
    out.line(`r.need($size, ${section});`);
    out.line('const $end = r.offset + $size;');
    out.open('switch ($tag) {');
    for (const p of tagged) {
      const f = p.f;
      const range = intersect(p.tagged, flexRange);
      const cond = versionCondition(range, flexRange);
      const fieldPath = `${s.path}.${f.name}`;
      out.open(`case ${f.tag}: {`);
      if (cond !== 'true')
        out.line(
          `if (${not(cond)}) r.fail(\`tag ${f.tag} is not valid in version \${version}\`, ${quote(fieldPath)});`,
        );
      const nullable = versionCondition(f.nullableVersions, range);
      this.emitAssign(out, `_${f.prop}`, this.readValue(f.type, 'true', nullable, fieldPath, true));
      out.line('break;');
      out.close();
    }
    out.open('default:');
    out.line(`($unknown ??= []).push({ tag: $tag, data: r.raw($size, ${section}) });`);
    out.dedent();
    out.close();
    out.line(`if (r.offset !== $end) r.fail(\`tagged field \${$tag} does not fill its \${$size} bytes\`, ${section});`);
    out.close();
  }

  // ---------------------------------------------------------------- default structs

  private emitDefault(out: Lines, s: StructModel): void {
    out.line();
    out.open(`function default${s.tsName}(): ${s.tsName} {`);
    const props = s.fields.map((f) => `${f.prop}: ${this.defaultExpr(f)}`);
    // Same shape as a decoded struct, so both share one hidden class.
    if (!isEmpty(this.flexible(s))) props.push('_unknownTaggedFields: undefined');
    if (props.length === 0) out.line('return {};');
    else {
      out.open('return {');
      for (const prop of props) out.line(`${prop},`);
      out.close('};');
    }
    out.close();
  }

  private emitIsDefault(out: Lines, s: StructModel): void {
    out.line();
    out.open(`function isDefault${s.tsName}(s: ${s.tsName}): boolean {`);
    const tests: string[] = [];
    if (!isEmpty(this.flexible(s)))
      tests.push('(s._unknownTaggedFields === undefined || s._unknownTaggedFields.length === 0)');
    for (const f of s.fields) {
      const p = this.plan(s, f);
      const v = `s.${f.prop}`;
      const t = f.type;
      if (f.defaultString === 'null' || (t.kind === 'primitive' && t.name === 'records')) {
        tests.push(`${v} === null`);
        continue;
      }
      const notNull = p.nullable ? `${v} !== null && ` : '';
      if (t.kind === 'array' || (t.kind === 'primitive' && t.name === 'bytes'))
        tests.push(`${notNull}${v}.length === 0`);
      else if (t.kind === 'struct') tests.push(`${notNull}isDefault${t.struct.tsName}(${v})`);
      else tests.push(`${v} === ${this.defaultExpr(f)}`);
    }
    out.line(`return ${tests.length === 0 ? 'true' : tests.join(' &&\n    ')};`);
    out.close();
  }
}

/** Parses an integer default as Kafka's generator does: decimal or 0x-hex, possibly negative. */
export function parseIntDefault(field: string, d: string): bigint {
  if (d === '') return 0n;
  const neg = d.startsWith('-');
  const body = neg ? d.slice(1) : d;
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(body)) throw new Error(`${field}: bad integer default ${d}`);
  const v = BigInt(body);
  return neg ? -v : v;
}
