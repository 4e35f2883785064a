/**
 * Version ranges as Kafka's specs write them: "3-13", "9+", "0", "none".
 * An open range ends at 32767 (Short.MAX_VALUE), as in Kafka's generator.
 */
export interface VersionRange {
  readonly lo: number;
  /** Inclusive; a range with hi < lo is empty. */
  readonly hi: number;
}

export const MAX_VERSION = 0x7fff;
export const NO_VERSIONS: VersionRange = { lo: 1, hi: 0 };

/** Parses a spec version string; `undefined` (attribute absent) parses as `none`. */
export function parseVersions(spec: string | undefined): VersionRange {
  if (spec === undefined || spec === 'none' || spec === '') return NO_VERSIONS;
  let m = /^(\d+)\+$/.exec(spec);
  if (m) return { lo: Number(m[1]), hi: MAX_VERSION };
  m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) };
  m = /^(\d+)$/.exec(spec);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`bad version range "${spec}"`);
}

export function isEmpty(r: VersionRange): boolean {
  return r.hi < r.lo;
}

export function contains(r: VersionRange, v: number): boolean {
  return v >= r.lo && v <= r.hi;
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  const r = { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) };
  return isEmpty(r) ? NO_VERSIONS : r;
}

/** The smallest range holding both. */
export function hull(a: VersionRange, b: VersionRange): VersionRange {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

/** `a` minus `b`; throws if the result is not one range (Kafka's specs never need that). */
export function subtract(a: VersionRange, b: VersionRange): VersionRange {
  const cut = intersect(a, b);
  if (isEmpty(cut)) return a;
  if (cut.lo === a.lo && cut.hi === a.hi) return NO_VERSIONS;
  if (cut.lo === a.lo) return { lo: cut.hi + 1, hi: a.hi };
  if (cut.hi === a.hi) return { lo: a.lo, hi: cut.lo - 1 };
  throw new Error(`range ${fmt(a)} minus ${fmt(b)} is not a single range`);
}

export function equals(a: VersionRange, b: VersionRange): boolean {
  return (isEmpty(a) && isEmpty(b)) || (a.lo === b.lo && a.hi === b.hi);
}

/** Spec-style text: "3-13", "9+", "none". */
export function fmt(r: VersionRange): string {
  if (isEmpty(r)) return 'none';
  if (r.hi === MAX_VERSION) return `${r.lo}+`;
  return r.lo === r.hi ? `${r.lo}` : `${r.lo}-${r.hi}`;
}

/**
 * A TS condition on the variable `version` that is true exactly for the versions in `r`,
 * given that `version` is known to lie in `within`. Returns 'true' / 'false' when the answer
 * does not depend on the version, so the emitter can drop the test altogether.
 */
export function versionCondition(r: VersionRange, within: VersionRange, name = 'version'): string {
  const x = intersect(r, within);
  if (isEmpty(x)) return 'false';
  if (x.lo === within.lo && x.hi === within.hi) return 'true';
  if (x.lo === x.hi) return `${name} === ${x.lo}`;
  if (x.lo === within.lo) return `${name} <= ${x.hi}`;
  if (x.hi === within.hi) return `${name} >= ${x.lo}`;
  return `${name} >= ${x.lo} && ${name} <= ${x.hi}`;
}
