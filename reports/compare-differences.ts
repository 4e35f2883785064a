/**
 * The differences of a stored `kconform compare` (compare.json), one row per scenario and aspect
 * that differs, with the log positions the difference names, so the report can draw both
 * targets' lanes there side by side. Aspects that are the same are counted, not listed.
 */
import type { StoredCompare, StoredDifferencePosition } from './run-dirs.ts';

/** A partition and offsets a difference names, in the normalised topic name compare.json uses (`mmr[0] offsets 39..76`). */
export interface DifferencePosition {
  topic: string;
  partition: number;
  offsets: number[];
}

/** One differing aspect of one scenario. */
export interface CompareDifference {
  scenario: string;
  seed: number;
  aspect: string;
  /** `conformance` or `fault-induced` when faults ran. */
  cause?: string;
  /** The targets, baseline first, each with its run directory and what the summary says of it alone. */
  sides: { target: string; runDir?: string; text: string[] }[];
  /** What concerns both (counts, order): the parts of the summary that name no single side. */
  shared: string[];
  /** The first line naming a difference. */
  first: string;
  positions: DifferencePosition[];
  /**
   * Where {@link positions} came from: compare.json's `positions` field, or (files written before
   * it) the summary's text.
   */
  positionsFrom: 'structured' | 'text';
}

/** Most offsets of one partition kept per difference (the lanes draw around them). */
const MAX_OFFSETS = 20;

/** `39..76, 80` → [39, …, 76, 80], at most {@link MAX_OFFSETS}. */
export function parseOffsetRanges(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(/,\s*/)) {
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(part.trim());
    if (!m) break;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let o = from; o <= to && out.length < MAX_OFFSETS; o++) out.push(o);
  }
  return out;
}

/**
 * The positions a summary names: `T[P] offsets A..B, C` and `T[P]@O`, merged per partition. Only
 * for compare.json files written before differences carried `positions`.
 */
export function differencePositions(text: string): DifferencePosition[] {
  const byKey = new Map<string, DifferencePosition>();
  const add = (topic: string, partition: number, offsets: number[]) => {
    const k = `${topic}[${partition}]`;
    const p = byKey.get(k) ?? byKey.set(k, { topic, partition, offsets: [] }).get(k)!;
    for (const o of offsets) if (!p.offsets.includes(o) && p.offsets.length < MAX_OFFSETS) p.offsets.push(o);
  };
  for (const m of text.matchAll(/([\w.-]+)\[(\d+)\] offsets? ((?:\d+(?:\.\.\d+)?)(?:, \d+(?:\.\.\d+)?)*)/g))
    add(m[1]!, Number(m[2]), parseOffsetRanges(m[3]!));
  for (const m of text.matchAll(/([\w.-]+)\[(\d+)\]@(\d+)/g)) add(m[1]!, Number(m[2]), [Number(m[3])]);
  for (const p of byKey.values()) p.offsets.sort((a, b) => a - b);
  return [...byKey.values()];
}

const isStoredPosition = (p: unknown): p is StoredDifferencePosition => {
  const x = p as Partial<StoredDifferencePosition> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.topic === 'string' &&
    Number.isInteger(x.partition) &&
    Array.isArray(x.offsets) &&
    x.offsets.every((o) => Number.isInteger(o) && o >= 0)
  );
};

/**
 * compare.json's structured positions merged per partition (both sides, every pair and reader:
 * each target's lane is drawn over the same offsets so they line up), at most
 * {@link MAX_OFFSETS} per partition, the smallest first. Undefined when the file has none (older
 * files) or they are malformed.
 */
export function storedPositions(stored: unknown): DifferencePosition[] | undefined {
  if (!Array.isArray(stored) || !stored.every(isStoredPosition)) return undefined;
  const byKey = new Map<string, { topic: string; partition: number; offsets: Set<number> }>();
  for (const p of stored) {
    const k = `${p.topic}[${p.partition}]`;
    const e = byKey.get(k) ?? byKey.set(k, { topic: p.topic, partition: p.partition, offsets: new Set() }).get(k)!;
    for (const o of p.offsets) e.offsets.add(o);
  }
  return [...byKey.values()].map((e) => ({
    topic: e.topic,
    partition: e.partition,
    offsets: [...e.offsets].sort((a, b) => a - b).slice(0, MAX_OFFSETS),
  }));
}

/** Splits a summary into what names one side only (`only T …`, `T …`) and what is shared. */
function splitBySide(summary: string, targets: readonly string[]): { own: string[][]; shared: string[] } {
  const own = targets.map(() => [] as string[]);
  const shared: string[] = [];
  for (const raw of summary.split(/; | \| /)) {
    // `replay: only reference read …`: the reader's name stays with the part
    const m = /^([\w.-]+: )?(.*)$/.exec(raw)!;
    const body = m[2]!;
    const i = targets.findIndex((t) => body.startsWith(`only ${t} `));
    if (i >= 0) own[i]!.push(raw);
    else shared.push(raw);
  }
  return { own, shared };
}

/** Every differing aspect of a compare, and per scenario the aspects that were the same. */
export function compareDifferences(c: StoredCompare): {
  differences: CompareDifference[];
  same: { scenario: string; seed: number; aspects: { aspect: string; summary: string }[] }[];
} {
  const differences: CompareDifference[] = [];
  const same: { scenario: string; seed: number; aspects: { aspect: string; summary: string }[] }[] = [];
  for (const s of c.scenarios) {
    same.push({
      scenario: s.scenario,
      seed: s.seed,
      aspects: s.aspects.filter((a) => a.same).map((a) => ({ aspect: a.aspect, summary: a.summary })),
    });
    for (const a of s.aspects.filter((x) => !x.same)) {
      const { own, shared } = splitBySide(a.summary, c.targets);
      const structured = storedPositions(a.positions);
      differences.push({
        scenario: s.scenario,
        seed: s.seed,
        aspect: a.aspect,
        cause: a.cause,
        sides: c.targets.map((t, i) => ({
          target: t,
          runDir: s.runs?.find((r) => r.target === t)?.runDir,
          text: own[i]!,
        })),
        shared,
        first: a.details[0] ?? a.summary,
        positions: structured ?? differencePositions([a.summary, ...a.details].join('; ')),
        positionsFrom: structured ? 'structured' : 'text',
      });
    }
  }
  return { differences, same };
}
