import type { ZipEntry } from './zip.ts';

/** One constant of Kafka's `Errors` enum. */
export interface KafkaError {
  readonly name: string;
  readonly code: number;
  readonly message: string;
  readonly exception: string | undefined;
  readonly retriable: boolean;
}

const ERRORS_PATH = 'org/apache/kafka/common/protocol/Errors.java';

/**
 * Reads the error table from Errors.java in the kafka-clients sources jar: each enum constant
 * `NAME(code, "message" [+ "more"], SomeException::new)`. An error is retriable when its
 * exception class extends RetriableException, followed through the class hierarchy.
 */
export function parseErrors(entries: ZipEntry[]): KafkaError[] {
  const byPath = new Map(entries.map((e) => [e.name, e]));
  const errorsEntry = byPath.get(ERRORS_PATH);
  if (!errorsEntry) throw new Error(`${ERRORS_PATH} not found in the sources jar`);
  const src = errorsEntry.read().toString('utf8');
  const start = src.indexOf('public enum Errors');
  if (start < 0) throw new Error('enum Errors not found');
  const body = src.slice(src.indexOf('{', start) + 1);

  // Java class name -> superclass name, read lazily from the sources jar.
  const classFiles = new Map<string, ZipEntry[]>();
  for (const e of entries) {
    const m = /\/([A-Za-z0-9_]+)\.java$/.exec(e.name);
    if (m) classFiles.set(m[1]!, [...(classFiles.get(m[1]!) ?? []), e]);
  }
  const superOf = (cls: string): string | undefined => {
    const files = classFiles.get(cls) ?? [];
    // Prefer the errors package when a simple name exists twice.
    files.sort((a, b) => Number(b.name.includes('/common/errors/')) - Number(a.name.includes('/common/errors/')));
    for (const f of files) {
      const m = new RegExp(`class\\s+${cls}\\b[^{]*?\\bextends\\s+([A-Za-z0-9_.]+)`).exec(f.read().toString('utf8'));
      if (m) return m[1]!.split('.').pop();
    }
    return undefined;
  };
  const retriable = (cls: string | undefined): boolean => {
    for (let c = cls, depth = 0; c && depth < 20; c = superOf(c), depth++) {
      if (c === 'RetriableException') return true;
    }
    return false;
  };

  const out: KafkaError[] = [];
  const tokens = tokenize(body);
  let i = 0;
  while (i < tokens.length) {
    const name = tokens[i]!;
    if (name === ';') break;
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || tokens[i + 1] !== '(')
      throw new Error(`unexpected token ${name} in enum Errors`);
    i += 2;
    const args: string[][] = [[]];
    let depth = 0;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === '(') depth++;
      if (t === ')') {
        if (depth === 0) break;
        depth--;
      }
      if (t === ',' && depth === 0) args.push([]);
      else args[args.length - 1]!.push(t);
    }
    i++; // ')'
    const code = Number(args[0]!.join(''));
    if (!Number.isInteger(code)) throw new Error(`${name}: bad code ${args[0]!.join(' ')}`);
    const message = args[1]!
      .filter((t) => t.startsWith('"'))
      .map(javaString)
      .join('');
    const ctor = args[2]?.join('') ?? '';
    const exception = /^([A-Za-z0-9_]+)::new$/.exec(ctor)?.[1];
    out.push({ name, code, message, exception, retriable: retriable(exception) });
    if (tokens[i] === ',') i++;
  }
  return out;
}

/** Splits Java source into string literals, identifiers/numbers and punctuation; drops comments. */
function tokenize(src: string): string[] {
  const tokens: string[] = [];
  const re = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|-?[A-Za-z0-9_.]+(?:::new)?|->|./g;
  for (const m of src.matchAll(re)) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith('//') || t.startsWith('/*')) continue;
    tokens.push(t);
  }
  return tokens;
}

function javaString(lit: string): string {
  return lit.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.startsWith('u')) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
  });
}

/** Emits `error-codes.ts`. */
export function emitErrors(errors: KafkaError[], header: string): string {
  const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const out = [header, ''];
  out.push("/** Kafka error codes by name, in the order of Kafka's Errors enum. */");
  out.push('export const ErrorCode = {');
  for (const e of errors) out.push(`  ${e.name}: ${e.code},`);
  out.push('} as const;');
  out.push('');
  out.push('/** The name of a known error code. */');
  out.push('export type ErrorCodeName = keyof typeof ErrorCode;');
  out.push('');
  out.push('/** What Kafka says about one error code. */');
  out.push('export interface ErrorInfo {');
  out.push('  readonly name: ErrorCodeName;');
  out.push("  /** Kafka's default message (empty for NONE). */");
  out.push('  readonly message: string;');
  out.push('  /** The client may retry: the exception class extends RetriableException. */');
  out.push('  readonly retriable: boolean;');
  out.push('}');
  out.push('');
  out.push('/** Every known error code with its name, message and retriability. */');
  out.push('export const ERROR_INFO: ReadonlyMap<number, ErrorInfo> = new Map<number, ErrorInfo>([');
  for (const e of errors) {
    out.push(`  [${e.code}, { name: '${e.name}', message: ${q(e.message)}, retriable: ${e.retriable} }],`);
  }
  out.push(']);');
  out.push('');
  out.push(
    '/** The name of an error code, e.g. 6 → NOT_LEADER_OR_FOLLOWER; unknown codes read UNKNOWN_ERROR_CODE(n). */',
  );
  out.push('export function errorName(code: number): string {');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: emits a template literal into generated code
  out.push('  return ERROR_INFO.get(code)?.name ?? `UNKNOWN_ERROR_CODE(${code})`;');
  out.push('}');
  return `${out.join('\n')}\n`;
}
