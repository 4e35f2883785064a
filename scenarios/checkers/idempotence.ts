/**
 * Whether the idempotence scenario exercised what it tests, over the history: its TCP proxies
 * drop Produce answers the broker already applied (`drop-response` nemesis ops arm them), and the
 * heal that ends the faults (`heal-all`, ok value `droppedResponses`) says how many answers were
 * really dropped — each one made the idempotent producer resend a batch the broker had stored.
 * None dropped: the retry path was not exercised and the run says nothing about it (unknown).
 * Whether the retries were stored once is the duplicate checker's verdict.
 */
import type { Op } from '../../harness/history/history.ts';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/** Produce answers the proxies dropped, as the heal ops of the history report them. */
export function droppedResponses(history: readonly Op[]): number {
  let n = 0;
  for (const o of history) {
    if (o.process !== NEMESIS || o.type !== 'ok') continue;
    const v = o.value as { droppedResponses?: unknown } | null;
    if (typeof v?.droppedResponses === 'number') n += v.droppedResponses;
  }
  return n;
}

/** idempotence-exercised: valid when at least one applied Produce's answer was dropped and retried. */
export function checkIdempotenceExercised(history: readonly Op[]): CheckResult {
  const retried = droppedResponses(history);
  return {
    checker: 'idempotence-exercised',
    valid: retried > 0 ? true : 'unknown',
    summary:
      retried > 0
        ? `${retried} Produce answer(s) were dropped after the broker applied them, and retried`
        : 'no Produce answer was dropped: the retry path was not exercised',
    witnesses: [],
    count: retried,
  };
}
