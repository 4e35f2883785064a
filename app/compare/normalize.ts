/**
 * What legitimately differs between two runs of one scenario — the run id every value and
 * topic name carries, broker addresses, timeouts in error texts — replaced by placeholders, so
 * what remains is behaviour two targets must share.
 */

/** Placeholder for a run id. */
export const RUN = '<run>';

/**
 * Replaces the run id wherever it occurs in `text`. A `-<run id>` suffix goes altogether: it is
 * what the runner appends to a topic name on a target it did not start fresh (an external
 * broker keeps earlier runs' topics), while a fresh target's topic is the bare scenario name, so
 * `mmr-1-external-…` on one and `mmr` on the other name the same scenario topic.
 */
export function withoutRunId(text: string, runId: string): string {
  // a run id of one or two characters would also match inside unrelated values
  return runId.length >= 3 ? text.split(`-${runId}`).join('').split(runId).join(RUN) : text;
}

const ADDRESS = /(?:\[[0-9a-fA-F:.]+\]|\b(?:\d{1,3}\.){3}\d{1,3}|\blocalhost)(?::\d{1,5})?\b/g;
const DURATION = /\b\d+(?:\.\d+)?\s?(ms|milliseconds?|s|seconds?)\b/g;

/** An error message with the run id, addresses and durations taken out. */
export function normalizeError(message: string, runId: string): string {
  return withoutRunId(message, runId).replace(ADDRESS, '<addr>').replace(DURATION, '<n> $1').trim();
}

/** A record as the diff sees it: identity (content without the run id) and where it was stored. */
export interface NormalizedRecord {
  /** Key and value with the run id replaced: equal across targets for the same logical record. */
  id: string;
  /** Short human name: `seq N` when the value carries one, else the start of the value. */
  label: string;
  topic: string;
  partition: number;
  offset: number;
  /** The process that sent it (acks only). */
  by?: string;
}

/** A short name for a record value: the `producer` and `seq` the scenarios put in their JSON values, or a prefix. */
export function recordLabel(value: string | null): string {
  if (value === null) return 'null';
  if (value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as { seq?: unknown; producer?: unknown };
      if (typeof parsed.seq === 'number')
        return typeof parsed.producer === 'string' ? `${parsed.producer} seq ${parsed.seq}` : `seq ${parsed.seq}`;
    } catch {
      // not JSON after all: fall through to the prefix
    }
  }
  return value.length > 24 ? JSON.stringify(`${value.slice(0, 21)}...`) : JSON.stringify(value);
}

/** Normalizes a RecordRef-shaped value taken from a history (tolerant of missing fields). */
export function normalizeRecord(raw: unknown, runId: string): NormalizedRecord {
  const r = (raw ?? {}) as { topic?: unknown; partition?: unknown; offset?: unknown; key?: unknown; value?: unknown };
  const key = typeof r.key === 'string' ? withoutRunId(r.key, runId) : null;
  const value = typeof r.value === 'string' ? withoutRunId(r.value, runId) : null;
  return {
    id: JSON.stringify([key, value]),
    label: recordLabel(value),
    topic: typeof r.topic === 'string' ? withoutRunId(r.topic, runId) : '?',
    partition: typeof r.partition === 'number' ? r.partition : -1,
    offset: typeof r.offset === 'number' ? r.offset : -1,
  };
}
