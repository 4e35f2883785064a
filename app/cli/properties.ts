import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { usageError } from './exit-codes.ts';

/** Parses repeated `--property k=v` flags (Kafka's console tools) into a map. */
export function parseProperties(values: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got '${v}'`);
    out.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return out;
}

/** Kafka's console tools accept `true`/`false` (any case). */
export function isTrue(v: string | undefined): boolean {
  return v !== undefined && v.trim().toLowerCase() === 'true';
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeValue(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (ESCAPES[c] ?? c),
  );
}

/**
 * Parses the text of a Java `.properties` file as `java.util.Properties.load` reads it (what
 * Kafka's `--producer.config` / `--consumer.config` take): `#` and `!` comments, `key=value`,
 * `key:value` or `key value`, a trailing backslash continuing a line, backslash escapes.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes continues the line on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    const m = /^((?:\\.|[^=:\s\\])*)[ \t\f]*(?:[=:][ \t\f]*|(?=\S)|$)(.*)$/.exec(line)!;
    out.set(unescapeValue(m[1]!), unescapeValue(m[2]!));
  }
  return out;
}

/** Reads a `.properties` file (`--producer.config FILE`); a missing or unreadable file is a usage error naming it. */
export function loadPropertiesFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(
      `cannot read properties file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseJavaProperties(text);
}
