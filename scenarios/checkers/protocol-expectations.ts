import type { Op } from '../../harness/history/history.ts';
import { errorName } from '../../protocol/errors/generated/error-codes.ts';
import { indexHistory, type HistoryIndex } from './history-index.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';

/** The error codes an op's invocation says are acceptable answers. */
export function expectedCodes(invokeValue: unknown): number[] | null {
  const expect =
    typeof invokeValue === 'object' && invokeValue !== null ? (invokeValue as { expect?: unknown }).expect : undefined;
  const codes =
    typeof expect === 'object' && expect !== null ? (expect as { errorCode?: unknown }).errorCode : undefined;
  if (typeof codes === 'number') return [codes];
  if (Array.isArray(codes) && codes.every((c) => typeof c === 'number')) return codes;
  return null;
}

const named = (codes: readonly number[]) => codes.map((c) => `${errorName(c)} (${c})`).join(' or ');

/**
 * Protocol expectations: an op of any kind may say in its invoke value which Kafka error codes
 * are acceptable answers — `expect: {errorCode: 45}` or `{errorCode: [0, 45]}` (e.g. a sequence
 * gap must be answered OUT_OF_ORDER_SEQUENCE_NUMBER) — and its completion reports the code it got
 * as `value.errorCode`. An ok completion without one got NONE (0); a fail without one, and an info
 * completion (no answer, or none we can trust), cannot be decided, nor can an op that never
 * completed. A decided code outside the expected ones is an anomaly; no configuration allows it.
 * Valid when no op states an expectation; unknown when every one was undecided.
 */
export function checkProtocolExpectations(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
): CheckResult {
  let stated = 0;
  let undecided = 0;
  let count = 0;
  const witnesses: unknown[] = [];
  for (let e = 0; e < ix.expectations.invoke.length; e++) {
    const invoke = history[ix.expectations.invoke[e]!]!;
    const expected = expectedCodes(invoke.value);
    if (!expected) continue;
    stated++;
    const done = ix.expectations.done[e]! >= 0 ? history[ix.expectations.done[e]!]! : undefined;
    const reported =
      typeof done?.value === 'object' && done.value !== null
        ? (done.value as { errorCode?: unknown }).errorCode
        : undefined;
    const got = typeof reported === 'number' ? reported : done?.type === 'ok' ? 0 : undefined;
    if (got === undefined || done?.type === 'info') {
      undecided++;
      continue;
    }
    if (expected.includes(got)) continue;
    count++;
    if (witnesses.length < MAX_WITNESSES)
      witnesses.push({ expected: named(expected), got: named([got]), invoke, completion: done });
  }
  if (stated === 0)
    return {
      checker: 'protocol-expectations',
      valid: true,
      summary: 'no op states an expected error code',
      witnesses: [],
      count: 0,
    };
  const note = undecided > 0 ? `; ${undecided} undecided (no answer)` : '';
  if (count === 0 && undecided === stated)
    return {
      checker: 'protocol-expectations',
      valid: 'unknown',
      summary: `none of ${stated} expectation(s) could be decided (no answer)`,
      witnesses: [],
      count: 0,
    };
  return verdict(
    'protocol-expectations',
    count,
    witnesses,
    `${stated - undecided} of ${stated} op(s) got an error code they expected${note}`,
    `${count} op(s) got an error code they did not expect${note}`,
    null,
  );
}
