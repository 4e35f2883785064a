import { InvalidArgumentError } from 'commander';

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
  return v !== undefined && v.toLowerCase() === 'true';
}
