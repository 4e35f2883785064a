/**
 * Structural diff of two normalized answers: the paths where they differ, with both values.
 */

/** One place where the target's answer differs from the reference Kafka's. */
export interface ValueDiff {
  /** Dotted path with [i] for list elements, '' for the whole answer. */
  path: string;
  target: unknown;
  against: unknown;
}

/** Marks a value that one side has and the other lacks. */
export const ABSENT = '<absent>';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Shortens a subtree for display (a whole topic list where one side has none, say). */
export function preview(v: unknown, max = 300): unknown {
  if (v === undefined) return ABSENT;
  if (typeof v !== 'object' || v === null) return v;
  const s = JSON.stringify(v);
  return s.length <= max ? v : `${s.slice(0, max - 3)}...`;
}

/**
 * Every path where `target` and `against` differ, depth first, at most `limit` of them. Lists
 * are compared element by element; an element only one side has is reported whole.
 */
export function diffValues(target: unknown, against: unknown, limit = 20, path = ''): ValueDiff[] {
  const out: ValueDiff[] = [];
  const visit = (a: unknown, b: unknown, p: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) visit(i < a.length ? a[i] : undefined, i < b.length ? b[i] : undefined, join(p, i));
      return;
    }
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) visit(a[k], b[k], join(p, k));
      return;
    }
    if (a === b) return;
    if (
      typeof a === 'object' &&
      a !== null &&
      typeof b === 'object' &&
      b !== null &&
      JSON.stringify(a) === JSON.stringify(b)
    )
      return;
    out.push({ path: p, target: preview(a), against: preview(b) });
  };
  visit(target, against, path);
  return out;
}
