import type { Op } from '../../harness/history/history.ts';
import { FINAL_READ, POLL, SEND, type RecordRef } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/**
 * The seed scenario's own check, over the history: the mmr message (`message`, the first send)
 * comes back byte for byte as the first record the final read returns. It is required only when
 * the history shows it acknowledged: under faults its send may end without an answer (a node
 * down), and a record never acknowledged may never have been written — then a log that starts
 * with a later record is no anomaly, and the check cannot be decided (unless the message was
 * read back anyway, which decides it).
 */
export function checkSeedMessage(history: readonly Op[], message: string): CheckResult {
  const first = history.find((op) => op.process === FINAL_READ && op.f === POLL && op.type === 'ok' && ((op.value as { records?: RecordRef[] }).records?.length ?? 0) > 0);
  const firstRecord = first ? (first.value as { records: RecordRef[] }).records[0] : undefined;
  const echoed = firstRecord?.value === message;
  const sends = history.filter((op) => op.f === SEND && op.type !== 'invoke' && (op.value as { value?: unknown } | null)?.value === message);
  const acknowledged = sends.some((op) => op.type === 'ok');
  if (echoed) return { checker: 'seed-message', valid: true, summary: 'the mmr message was read back byte for byte as the first record', witnesses: [] };
  if (!acknowledged) {
    const why = sends.map((op) => op.error ?? op.type).join('; ') || 'no answer recorded';
    return {
      checker: 'seed-message',
      valid: 'unknown',
      summary: `the mmr message was never acknowledged (${why}), and the first record read is another: it may never have been written`,
      witnesses: [{ expected: message, read: firstRecord ?? null, sends }],
    };
  }
  return { checker: 'seed-message', valid: false, summary: 'the first record read is not the mmr message', witnesses: [{ expected: message, read: firstRecord ?? null }] };
}
