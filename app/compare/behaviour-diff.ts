/**
 * The behaviour diff of `kconform compare`: given the histories one scenario left on several
 * targets (same seed), says aspect by aspect whether a client could tell the targets apart.
 * Pure: histories and verdicts in, a list of aspect verdicts out.
 */
import type { Op } from '../../harness/history/history.ts';
import { FINAL_READ, POLL, SEND } from '../../harness/history/ops.ts';
import type { CheckResult, Validity } from '../../harness/history/check-result.ts';
import { faultWindows, outsideFaultWindows } from './fault-windows.ts';
import { normalizeError, normalizeRecord, type NormalizedRecord } from './normalize.ts';

/** One target's run of a scenario, as the diff reads it. */
export interface TargetBehaviour {
  /** Names the target in the diff (unique among the compared runs). */
  target: string;
  /** The run id the scenario stamped into values and topic names (the run directory's name). */
  runId: string;
  history: readonly Op[];
  checks: readonly CheckResult[];
  /** Why the scenario stopped early, if it did. */
  error?: string;
}

/** The observable aspects compared, in table order. */
export const ASPECTS = ['offsets', 'errors', 'final-read', 'consumer-reads', 'checks'] as const;
export type Aspect = (typeof ASPECTS)[number];

/** The verdict on one aspect across all compared targets. */
export interface AspectDiff {
  aspect: Aspect;
  same: boolean;
  /** One line: what was seen when the same, what differs otherwise. */
  summary: string;
  /** A few lines naming the first differences (empty when the same). */
  details: string[];
  /**
   * Set on a difference when faults ran: `fault-induced` when it shows only in or right after a
   * fault window (the histories without the ops there agree), else `conformance` — the targets
   * behave differently on a healthy cluster or leave a different final state (one lost data).
   */
  cause?: 'fault-induced' | 'conformance';
  /**
   * On a difference: where in the logs it lies, per pair of targets (and reader), so the report
   * draws lanes there without reading {@link summary}. Absent when the same, and in compare.json
   * files written before it was recorded (the report then parses the summary).
   */
  positions?: DifferencePosition[];
}

/**
 * One partition's offsets a difference names, on one target's log, for one pair of targets.
 * `only`: records only `target` has (acked or read); `moved`: records both have, at other offsets
 * (each side's offsets on its own entry); `concurrent`: a partition written by producers at once
 * whose set of offsets differs. Topics are normalised as in the summary (run id removed).
 */
export interface DifferencePosition {
  /** The pair compared: baseline first. */
  pair: [string, string];
  /** consumer-reads: the reading process. */
  reader?: string;
  kind: 'only' | 'moved' | 'concurrent';
  /** The target on whose log {@link offsets} lie (one of {@link pair}). */
  target: string;
  topic: string;
  partition: number;
  /** Sorted, distinct; the first {@link MAX_POSITION_OFFSETS}. */
  offsets: number[];
  /** How many distinct offsets there were in all (more than {@link offsets} holds when cut). */
  count: number;
}

/** Offsets kept per position entry: the lanes draw around a few, compare.json stays small. */
export const MAX_POSITION_OFFSETS = 50;

/** What a client observed in one run, normalized. */
export interface Observation {
  /** Acknowledged sends per partition and producer, in completion order, with the offsets the target assigned. */
  acked: NormalizedRecord[];
  /** Failed and indeterminate ops by `process f type: error`, with how often each occurred. */
  errors: Map<string, number>;
  /** What the final read returned, in order per partition; undefined when there was no final read. */
  finalRead: NormalizedRecord[] | undefined;
  /** What every other reading process saw, in order (polls flattened: batch sizes are the target's business). */
  reads: Map<string, NormalizedRecord[]>;
  checks: Map<string, Validity>;
  /**
   * Partitions (`topic[p]`) that several producers wrote to over the same period (one's first send
   * before another's last ack): which record got which offset there is timing, even when no two
   * sends were in flight at once (transactions take turns between begin and commit), so only each
   * producer's order and the set of offsets count.
   */
  concurrent: Set<string>;
  /** The producer of each acked record, to judge order per producer in concurrent partitions. */
  producerOf: Map<string, string>;
  /**
   * Partitions with transactional sends: where producers write them at once, commit markers and
   * aborted records take offsets between their batches, so even the set of offsets is timing.
   */
  transactional: Set<string>;
}

/** Lines of detail kept per aspect and pair of targets: enough to start looking, short enough for a table. */
const MAX_DETAILS = 3;

const partitionKey = (r: NormalizedRecord) => `${r.topic}[${r.partition}]`;

/**
 * Order only means something within a partition (and, for acks, per producer): how a consumer's
 * batches of different partitions interleave, or two producers' acks, is timing. A stable sort
 * keeps the order that matters and drops the one that does not.
 */
function inPartitionOrder(rs: NormalizedRecord[]): NormalizedRecord[] {
  const key = (r: NormalizedRecord) => `${r.topic}\u0000${String(r.partition).padStart(10, '0')}\u0000${r.by ?? ''}`;
  return rs
    .map((r) => ({ r, k: key(r) }))
    .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
    .map((e) => e.r);
}

/** Extracts what a client of the target could observe from a run's history. */
export function observe(b: TargetBehaviour): Observation {
  const acked: NormalizedRecord[] = [];
  const errors = new Map<string, number>();
  const reads = new Map<string, NormalizedRecord[]>();
  let finalRead: NormalizedRecord[] | undefined;
  const transactional = new Set<string>();
  // per partition and producer: from its first send's invoke to its last send's completion
  const spans = new Map<string, Map<string, { from: number; to: number }>>();
  // a completion belongs to its process's oldest open send: key it by the partition invoked
  const openKeys = new Map<string, string[]>();
  b.history.forEach((op, at) => {
    if (op.f !== SEND) return;
    const p = String(op.process);
    const queue = openKeys.get(p) ?? openKeys.set(p, []).get(p)!;
    const k = op.type === 'invoke' ? partitionKey(normalizeRecord(op.value, b.runId)) : queue.shift();
    if (k === undefined) return;
    const byProducer = spans.get(k) ?? spans.set(k, new Map()).get(k)!;
    const span = byProducer.get(p) ?? byProducer.set(p, { from: at, to: at }).get(p)!;
    span.to = at;
    if (op.type === 'invoke') {
      if ((op.value as { txn?: unknown } | null)?.txn !== undefined) transactional.add(k);
      queue.push(k);
    }
  });
  const concurrent = new Set(
    [...spans]
      .filter(([, byProducer]) => {
        let reach = -1;
        return [...byProducer.values()]
          .sort((x, y) => x.from - y.from)
          .some((span) => {
            const overlaps = span.from < reach;
            reach = Math.max(reach, span.to);
            return overlaps;
          });
      })
      .map(([k]) => k),
  );
  for (const op of b.history) {
    if (op.type === 'invoke') continue;
    if (op.type === 'fail' || op.type === 'info') {
      const key = `${String(op.process)} ${op.f} ${op.type}: ${normalizeError(op.error ?? '(no message)', b.runId)}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
      continue;
    }
    if (op.f === SEND) acked.push({ ...normalizeRecord(op.value, b.runId), by: String(op.process) });
    else if (op.f === POLL) {
      const records = ((op.value as { records?: unknown[] } | null)?.records ?? []).map((r) =>
        normalizeRecord(r, b.runId),
      );
      if (op.process === FINAL_READ) (finalRead ??= []).push(...records);
      else {
        const p = String(op.process);
        let list = reads.get(p);
        if (!list) reads.set(p, (list = []));
        list.push(...records);
      }
    }
  }
  if (b.error !== undefined) errors.set(`scenario stopped: ${normalizeError(b.error, b.runId)}`, 1);
  for (const [p, rs] of reads) reads.set(p, inPartitionOrder(rs));
  return {
    acked: inPartitionOrder(acked),
    errors,
    finalRead: finalRead && inPartitionOrder(finalRead),
    reads,
    checks: new Map(b.checks.map((c) => [c.checker, c.valid])),
    concurrent,
    producerOf: new Map(acked.map((r) => [r.id, r.by ?? ''])),
    transactional,
  };
}

/** A pair's difference on one aspect: undefined when they agree. */
type PairDiff = { summary: string; details: string[]; positions?: DifferencePosition[] } | undefined;

/**
 * Position entries of `kind` on `target`'s log, one per partition of `rs`, for `pair` (and `reader`).
 */
export function positionsOf(
  rs: readonly Pick<NormalizedRecord, 'topic' | 'partition' | 'offset'>[],
  kind: DifferencePosition['kind'],
  target: string,
  pair: Pick<Pair, 'an' | 'bn'>,
  reader?: string,
): DifferencePosition[] {
  const byPartition = new Map<string, { topic: string; partition: number; offsets: Set<number> }>();
  for (const r of rs) {
    const k = `${r.topic}\u0000${r.partition}`;
    const e =
      byPartition.get(k) ?? byPartition.set(k, { topic: r.topic, partition: r.partition, offsets: new Set() }).get(k)!;
    e.offsets.add(r.offset);
  }
  return [...byPartition.values()]
    .sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition))
    .map((e) => {
      const offsets = [...e.offsets].sort((x, y) => x - y);
      return {
        pair: [pair.an, pair.bn] as [string, string],
        ...(reader === undefined ? {} : { reader }),
        kind,
        target,
        topic: e.topic,
        partition: e.partition,
        offsets: offsets.slice(0, MAX_POSITION_OFFSETS),
        count: offsets.length,
      };
    });
}

const where = (r: NormalizedRecord, other?: NormalizedRecord) =>
  other && other.topic === r.topic && other.partition === r.partition
    ? `offset ${r.offset}`
    : `${r.topic}[${r.partition}]@${r.offset}`;

/** Names at most a few labels, with how many more there were. */
function some(labels: string[]): string {
  const shown = labels.slice(0, MAX_DETAILS).join(', ');
  return labels.length > MAX_DETAILS ? `${shown} (+${labels.length - MAX_DETAILS} more)` : shown;
}

/** The two targets of a comparison and what both runs say about concurrency. */
interface Pair {
  an: string;
  bn: string;
  /** Partitions written concurrently in either run. */
  concurrent: Set<string>;
  producerOf: Map<string, string>;
  /** Partitions with transactional sends in either run. */
  transactional: Set<string>;
}

/** Offsets as a sorted list, shown compactly: `0..49` when dense. */
function offsetList(rs: readonly NormalizedRecord[]): string {
  const offs = rs.map((r) => r.offset).sort((x, y) => x - y);
  if (offs.length === 0) return 'none';
  const dense = offs.every((o, i) => o === offs[0]! + i);
  return dense
    ? `${offs[0]}..${offs[offs.length - 1]}`
    : offs.length > 8
      ? `${offs.slice(0, 8).join(',')},... (${offs.length})`
      : offs.join(',');
}

/**
 * Where records sit, exactly and compactly, per partition: `mmr[0] offsets 21..35, 57`. Used for
 * records only one side has, so a consumer that jumped over offsets is told which ones.
 */
export function offsetRanges(rs: readonly NormalizedRecord[]): string {
  const byPartition = new Map<string, number[]>();
  for (const r of rs)
    (byPartition.get(partitionKey(r)) ?? byPartition.set(partitionKey(r), []).get(partitionKey(r))!).push(r.offset);
  return [...byPartition]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([k, offs]) => {
      const sorted = [...new Set(offs)].sort((x, y) => x - y);
      const ranges: string[] = [];
      for (let i = 0; i < sorted.length; ) {
        let j = i;
        while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
        ranges.push(j === i ? `${sorted[i]}` : `${sorted[i]}..${sorted[j]}`);
        i = j + 1;
      }
      return `${k} offset${sorted.length === 1 ? '' : 's'} ${ranges.join(', ')}`;
    })
    .join('; ');
}

/**
 * Two record sequences (acks, or what a reader saw), matched by identity rather than position so
 * one missing record does not make every later one look different: which records only one side
 * has, whether the shared ones come in the same order, and whether they sit at the same offsets.
 * In partitions written concurrently, order is judged per producer and offsets as a set.
 */
function diffRecords(
  a: readonly NormalizedRecord[],
  b: readonly NormalizedRecord[],
  pair: Pair,
  verb: 'acked' | 'read',
  reader?: string,
): PairDiff {
  const { an, bn } = pair;
  const positions: DifferencePosition[] = [];
  const positionsInB = new Map<string, number[]>();
  b.forEach((r, i) => {
    const list = positionsInB.get(r.id);
    if (list) list.push(i);
    else positionsInB.set(r.id, [i]);
  });
  const matchedB = new Set<number>();
  const common: { x: NormalizedRecord; j: number }[] = [];
  const onlyA: NormalizedRecord[] = [];
  for (const x of a) {
    const j = positionsInB.get(x.id)?.shift();
    if (j === undefined) onlyA.push(x);
    else {
      matchedB.add(j);
      common.push({ x, j });
    }
  }
  const onlyB = b.filter((_, j) => !matchedB.has(j));
  // the labels say which records, the offsets (on the side that has them) say exactly where
  const only = (side: string, rs: NormalizedRecord[]) =>
    `only ${side} ${verb} ${some(rs.map((r) => r.label))}, at ${offsetRanges(rs)}`;
  const parts: string[] = [];
  const details: string[] = [];
  if (a.length !== b.length)
    parts.push(`${an} ${verb} ${a.length} ${verb === 'acked' ? 'sends' : 'records'}, ${bn} ${b.length}`);
  if (onlyA.length) parts.push(only(an, onlyA));
  if (onlyB.length) parts.push(only(bn, onlyB));
  positions.push(...positionsOf(onlyA, 'only', an, pair, reader), ...positionsOf(onlyB, 'only', bn, pair, reader));
  details.push(...parts.slice(a.length !== b.length ? 1 : 0));

  // order: within a partition, or within a producer's records in a concurrently written one
  const group = (r: NormalizedRecord) =>
    pair.concurrent.has(partitionKey(r)) ? `${partitionKey(r)}/${pair.producerOf.get(r.id) ?? '?'}` : partitionKey(r);
  const lastInGroup = new Map<string, { x: NormalizedRecord; j: number }>();
  for (const c of common) {
    const g = group(c.x);
    const prev = lastInGroup.get(g);
    if (prev && c.j < prev.j) {
      const line = `${bn} ${verb} ${c.x.label} before ${prev.x.label}, ${an} after`;
      parts.push(`in another order (first: ${line})`);
      details.push(line);
      break;
    }
    lastInGroup.set(g, c);
  }

  const moved = common.filter(
    ({ x, j }) =>
      !pair.concurrent.has(partitionKey(x)) &&
      (x.topic !== b[j]!.topic || x.partition !== b[j]!.partition || x.offset !== b[j]!.offset),
  );
  if (moved.length) {
    const lines = moved
      .slice(0, MAX_DETAILS)
      .map(({ x, j }) => `${x.label}: ${an} ${where(x, b[j])}, ${bn} ${where(b[j]!, x)}`);
    parts.push(`${moved.length} of ${common.length} at other offsets (first: ${lines[0]})`);
    details.push(...lines);
    positions.push(
      ...positionsOf(
        moved.map(({ x }) => x),
        'moved',
        an,
        pair,
        reader,
      ),
      ...positionsOf(
        moved.map(({ j }) => b[j]!),
        'moved',
        bn,
        pair,
        reader,
      ),
    );
  }
  for (const k of [...pair.concurrent].sort()) {
    if (pair.transactional.has(k)) continue;
    const [ra, rb] = [a.filter((r) => partitionKey(r) === k), b.filter((r) => partitionKey(r) === k)];
    const [oa, ob] = [offsetList(ra), offsetList(rb)];
    if (oa !== ob) {
      const line = `${k} (written concurrently): ${an} offsets ${oa}, ${bn} ${ob}`;
      parts.push(line);
      details.push(line);
      // the offsets one side used and the other did not: where the two logs part
      const [sa, sb] = [new Set(ra.map((r) => r.offset)), new Set(rb.map((r) => r.offset))];
      positions.push(
        ...positionsOf(
          ra.filter((r) => !sb.has(r.offset)),
          'concurrent',
          an,
          pair,
          reader,
        ),
        ...positionsOf(
          rb.filter((r) => !sa.has(r.offset)),
          'concurrent',
          bn,
          pair,
          reader,
        ),
      );
    }
  }
  return parts.length
    ? { summary: parts.join('; '), details: details.slice(0, MAX_DETAILS + 1), positions }
    : undefined;
}

function diffFinalRead(a: NormalizedRecord[] | undefined, b: NormalizedRecord[] | undefined, pair: Pair): PairDiff {
  const { an, bn } = pair;
  if (a === undefined && b === undefined) return undefined;
  if (a === undefined || b === undefined) {
    const [has, hasNot] = a === undefined ? [bn, an] : [an, bn];
    return { summary: `${hasNot} has no final read, ${has} read ${(a ?? b)!.length} records`, details: [] };
  }
  return diffRecords(a, b, pair, 'read');
}

/**
 * Per (topic, partition): what each reader read of it, whoever the reader was. Equal on two
 * targets means the same reads, possibly by other members: a group's assignment is made by a
 * client-side assignor over member ids the broker draws at random, so it is not behaviour.
 */
function readsByPartition(reads: Map<string, NormalizedRecord[]>, pair: Pair): string {
  const parts = new Map<string, string[]>();
  for (const rs of reads.values()) {
    const mine = new Map<string, NormalizedRecord[]>();
    for (const r of rs) {
      const list = mine.get(partitionKey(r));
      if (list) list.push(r);
      else mine.set(partitionKey(r), [r]);
    }
    for (const [k, list] of mine) {
      // in a concurrently written partition only each producer's order is behaviour
      let seen: unknown = list.map((r) => `${r.id}@${r.offset}`);
      if (pair.concurrent.has(k)) {
        const byProducer = new Map<string, string[]>();
        for (const r of list) {
          const producer = pair.producerOf.get(r.id) ?? '?';
          (byProducer.get(producer) ?? byProducer.set(producer, []).get(producer)!).push(r.id);
        }
        seen = [...byProducer].sort(([x], [y]) => (x < y ? -1 : 1));
      }
      const all = parts.get(k) ?? parts.set(k, []).get(k)!;
      all.push(JSON.stringify(seen));
    }
  }
  return JSON.stringify([...parts].map(([k, seqs]) => [k, seqs.sort()]).sort());
}

function diffReads(a: Map<string, NormalizedRecord[]>, b: Map<string, NormalizedRecord[]>, pair: Pair): PairDiff {
  const { an, bn } = pair;
  const processes = [...new Set([...a.keys(), ...b.keys()])].sort();
  const summaries: string[] = [];
  const details: string[] = [];
  const positions: DifferencePosition[] = [];
  for (const p of processes) {
    const x = a.get(p);
    const y = b.get(p);
    const d =
      x && y ? diffRecords(x, y, pair, 'read', p) : { summary: `${x ? bn : an} has no reads by ${p}`, details: [] };
    if (!d) continue;
    summaries.push(`${p}: ${d.summary}`);
    details.push(...d.details.map((l) => `${p}: ${l}`));
    positions.push(...(d.positions ?? []));
  }
  if (
    summaries.length === 0 ||
    (processes.every((p) => a.has(p) && b.has(p)) && readsByPartition(a, pair) === readsByPartition(b, pair))
  )
    return undefined;
  return { summary: summaries.join('; '), details: details.slice(0, MAX_DETAILS), positions };
}

function diffErrors(a: Map<string, number>, b: Map<string, number>, { an, bn }: Pair): PairDiff {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const details = keys
    .filter((k) => (a.get(k) ?? 0) !== (b.get(k) ?? 0))
    .map((k) => `${k} — ${an} ${a.get(k) ?? 0}×, ${bn} ${b.get(k) ?? 0}×`);
  if (!details.length) return undefined;
  return {
    summary: `${details.length} kind(s) of failed/unknown op differ (first: ${details[0]})`,
    details: details.slice(0, MAX_DETAILS),
  };
}

const mark = (v: Validity | undefined) =>
  v === undefined ? 'absent' : v === true ? 'PASS' : v === false ? 'FAIL' : 'UNKNOWN';

function diffChecks(a: Map<string, Validity>, b: Map<string, Validity>, { an, bn }: Pair): PairDiff {
  const names = [...new Set([...a.keys(), ...b.keys()])];
  const details = names
    .filter((n) => a.get(n) !== b.get(n))
    .map((n) => `${n}: ${an} ${mark(a.get(n))}, ${bn} ${mark(b.get(n))}`);
  return details.length ? { summary: details.join('; '), details: details.slice(0, MAX_DETAILS) } : undefined;
}

/** What the runs share on an aspect, said once when every target agrees. */
function sameSummary(aspect: Aspect, o: Observation, concurrent: ReadonlySet<string>): string {
  const raced = concurrent.size
    ? ` (${concurrent.size} partition(s) written by producers at once: there, order per producer and, where no transaction wrote, the set of offsets)`
    : '';
  switch (aspect) {
    case 'offsets':
      return `${o.acked.length} acked sends, same records at the same offsets${raced}`;
    case 'errors': {
      const total = [...o.errors.values()].reduce((s, n) => s + n, 0);
      return total === 0
        ? 'no failed or unknown ops'
        : `the same ${total} failed/unknown op(s): ${[...o.errors.keys()].slice(0, 2).join('; ')}`;
    }
    case 'final-read':
      return o.finalRead === undefined
        ? 'no final read on any target'
        : `${o.finalRead.length} records, same order per partition, same offsets${raced}`;
    case 'consumer-reads':
      return o.reads.size === 0
        ? 'no other readers'
        : [...o.reads].map(([p, rs]) => `${p} ${rs.length}`).join(', ') +
            ' records, same order per partition (partitions may go to other group members)';
    case 'checks': {
      const failing = [...o.checks].filter(([, v]) => v !== true).map(([n, v]) => `${n} ${mark(v)}`);
      return `${o.checks.size} checks, ${failing.length ? `same verdicts (${failing.join(', ')})` : 'all PASS on every target'}`;
    }
  }
}

const PAIR_DIFF: Record<Aspect, (a: Observation, b: Observation, pair: Pair) => PairDiff> = {
  offsets: (a, b, pair) => diffRecords(a.acked, b.acked, pair, 'acked'),
  errors: (a, b, pair) => diffErrors(a.errors, b.errors, pair),
  'final-read': (a, b, pair) => diffFinalRead(a.finalRead, b.finalRead, pair),
  'consumer-reads': (a, b, pair) => diffReads(a.reads, b.reads, pair),
  checks: (a, b, pair) => diffChecks(a.checks, b.checks, pair),
};

/**
 * Compares the runs of one scenario aspect by aspect. The first run is the baseline; every other
 * run is compared with it, so with three or more targets a difference names the pair. When
 * faults ran, each difference gets its {@link AspectDiff.cause}: the runs are compared again
 * without the ops in or right after their fault windows, and what still differs is conformance.
 */
export function diffBehaviour(runs: readonly TargetBehaviour[]): AspectDiff[] {
  const full = diffAspects(runs);
  const windows = runs.map((r) => faultWindows(r.history));
  if (windows.every((w) => w.length === 0) || full.every((a) => a.same)) return full;
  const calm = diffAspects(runs.map((r, i) => ({ ...r, history: outsideFaultWindows(r.history, windows[i]!) })));
  return full.map((a, i) => (a.same ? a : { ...a, cause: calm[i]!.same ? 'fault-induced' : 'conformance' }));
}

function diffAspects(runs: readonly TargetBehaviour[]): AspectDiff[] {
  if (runs.length < 2) throw new Error('a behaviour diff needs at least two runs');
  const seen = runs.map(observe);
  const base = runs[0]!.target;
  return ASPECTS.map((aspect) => {
    const pairs = runs.slice(1).map((r, i) => {
      const [x, y] = [seen[0]!, seen[i + 1]!];
      const pair: Pair = {
        an: base,
        bn: r.target,
        concurrent: new Set([...x.concurrent, ...y.concurrent]),
        transactional: new Set([...x.transactional, ...y.transactional]),
        producerOf: new Map([...y.producerOf, ...x.producerOf]),
      };
      return { target: r.target, diff: PAIR_DIFF[aspect](x, y, pair) };
    });
    const differing = pairs.filter((p) => p.diff !== undefined);
    if (differing.length === 0)
      return {
        aspect,
        same: true,
        summary: sameSummary(aspect, seen[0]!, new Set(seen.flatMap((o) => [...o.concurrent]))),
        details: [],
      };
    const label = (t: string) => (runs.length > 2 ? `${t} vs ${base}: ` : '');
    return {
      aspect,
      same: false,
      summary: differing.map((p) => `${label(p.target)}${p.diff!.summary}`).join(' | '),
      details: differing.flatMap((p) => p.diff!.details.map((l) => `${label(p.target)}${l}`)),
      // aspects that name no offsets (errors, checks) record an empty list: nothing to draw, no text to parse
      positions: differing.flatMap((p) => p.diff!.positions ?? []),
    };
  });
}
