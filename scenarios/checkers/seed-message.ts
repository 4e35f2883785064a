import type { Op } from '../../harness/history/history.ts';
import { FINAL_READ, POLL, SEND, type RecordRef } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/**
 * The seed scenario's own check, over the history: the mmr message (`message`, the first send)
 * comes back byte for byte as the first record the final read returns.
 *
 * Kafka owes this only for an acknowledged write. A send that ended without an acknowledgement —
 * `info` (no answer: a node down, a timeout) or `fail` (an error answer) — may or may not be in
 * the log, and nothing orders it against later sends: Kafka promises nothing about an
 * unacknowledged record (the producer gave up on it; an idempotent producer's later batches go
 * on without it). So a history whose mmr send was never acknowledged passes with a summary that
 * says the message was not owed — a clear verdict, not `unknown`: the history decides it, and
 * lost-write, duplicate and the order checkers still judge every acknowledged record. `unknown`
 * is left for a history where the mmr message was never sent at all (nothing was exercised).
 */
export function checkSeedMessage(history: readonly Op[], message: string): CheckResult {
  const first = history.find(
    (op) =>
      op.process === FINAL_READ &&
      op.f === POLL &&
      op.type === 'ok' &&
      ((op.value as { records?: RecordRef[] }).records?.length ?? 0) > 0,
  );
  const firstRecord = first ? (first.value as { records: RecordRef[] }).records[0] : undefined;
  const echoed = firstRecord?.value === message;
  const invoked = history.some(
    (op) => op.f === SEND && op.type === 'invoke' && (op.value as { value?: unknown } | null)?.value === message,
  );
  const sends = history.filter(
    (op) => op.f === SEND && op.type !== 'invoke' && (op.value as { value?: unknown } | null)?.value === message,
  );
  const acknowledged = sends.some((op) => op.type === 'ok');
  if (echoed)
    return {
      checker: 'seed-message',
      valid: true,
      summary: 'the mmr message was read back byte for byte as the first record',
      witnesses: [],
      count: 0,
    };
  if (!invoked)
    return {
      checker: 'seed-message',
      valid: 'unknown',
      summary: 'the mmr message was never sent: the producer did not get that far',
      witnesses: [],
    };
  if (!acknowledged) {
    const why = sends.map((op) => op.error ?? op.type).join('; ') || 'no answer recorded';
    return {
      checker: 'seed-message',
      valid: true,
      summary: `not owed: the mmr send was never acknowledged (${why}), and Kafka promises nothing about an unacknowledged write; the first record read is another`,
      witnesses: [],
      count: 0,
    };
  }
  return {
    checker: 'seed-message',
    valid: false,
    summary: 'the first record read is not the mmr message',
    witnesses: [{ expected: message, read: firstRecord ?? null }],
    count: 1,
  };
}
