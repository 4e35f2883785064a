/**
 * The fault schedule a run directory's config.json names (`schedule`: written for a shrunk case,
 * and for any run given a schedule instead of drawing one from the seed), read back and validated
 * so `kconform replay` plays exactly it — or stops with a one-line reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_FAMILIES, type NodeRole, type ScheduledFault } from '../../harness/nemesis/fault-schedule.ts';

const ROLES: readonly NodeRole[] = ['random', 'leader', 'controller'];
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3_600_000;

/**
 * Validates the `schedule` field of a parsed config.json: undefined when there is none (the run
 * draws its schedule from the seed); throws an Error naming the first bad step and field.
 */
export function parseStoredSchedule(raw: unknown): ScheduledFault[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new Error("'schedule' must be a list of fault steps");
  return raw.map((step: unknown, i): ScheduledFault => {
    const at = `'schedule[${i}]'`;
    if (typeof step !== 'object' || step === null || Array.isArray(step)) throw new Error(`${at} must be an object`);
    const s = step as Record<string, unknown>;
    if (!(FAULT_FAMILIES as readonly unknown[]).includes(s.family))
      throw new Error(`${at}.family must be one of ${FAULT_FAMILIES.join(', ')}`);
    if (!(ROLES as readonly unknown[]).includes(s.role))
      throw new Error(`${at}.role must be one of ${ROLES.join(', ')}`);
    if (typeof s.fallbackNode !== 'number' || !Number.isInteger(s.fallbackNode) || s.fallbackNode < 0)
      throw new Error(`${at}.fallbackNode must be a node id (a whole number ≥ 0)`);
    if (typeof s.split !== 'boolean') throw new Error(`${at}.split must be true or false`);
    if (!isMs(s.waitMs)) throw new Error(`${at}.waitMs must be whole milliseconds in 0..3600000`);
    if (!isMs(s.holdMs)) throw new Error(`${at}.holdMs must be whole milliseconds in 0..3600000`);
    return {
      family: s.family as ScheduledFault['family'],
      role: s.role as NodeRole,
      fallbackNode: s.fallbackNode,
      split: s.split,
      waitMs: s.waitMs,
      holdMs: s.holdMs,
    };
  });
}

/** The schedule RUN_DIR/config.json names, or undefined; the Error message names the file. */
export function readStoredSchedule(runDir: string): ScheduledFault[] | undefined {
  const path = join(runDir, 'config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return parseStoredSchedule(
      typeof raw === 'object' && raw !== null ? (raw as { schedule?: unknown }).schedule : undefined,
    );
  } catch (err) {
    throw new Error(`${path} is not a kconform run config: ${(err as Error).message}`);
  }
}
