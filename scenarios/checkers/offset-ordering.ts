/**
 * The offset-ordering scenario's own verdicts, over the history: ack-offsets (per partition,
 * acknowledged offsets unique, each producer's increasing in send order, and — every send
 * answered, nothing allowed to be lost — exactly 0..n-1) and consumer-coverage (the group's
 * members together, and the manual reader alone, read every offset of every partition up to the
 * end offsets recorded after the producers finished, an `end-offsets` op of process `ends`).
 * Which producers are idempotent, and the readers' names, come from the plan.
 */
import type { Op } from '../../harness/history/history.ts';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig } from './config.ts';
import { endOffsetsOf, type ScenarioPlan } from './scenario-plan.ts';
import { POLL, SEND, type RecordRef } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/** The process whose `end-offsets` op holds the ends the readers read to. */
export const ENDS_PROCESS = 'ends';

/** What the offset-ordering scenario records in its plan. */
export interface OffsetOrderingPlan extends ScenarioPlan {
  topic: string;
  partitions: number;
  /** Per producer process: whether it is idempotent. */
  idempotent: Record<string, boolean>;
  /** The group members' processes, and the manual reader's. */
  members: string[];
  manual: string;
}

const oks = (ops: readonly Op[], f: string) => ops.filter((o) => o.f === f && o.type === 'ok');

/** A problem an offset check found, with the configuration's reason to allow it (or null). */
interface Finding {
  witness: Record<string, unknown>;
  allowed: string | null;
}

/** A check's verdict from its findings: invalid when one is not allowed; allowed ones are counted, not hidden. */
function judged(checker: string, findings: readonly Finding[], clean: string, found: string): CheckResult {
  const bad = findings.filter((f) => f.allowed === null);
  const witnesses = (bad.length ? bad : findings)
    .slice(0, 20)
    .map((f) => (f.allowed ? { ...f.witness, allowedBecause: f.allowed } : f.witness));
  if (findings.length === 0) return { checker, valid: true, summary: clean, witnesses: [], count: 0 };
  if (bad.length === 0)
    return {
      checker,
      valid: true,
      allowed: true,
      summary: `${found} — allowed: ${findings[0]!.allowed}`,
      witnesses,
      count: findings.length,
    };
  return { checker, valid: false, summary: found, witnesses, count: bad.length };
}

/**
 * Per partition: acknowledged offsets unique, each producer's increasing in send order, and
 * (every send answered, nothing allowed to be lost) exactly 0..n-1. What the run's configuration
 * allows (faults, non-idempotent producers) is judged per producer, as the checkers' allowances say.
 */
function checkAckOffsets(history: readonly Op[], plan: OffsetOrderingPlan, faults: boolean): CheckResult {
  const { topic } = plan;
  const PARTITIONS = plan.partitions;
  const config = (idem: boolean) => resolveCheckConfig({ acks: -1, idempotent: idem, faults });
  const sends = history.filter((o) => o.f === SEND && o.type !== 'invoke' && (o.value as RecordRef).topic === topic);
  const acked = sends.filter((o) => o.type === 'ok');
  const lossAllowed = allowance(config(true), 'lost-write');
  const checkDensity = acked.length === sends.length && lossAllowed === null;
  const findings: Finding[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const mine = acked.filter((o) => (o.value as RecordRef).partition === p);
    const byOffset = new Map<number, Op>();
    for (const o of mine) {
      const at = (o.value as RecordRef).offset;
      const other = byOffset.get(at);
      if (other)
        findings.push({
          witness: { anomaly: 'offset acknowledged twice', partition: p, offset: at, first: other, second: o },
          allowed: allowance(config(true), 'inconsistent-offsets'),
        });
      byOffset.set(at, o);
    }
    const last = new Map<Op['process'], Op>();
    for (const o of mine) {
      const prev = last.get(o.process);
      if (prev && (o.value as RecordRef).offset <= (prev.value as RecordRef).offset) {
        const why = allowance(config(plan.idempotent[String(o.process)] ?? false), 'nonmonotonic-send');
        findings.push({
          witness: {
            anomaly: "offset not above the same producer's previous one",
            partition: p,
            before: prev,
            after: o,
          },
          allowed: why,
        });
      }
      last.set(o.process, o);
    }
    // Every send acknowledged on a fresh topic: the acks name each offset from 0 exactly once.
    if (checkDensity) {
      const holes = Array.from({ length: mine.length }, (_, i) => i).filter((i) => !byOffset.has(i));
      if (holes.length)
        findings.push({
          witness: {
            anomaly: 'acknowledged offsets are not 0..n-1',
            partition: p,
            acked: mine.length,
            missing: holes.slice(0, 10),
          },
          allowed: null,
        });
    }
  }
  const note = checkDensity
    ? ''
    : ` (density not checked: ${lossAllowed ?? `${sends.length - acked.length} send(s) without an answer`})`;
  return judged(
    'ack-offsets',
    findings,
    `${acked.length} acknowledged offsets are unique per partition and increase in each producer's send order${note}`,
    `${findings.length} problem(s) with acknowledged offsets${note}`,
  );
}

/**
 * What the group's members read together, and what the manual reader read, cover every offset
 * of every partition up to its end — poll-order judges each consumer's steps, this the whole.
 */
function checkCoverage(
  history: readonly Op[],
  plan: OffsetOrderingPlan,
  ends: Map<number, number>,
  faults: boolean,
): CheckResult {
  const PARTITIONS = plan.partitions;
  const MEMBERS = plan.members;
  const MANUAL = plan.manual;
  const witnesses: Record<string, unknown>[] = [];
  const polls = oks(history, POLL);
  for (let p = 0; p < PARTITIONS; p++) {
    const end = ends.get(p) ?? 0;
    const group = new Set<number>();
    for (const o of polls)
      if (MEMBERS.includes(String(o.process)))
        for (const r of (o.value as { records: RecordRef[] }).records) if (r.partition === p) group.add(r.offset);
    const missing = Array.from({ length: end }, (_, i) => i).filter((i) => !group.has(i));
    if (missing.length)
      witnesses.push({ reader: 'group', partition: p, end, missing: missing.slice(0, 10), count: missing.length });
    const manual = polls
      .filter((o) => o.process === MANUAL)
      .flatMap((o) =>
        (o.value as { records: RecordRef[] }).records.filter((r) => r.partition === p).map((r) => r.offset),
      );
    const exact = manual.length === end && manual.every((off, i) => off === i);
    if (!exact)
      witnesses.push({ reader: MANUAL, partition: p, end, read: manual.length, firstOffsets: manual.slice(0, 10) });
  }
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  const why = allowance(resolveCheckConfig({ acks: -1, faults }), 'poll-skip');
  return judged(
    'consumer-coverage',
    witnesses.map((witness) => ({ witness, allowed: why })),
    `the group's members together, and the manual reader alone, read all ${total} offsets of the ${PARTITIONS} partitions`,
    `${witnesses.length} reader/partition pair(s) missed offsets`,
  );
}

/** ack-offsets and consumer-coverage; coverage is unknown when the end offsets were never recorded. */
export function checkOffsetOrdering(history: readonly Op[], plan: OffsetOrderingPlan): CheckResult[] {
  const faults = history.some((o) => o.process === NEMESIS);
  const ends = endOffsetsOf(history, ENDS_PROCESS, plan.topic);
  const coverage: CheckResult = ends
    ? checkCoverage(history, plan, ends, faults)
    : {
        checker: 'consumer-coverage',
        valid: 'unknown',
        summary: 'the end offsets the readers read to were never recorded (the producers did not finish)',
        witnesses: [],
      };
  return [checkAckOffsets(history, plan, faults), coverage];
}
