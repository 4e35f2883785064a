/**
 * Unavailability windows of a load run, from its stored throughput intervals: where records were
 * sent but none was acknowledged, or sends failed. The load report shades them on its plots as a
 * scenario run's plots shade fault windows.
 */
import type { ThroughputPoint } from './results-schema.ts';

/** A stretch of a load run in which produces were not being acknowledged (ms since the start). */
export interface UnavailableWindow {
  start: number;
  end: number;
  /** Why: `no acks` (sent, nothing acknowledged) or `errors` (some sends failed). */
  reason: 'no acks' | 'errors';
}

/**
 * Shortest stretch without acks reported: a busy event loop or a GC pause leaves a 100 ms bucket
 * empty without the target being unavailable.
 */
export const MIN_SILENT_MS = 1000;

/**
 * Joins adjacent unavailable intervals into windows. An interval ending at `time` covers
 * `[time − bucketMs, time)`; it is unavailable when sends failed in it, or records were sent and
 * none was acknowledged (kept when such intervals add up to `minSilentMs` in a row).
 */
export function unavailableWindows(
  points: readonly ThroughputPoint[],
  bucketMs = 1000,
  minSilentMs = MIN_SILENT_MS,
): UnavailableWindow[] {
  const out: UnavailableWindow[] = [];
  for (const p of [...points].sort((a, b) => a.time - b.time)) {
    const errors = (p.errorsPerSecond ?? 0) > 0;
    const silent = (p.sentPerSecond ?? 0) > 0 && p.recordsPerSecond === 0;
    if (!errors && !silent) continue;
    const reason = errors ? 'errors' : 'no acks';
    const start = p.time - bucketMs;
    const last = out.at(-1);
    if (last && last.end === start && last.reason === reason) last.end = p.time;
    else out.push({ start, end: p.time, reason });
  }
  return out.filter((w) => w.reason === 'errors' || w.end - w.start >= minSilentMs);
}
