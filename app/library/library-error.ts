import { BUG_NAMES, isBugName, type BugName } from '../../reference-broker/bugs/known-bugs.ts';

/** The error the library throws for bad input: the message says what was wrong and what is accepted. */
export class KconformUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KconformUsageError';
  }
}

/** `value` as a whole number in [min, max], or a {@link KconformUsageError} naming the option. */
export function intOption(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new KconformUsageError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

/** Refuses option names the function does not know (a misspelt `broker:` would otherwise be ignored). */
export function refuseUnknownOptions(fn: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new KconformUsageError(`${fn}: options must be an object, got ${JSON.stringify(options)}`);
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new KconformUsageError(`${fn}: unknown option(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
}

/** `bugs` as known bug names, or a {@link KconformUsageError} listing the known ones. */
export function bugOption(bugs: unknown): BugName[] {
  if (bugs === undefined) return [];
  if (!Array.isArray(bugs))
    throw new KconformUsageError(`bugs must be an array of bug names, got ${JSON.stringify(bugs)}`);
  const unknown = bugs.filter((b) => typeof b !== 'string' || !isBugName(b));
  if (unknown.length)
    throw new KconformUsageError(`unknown bug(s) ${unknown.join(', ')}; known bugs: ${BUG_NAMES.join(', ')}`);
  return bugs as BugName[];
}
