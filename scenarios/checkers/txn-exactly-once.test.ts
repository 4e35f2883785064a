import { describe, expect, it } from 'vitest';
import { COMMITTED_OFFSETS, FINAL_READ, TXN_OFFSETS, type RecordRef } from '../../harness/history/ops.ts';
import { checkHistory } from './index.ts';
import { NOT_RUN, PLAN, SCENARIO_PROCESS } from './scenario-plan.ts';
import { Builder } from './test-support.ts';
import { checkExactlyOnce, copiedFrom, FINAL_OFFSETS_PROCESS, type ExactlyOncePlan } from './txn-exactly-once.ts';

const plan: ExactlyOncePlan = { scenario: 'txn-exactly-once', input: 'in', output: 'out', group: 'g', partitions: 2 };

const input = (partition: number, offset: number): RecordRef => ({
  topic: 'in',
  partition,
  offset,
  key: null,
  value: `i${partition}-${offset}`,
});
/** The copy of input (p, o) written by transaction `txn` at output offset `at`. */
const copy = (p: number, o: number, txn: string, at: number): RecordRef => ({
  topic: 'out',
  partition: p,
  offset: at,
  key: null,
  value: JSON.stringify({ run: 'r', src: [p, o], txn, value: `i${p}-${o}` }),
});

/** A copier transaction of `records` that commits (or aborts) the offsets after them. */
function copyTxn(b: Builder, id: string, records: RecordRef[], outcome: 'commit' | 'abort', offsets: object) {
  b.begin('copier-0', id, 'X').txnSends('copier-0', id, records, 'X');
  const value = { txn: { id, transactionalId: 'X' }, group: 'g', topic: 'in', offsets };
  b.op('copier-0', TXN_OFFSETS, value, 'ok', value);
  return b.endTxn('copier-0', id, outcome);
}

/** The plan, four acknowledged inputs (two per partition). */
function base(): Builder {
  const b = new Builder();
  b.op(SCENARIO_PROCESS, PLAN, plan, 'ok', plan);
  return b.batch('input-producer', [input(0, 0), input(1, 0), input(0, 1), input(1, 1)]);
}

const finalOffsets = (b: Builder, offsets: object) =>
  b.op(FINAL_OFFSETS_PROCESS, COMMITTED_OFFSETS, { group: 'g', topic: 'in' }, 'ok', {
    group: 'g',
    topic: 'in',
    offsets,
  });
const finalRead = (b: Builder, records: RecordRef[]) => {
  b.op(FINAL_READ, 'end-offsets', { topic: 'out' }, 'ok', { topic: 'out', ends: {} });
  return b.poll(FINAL_READ, records, { topic: 'out', from: 'beginning', isolation: 'read_committed' });
};

/** A correct run: an aborted first attempt of input (0,0), then two commits copying everything once. */
function correct(): { b: Builder; copies: RecordRef[] } {
  const b = base();
  copyTxn(b, 'a', [copy(0, 0, 'a', 0)], 'abort', { 0: 1 });
  const c1 = [copy(0, 0, 'b', 2), copy(1, 0, 'b', 0)];
  const c2 = [copy(0, 1, 'c', 4), copy(1, 1, 'c', 2)];
  copyTxn(b, 'b', c1, 'commit', { 0: 1, 1: 1 });
  copyTxn(b, 'c', c2, 'commit', { 0: 2, 1: 2 });
  finalOffsets(b, { 0: 2, 1: 2 });
  return { b, copies: [...c1, ...c2] };
}

describe('txn-exactly-once', () => {
  it('reads the input an output record names', () => {
    expect(copiedFrom(copy(1, 7, 't', 3).value)).toEqual({ partition: 1, offset: 7, txn: 't' });
    expect(copiedFrom('not json')).toBeNull();
    expect(copiedFrom(JSON.stringify({ src: 'x' }))).toBeNull();
    expect(copiedFrom(null)).toBeNull();
  });

  it('passes when every acknowledged input is in the committed output once and nothing aborted is', () => {
    const { b, copies } = correct();
    const r = checkExactlyOnce(finalRead(b, copies).ops, plan);
    expect(r).toMatchObject({ valid: true, count: 0 });
    expect(r.summary).toMatch(
      /^4 acknowledged input record\(s\) each exactly once .*2 transaction\(s\) committed, 1 aborted/,
    );
  });

  it('fails on a consumed input missing from the output (lost), naming the transactions that copied it', () => {
    const b = base();
    // The aborted transaction's offsets were taken as committed: the group moved past input (0,0).
    copyTxn(b, 'a', [copy(0, 0, 'a', 0)], 'abort', { 0: 1 });
    const c = [copy(0, 1, 'c', 2), copy(1, 0, 'c', 0), copy(1, 1, 'c', 1)];
    copyTxn(b, 'c', c, 'commit', { 0: 2, 1: 2 });
    finalOffsets(b, { 0: 2, 1: 2 });
    const r = checkExactlyOnce(finalRead(b, c).ops, plan);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.summary).toMatch(/^1 acknowledged input record\(s\) consumed but missing/);
    expect(r.witnesses).toEqual([
      {
        kind: 'lost',
        input: { topic: 'in', partition: 0, offset: 0 },
        groupCommittedOffset: 2,
        copiedIn: [{ txn: 'a', outcome: 'abort', committedOffset: 1 }],
      },
    ]);
  });

  it('fails on an input copied twice, naming both output offsets', () => {
    const { b, copies } = correct();
    const again = copy(1, 1, 'd', 5);
    copyTxn(b, 'd', [again], 'commit', { 1: 2 });
    const r = checkExactlyOnce(finalRead(b, [...copies, again]).ops, plan);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses).toEqual([
      {
        kind: 'duplicate',
        input: { topic: 'in', partition: 1, offset: 1 },
        outputs: [
          { topic: 'out', partition: 1, offset: 2, txn: 'c' },
          { topic: 'out', partition: 1, offset: 5, txn: 'd' },
        ],
      },
    ]);
  });

  it('fails on an output record of an aborted transaction', () => {
    const { b, copies } = correct();
    const r = checkExactlyOnce(finalRead(b, [copy(0, 0, 'a', 0), ...copies]).ops, plan);
    expect(r.valid).toBe(false);
    // The aborted copy is visible, and input (0,0) is now there twice.
    expect(r.witnesses).toContainEqual({
      kind: 'aborted',
      input: { topic: 'in', partition: 0, offset: 0 },
      output: { topic: 'out', partition: 0, offset: 0, txn: 'a' },
    });
    expect(r.summary).toMatch(/1 copied more than once, 1 output record\(s\) of aborted transactions visible/);
  });

  it('owes only acknowledged inputs the group consumed: the rest is unknown, never lost', () => {
    const b = base();
    b.send('input-producer', input(0, 2), 'info');
    const c = [copy(0, 0, 'b', 0), copy(1, 0, 'b', 0)];
    copyTxn(b, 'b', c, 'commit', { 0: 1, 1: 1 });
    finalOffsets(b, { 0: 1, 1: 1 });
    const r = checkExactlyOnce(finalRead(b, c).ops, plan);
    expect(r.valid).toBe('unknown');
    expect(r.summary).toMatch(/2 acknowledged input record\(s\) at or past the group's committed offsets/);
  });

  it('allows loss where the configuration allows lost writes, never a duplicate', () => {
    const b = base();
    const c = [copy(0, 1, 'c', 2), copy(1, 0, 'c', 0), copy(1, 1, 'c', 1)];
    copyTxn(b, 'c', c, 'commit', { 0: 2, 1: 2 });
    finalOffsets(b, { 0: 2, 1: 2 });
    const ops = finalRead(b, c).ops;
    const lossy = { acks: 1 as const, faults: true };
    expect(checkExactlyOnce(ops, plan, lossy)).toMatchObject({ valid: true, allowed: true, count: 1 });
    const { b: d, copies } = correct();
    const twice = [...copies, copy(1, 1, 'c', 9)];
    expect(checkExactlyOnce(finalRead(d, twice).ops, plan, lossy).valid).toBe(false);
  });

  it('is unknown without a final read of the output, or when the scenario did not run', () => {
    expect(checkExactlyOnce(correct().b.ops, plan).valid).toBe('unknown');
    const b = base().op(SCENARIO_PROCESS, NOT_RUN, {}, 'ok', { reason: 'not supported by this target yet' });
    expect(checkExactlyOnce(b.ops, plan)).toMatchObject({
      valid: 'unknown',
      summary: expect.stringMatching(/not supported/),
    });
  });

  it('runs from checkHistory on a history whose plan names the scenario', () => {
    const { b, copies } = correct();
    const names = checkHistory(finalRead(b, copies).ops).map((c) => c.checker);
    expect(names).toContain('txn-exactly-once');
    expect(names).toContain('txn-workload');
  });
});
