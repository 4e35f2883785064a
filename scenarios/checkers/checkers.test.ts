import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../../harness/history/history.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';
import { combine, type CheckResult } from '../../harness/history/check-result.ts';
import { checkHistory, DEFAULT_CHECK_CONFIG } from './index.ts';

const rec = (offset: number, value: string, partition = 0): RecordRef => ({
  topic: 't',
  partition,
  offset,
  key: null,
  value,
});

/** A history: producer 0 acks `acked` (in order), then the final read and the replay return `read`/`replay`. */
function history(acked: RecordRef[], read: RecordRef[], replay: RecordRef[] = read) {
  const h = new HistoryRecorder();
  for (const r of acked) h.invoke(0, SEND, { value: r.value }).ok(r);
  h.invoke(FINAL_READ, POLL, { from: 'beginning' }).ok({ records: read });
  h.invoke(REPLAY_READ, POLL, { from: 'beginning' }).ok({ records: replay });
  return h.ops;
}

const verdicts = (ops: ReturnType<typeof history>) =>
  Object.fromEntries(checkHistory(ops).map((r) => [r.checker, r.valid]));

describe('checkers', () => {
  const good = [rec(0, 'a'), rec(1, 'b'), rec(2, 'c')];

  it('accept a clean history', () => {
    const results = checkHistory(history(good, good));
    expect(combine(results)).toBe(true);
  });

  it('find a lost write', () => {
    expect(verdicts(history(good, [good[0]!, good[1]!]))['lost-write']).toBe(false);
  });

  it('find a duplicate', () => {
    expect(verdicts(history(good, [...good, rec(3, 'b')])).duplicate).toBe(false);
  });

  it('find two records at one offset', () => {
    expect(verdicts(history(good, [rec(0, 'a'), rec(1, 'x'), rec(2, 'c')]))['inconsistent-offsets']).toBe(false);
  });

  it('find acknowledgements that go backwards', () => {
    expect(verdicts(history([rec(1, 'b'), rec(0, 'a')], [rec(0, 'a'), rec(1, 'b')]))['nonmonotonic-send']).toBe(false);
  });

  it('find a skipped and a backwards poll', () => {
    const v = verdicts(history([], [rec(0, 'a'), rec(2, 'c'), rec(1, 'b')]));
    expect(v['poll-skip']).toBe(false);
    expect(v['nonmonotonic-poll']).toBe(false);
  });

  it('find a replay that differs', () => {
    expect(verdicts(history(good, good, [good[0]!, rec(1, 'z'), good[2]!])).replay).toBe(false);
  });

  it('say unknown without a final read', () => {
    const h = new HistoryRecorder();
    h.invoke(0, SEND, {}).ok(rec(0, 'a'));
    expect(combine(checkHistory(h.ops))).toBe('unknown');
  });

  it('keep the verdicts of a call without a config under the default config', () => {
    const h = history(good, [good[0]!, rec(1, 'x'), good[2]!]);
    expect(checkHistory(h, DEFAULT_CHECK_CONFIG)).toEqual(checkHistory(h));
  });

  it('run every checker family once', () => {
    expect(checkHistory(history(good, good)).map((r) => r.checker)).toEqual([
      'lost-write',
      'duplicate',
      'inconsistent-offsets',
      'nonmonotonic-send',
      'nonmonotonic-poll',
      'poll-skip',
      'replay',
      'reorder',
      'unseen',
      'aborted-read',
      'protocol-expectations',
    ]);
  });

  it('count an info send as neither lost nor a duplicate of itself, whether it was written or not', () => {
    const h = new HistoryRecorder();
    h.invoke(0, SEND, { topic: 't', partition: 0, key: null, value: 'a' }).ok(rec(0, 'a'));
    h.invoke(0, SEND, { topic: 't', partition: 0, key: null, value: 'b' }).info('timed out');
    h.invoke(0, SEND, { topic: 't', partition: 0, key: null, value: 'c' }).info('timed out');
    h.invoke(0, SEND, { topic: 't', partition: 0, key: null, value: 'd' }).ok(rec(2, 'd'));
    const read = [rec(0, 'a'), rec(1, 'b'), rec(2, 'd')];
    h.invoke(FINAL_READ, POLL, {}).ok({ records: read });
    h.invoke(REPLAY_READ, POLL, {}).ok({ records: read });
    expect(checkHistory(h.ops).filter((r) => r.valid !== true)).toEqual([]);
  });

  it('compose invalid over unknown over valid', () => {
    const r = (valid: CheckResult['valid']): CheckResult => ({ checker: 'x', valid, summary: '', witnesses: [] });
    expect(combine([r(true), r('unknown'), r(false)])).toBe(false);
    expect(combine([r(true), r('unknown')])).toBe('unknown');
    expect(combine([r(true), { ...r(true), allowed: true }])).toBe(true);
    expect(combine([])).toBe(true);
  });
});
