/**
 * The implementer's allowlist: differences from Kafka (or failures) they accept, each with a
 * reason. A YAML or JSON file:
 *
 * ```yaml
 * allow:
 *   - row: conform/DescribeAcls          # a row id of the card, or a pattern with * (conform/*Acls)
 *     reason: ACLs are not implemented; the broker runs behind a proxy that does authorization
 * ```
 *
 * A row it matches that fails, differs or is not supported becomes `accepted: reason` and counts
 * as a pass. An entry that accepts nothing is stale and reported, so the list shrinks as the
 * broker improves.
 */
import { parse as parseYaml } from 'yaml';
import type { CardRow, StaleEntry } from './card-model.ts';

/** One entry of the allowlist. */
export interface AllowEntry {
  /** A row id, or a pattern where `*` stands for any text. */
  row: string;
  reason: string;
}

/** An allowlist that cannot be read or breaks the format (the CLI exits 2 with the message). */
export class AllowlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllowlistError';
  }
}

/**
 * Parses an allowlist's text (YAML, of which JSON is a subset): an object with `allow: [...]`, or
 * the list itself. Every entry needs a non-empty `row` and `reason`; unknown keys are refused so a
 * misspelt `reasn` is not silently an entry without a reason.
 */
export function parseAllowlist(text: string, source = 'allowlist'): AllowEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new AllowlistError(`${source}: not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { allow?: unknown } | null)?.allow;
  if (!Array.isArray(list))
    throw new AllowlistError(
      `${source}: expected a list of {row, reason} entries, or an object with 'allow:' holding one`,
    );
  return list.map((e, i) => {
    const where = `${source}: entry ${i + 1}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e))
      throw new AllowlistError(`${where}: expected {row, reason}`);
    const extra = Object.keys(e).filter((k) => k !== 'row' && k !== 'reason');
    if (extra.length)
      throw new AllowlistError(`${where}: unknown key(s) ${extra.join(', ')} (expected row and reason)`);
    const { row, reason } = e as { row?: unknown; reason?: unknown };
    if (typeof row !== 'string' || !row.trim()) throw new AllowlistError(`${where}: 'row' must name a card row id`);
    if (typeof reason !== 'string' || !reason.trim())
      throw new AllowlistError(`${where} (${row}): 'reason' is required: say why the difference is accepted`);
    return { row: row.trim(), reason: reason.trim() };
  });
}

/** Whether an entry's `row` (an id or a `*` pattern) names `id`. */
export function matchesRow(pattern: string, id: string): boolean {
  if (!pattern.includes('*')) return pattern === id;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(id);
}

/**
 * Applies the allowlist: rows that fail, differ or are not supported and that an entry names
 * become `accepted` with the entry's reason (the first entry that names a row wins). Returns the
 * new rows and the entries that accepted nothing.
 */
export function applyAllowlist(
  rows: readonly CardRow[],
  entries: readonly AllowEntry[],
): { rows: CardRow[]; stale: StaleEntry[] } {
  const used = new Set<AllowEntry>();
  const out = rows.map((r) => {
    if (r.status !== 'fail' && r.status !== 'differs' && r.status !== 'not-supported') return r;
    const e = entries.find((x) => matchesRow(x.row, r.id));
    if (!e) return r;
    used.add(e);
    return { ...r, status: 'accepted' as const, was: r.status, reason: e.reason };
  });
  const stale = entries
    .filter((e) => !used.has(e))
    .map((e) => ({
      ...e,
      why: rows.some((r) => matchesRow(e.row, r.id))
        ? 'every row it names passes (or did not run, or an earlier entry accepted it)'
        : 'it names no row of this card',
    }));
  return { rows: out, stale };
}
