/** Op values as the index reads them: any object, fields looked up by name (named loads, not keyed ones). */
export interface Loose {
  readonly expect?: unknown;
  readonly isolation?: unknown;
  readonly txn?: unknown;
  readonly id?: unknown;
  readonly outcome?: unknown;
  readonly topic?: unknown;
  readonly partition?: unknown;
  readonly key?: unknown;
  readonly value?: unknown;
}

/** `v` as a Loose when it is an object, else undefined. */
export const loose = (v: unknown): Loose | undefined =>
  typeof v === 'object' && v !== null ? (v as Loose) : undefined;
