import type { Op } from '../../harness/history/history.ts';
import { POLL, type CheckResult, type RecordRef } from './types.ts';

/**
 * Polls of each consumer, per partition: offsets must strictly increase (nonmonotonic-poll) and,
 * on a non-transactional topic, follow each other with no gap (poll-skip) — a consumer that
 * reads on from where it was never jumps over a record.
 */
export function checkPollOrder(history: readonly Op[]): CheckResult[] {
  const last = new Map<string, RecordRef>();
  const backwards: unknown[] = [];
  const skips: unknown[] = [];
  for (const op of history) {
    if (op.f !== POLL || op.type !== 'ok') continue;
    for (const r of (op.value as { records: RecordRef[] }).records) {
      const k = `${String(op.process)}|${r.topic}/${r.partition}`;
      const prev = last.get(k);
      if (prev) {
        if (r.offset <= prev.offset) backwards.push({ process: op.process, previous: prev, next: r });
        else if (r.offset !== prev.offset + 1) skips.push({ process: op.process, previous: prev, next: r, skipped: r.offset - prev.offset - 1 });
      }
      last.set(k, r);
    }
  }
  return [
    {
      checker: 'nonmonotonic-poll',
      valid: backwards.length === 0,
      summary: backwards.length === 0 ? 'every consumer read offsets in increasing order' : `${backwards.length} read(s) went backwards`,
      witnesses: backwards.slice(0, 20),
    },
    {
      checker: 'poll-skip',
      valid: skips.length === 0,
      summary: skips.length === 0 ? 'no consumer skipped an offset' : `${skips.length} read(s) skipped offsets`,
      witnesses: skips.slice(0, 20),
    },
  ];
}
