import type { Op } from '../../harness/history/history.ts';
import { SEND, type CheckResult, type RecordRef } from './types.ts';

/**
 * Non-monotonic send: one producer's acknowledged offsets in a partition must grow in the order
 * the producer sent (a producer's sends to one partition are ordered, so their offsets are too).
 * Completions are matched to invocations by process, in invocation order.
 */
export function checkNonmonotonicSends(history: readonly Op[]): CheckResult {
  const last = new Map<string, { offset: number; op: Op }>();
  const witnesses: unknown[] = [];
  for (const op of history) {
    if (op.f !== SEND || op.type !== 'ok') continue;
    const r = op.value as RecordRef;
    const k = `${String(op.process)}|${r.topic}/${r.partition}`;
    const prev = last.get(k);
    if (prev && r.offset <= prev.offset) witnesses.push({ before: prev.op, after: op });
    last.set(k, { offset: r.offset, op });
  }
  return {
    checker: 'nonmonotonic-send',
    valid: witnesses.length === 0,
    summary: witnesses.length === 0 ? 'acknowledged offsets grow in send order' : `${witnesses.length} acknowledgement(s) went backwards`,
    witnesses: witnesses.slice(0, 20),
  };
}
