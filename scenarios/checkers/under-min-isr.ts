/**
 * Strict min ISR (Kafka 4.x, KIP-966): a partition leader advances its high watermark only while
 * its ISR has at least min.insync.replicas members (`Partition.maybeIncrementLeaderHW` returns at
 * once `if (isUnderMinIsr)`). So a record acknowledged at acks=1 while the ISR is short is on the
 * leader's log but not committed: no consumer may read it until the ISR is back at
 * min.insync.replicas; then it becomes visible.
 *
 * The history shows the ISR through `isr` ops (see {@link ISR_OBSERVATION}). A window "under min
 * ISR" opens at an observation with fewer in-sync replicas than its `minIsr` and closes at the
 * next nemesis op (a fault came or went: the ISR may be changing) or the next observation. Sends
 * acknowledged and polls answered wholly inside a window happened under min ISR.
 */
import type { Op } from '../../harness/history/history.ts';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import { contentKey, POLL, SEND, type RecordRef } from '../../harness/history/ops.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';

/** Op `f` of an ISR observation: ok value {@link IsrObservation}. */
export const ISR_OBSERVATION = 'isr';

/** What an `isr` op's ok completion carries: the partition's committed ISR as a node reported it. */
export interface IsrObservation {
  topic: string;
  partition: number;
  leader: number;
  isr: number[];
  /** min.insync.replicas of the topic (as the scenario configured it). */
  minIsr: number;
}

const CHECKER = 'under-min-isr';

function isObservation(o: Op): o is Op & { value: IsrObservation } {
  const v = o.value as Partial<IsrObservation> | null;
  return (
    o.f === ISR_OBSERVATION &&
    o.type === 'ok' &&
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.isr) &&
    typeof v.minIsr === 'number'
  );
}

const samePartition = (a: { topic: string; partition: number }, b: { topic: string; partition: number }) =>
  a.topic === b.topic && a.partition === b.partition;

/**
 * Checks Kafka's promise over a history: records acknowledged while the ISR was below
 * min.insync.replicas are not returned by any read made while it still was, and are returned by
 * reads after the ISR was seen back at min.insync.replicas. Unknown when the history never shows
 * the ISR below min.insync.replicas, or shows no read after it recovered.
 */
export function checkUnderMinIsr(history: readonly Op[]): CheckResult {
  // Per op index: the observation whose window the op lies in, if any.
  const windowOf = new Map<number, IsrObservation>();
  const invokeOf = new Map<string, number>();
  let open: IsrObservation | undefined;
  const recoveries: { index: number; obs: IsrObservation }[] = [];
  for (const o of history) {
    if (o.process === NEMESIS) open = undefined;
    if (isObservation(o)) {
      open = o.value.isr.length < o.value.minIsr ? o.value : undefined;
      if (!open) recoveries.push({ index: o.index, obs: o.value });
    }
    if (open) windowOf.set(o.index, open);
  }
  const inWindow = (done: Op): IsrObservation | undefined => {
    const w = windowOf.get(done.index);
    const started = invokeOf.get(`${String(done.process)}\u0000${done.f}`);
    return w && started !== undefined && windowOf.get(started) === w ? w : undefined;
  };
  const shortAcks: { op: Op; record: RecordRef }[] = [];
  const earlyReads: unknown[] = [];
  let earlyCount = 0;
  let windows = 0;
  let shortPolls = 0;
  const seen = new Set<IsrObservation>();
  for (const o of history) {
    const k = `${String(o.process)}\u0000${o.f}`;
    if (o.type === 'invoke') {
      invokeOf.set(k, o.index);
      continue;
    }
    const w = inWindow(o);
    invokeOf.delete(k);
    if (!w) continue;
    if (!seen.has(w)) {
      seen.add(w);
      windows++;
    }
    if (o.f === SEND && o.type === 'ok') {
      const r = o.value as RecordRef;
      if (samePartition(r, w)) shortAcks.push({ op: o, record: r });
    } else if (o.f === POLL && o.type === 'ok') {
      shortPolls++;
      const acked = new Map(shortAcks.map((a) => [contentKey(a.record), a]));
      for (const r of (o.value as { records?: RecordRef[] }).records ?? []) {
        if (!samePartition(r, w)) continue;
        const a = acked.get(contentKey(r));
        if (!a) continue;
        earlyCount++;
        if (earlyReads.length < MAX_WITNESSES)
          earlyReads.push({
            record: r,
            isr: w.isr,
            minIsr: w.minIsr,
            ackedAt: a.op.index,
            readAt: o.index,
            process: o.process,
          });
      }
    }
  }
  if (windows === 0)
    return {
      checker: CHECKER,
      valid: 'unknown',
      summary: 'the history never shows the ISR below min.insync.replicas',
      witnesses: [],
      count: 0,
    };
  // After the ISR was seen back at min.insync.replicas, every record acknowledged while it was short must be readable.
  const readsAfter = (index: number) => history.filter((o) => o.index > index && o.f === POLL && o.type === 'ok');
  let undecided = 0;
  const invisible = shortAcks.filter((a) => {
    const recovery = recoveries.find((r) => r.index > a.op.index && samePartition(r.obs, a.record));
    const reads = recovery ? readsAfter(recovery.index) : [];
    if (reads.length === 0) {
      undecided++;
      return false;
    }
    return !reads.some((o) =>
      ((o.value as { records?: RecordRef[] }).records ?? []).some(
        (r) => samePartition(r, a.record) && contentKey(r) === contentKey(a.record),
      ),
    );
  });
  const count = earlyCount + invisible.length;
  const problems: string[] = [];
  if (earlyCount)
    problems.push(
      `${earlyCount} read(s) returned a record acknowledged while the ISR was below min.insync.replicas, before it recovered (the high watermark advanced under min ISR)`,
    );
  if (invisible.length)
    problems.push(
      `${invisible.length} of ${shortAcks.length} record(s) acknowledged under min ISR never became visible after the ISR recovered`,
    );
  const witnesses = [
    ...earlyReads,
    ...invisible.slice(0, MAX_WITNESSES).map((a) => ({ neverRead: a.record, ackedAt: a.op.index })),
  ].slice(0, MAX_WITNESSES);
  if (count > 0) return { checker: CHECKER, valid: false, summary: problems.join('; '), witnesses, count };
  if (shortAcks.length === 0)
    return {
      checker: CHECKER,
      valid: 'unknown',
      summary: 'no record was acknowledged while the ISR was below min.insync.replicas',
      witnesses: [],
      count: 0,
    };
  if (undecided > 0) {
    return {
      checker: CHECKER,
      valid: 'unknown',
      summary: `${shortAcks.length} record(s) acknowledged under min ISR stayed invisible to ${shortPolls} read(s) there, but no read after the ISR recovered shows whether they became visible`,
      witnesses: [],
      count: 0,
    };
  }
  return {
    checker: CHECKER,
    valid: true,
    summary: `${shortAcks.length} record(s) acknowledged at acks=1 while the ISR was below min.insync.replicas: invisible to ${shortPolls} read(s) until the ISR recovered, visible after`,
    witnesses: [],
    count: 0,
  };
}
