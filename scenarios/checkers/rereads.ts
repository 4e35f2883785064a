/**
 * The replay scenario's re-reads, over the history. The topic is read once in full (the final
 * read), then again from the earliest offset, from a committed offset, from a seek, from the
 * offset ListOffsets gives for a timestamp and from the beginning by a new group; then
 * DeleteRecords moves the log start (the `delete-records` op, which also splits the history into
 * the re-reads before it and the resets after it) and readers with auto.offset.reset start anew.
 *
 * - replay-positions: each re-read returns the first read's records from its starting point, in
 *   the same order (starting points from the recorded `list-offsets`, `commit` and `seek` ops and
 *   the sends' timestamps); a ListOffsets answer must name that starting point too.
 * - log-start: DeleteRecords answers the new log start as its low watermark; ListOffsets earliest
 *   says it, latest still says the old end; a Fetch below it answers OFFSET_OUT_OF_RANGE.
 * - auto-offset-reset: a new group with earliest, and one whose committed offset fell below the
 *   new start, begin at the new start; a new group with latest sees only the records produced
 *   after it joined.
 */
import type { Op } from '../../harness/history/history.ts';
import { endOffsetsOf, type ScenarioPlan } from './scenario-plan.ts';
import { FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

const OFFSET_OUT_OF_RANGE = 1;

/** What the replay scenario records in its plan. */
export interface RereadsPlan extends ScenarioPlan {
  topic: string;
  /** Records produced before the first read (the producer's first sends). */
  records: number;
}

/** The processes of the re-readers and of the checks after the delete. */
export const REREADERS = {
  earliest: 'from-earliest',
  committed: 'from-committed',
  seek: 'from-seek',
  timestamp: 'by-timestamp',
  earliestAfter: 'earliest-after-delete',
  stale: 'stale-commit',
  latest: 'latest-after-delete',
  below: 'below-start',
  admin: 'admin',
  producer: 'producer',
} as const;
export const DELETE_RECORDS = 'delete-records';

/** One re-read: who read, from where it should have started, and what it returned. */
interface Reread {
  reader: string;
  /** The first offset it should return (its records are the first read's from there on). */
  from: number;
  /** Where it stopped reading (exclusive); default: the end of the first read. */
  to?: number;
  how: string;
  read: readonly RecordRef[];
  /** Offsets the reader itself reported (ListOffsets answers), checked against `from`. */
  reported?: number;
}

const same = (a: RecordRef, b: RecordRef) =>
  a.offset === b.offset && (a.key ?? null) === (b.key ?? null) && (a.value ?? null) === (b.value ?? null);

/** Where `read` first differs from `expected` (records compared by offset, key and value), or null. */
function firstDifference(
  expected: readonly RecordRef[],
  read: readonly RecordRef[],
): { position: number; expected: RecordRef | null; read: RecordRef | null } | null {
  for (let i = 0; i < Math.max(expected.length, read.length); i++) {
    const x = expected[i];
    const y = read[i];
    if (!x || !y || !same(x, y)) return { position: i, expected: x ?? null, read: y ?? null };
  }
  return null;
}

function judgeRereads(
  checker: string,
  first: readonly RecordRef[],
  rereads: readonly Reread[],
  what: string,
): CheckResult {
  const witnesses: unknown[] = [];
  for (const r of rereads) {
    const expected = first.filter((x) => x.offset >= r.from && (r.to === undefined || x.offset < r.to));
    const diff = firstDifference(expected, r.read);
    if (r.reported !== undefined && r.reported !== r.from)
      witnesses.push({ reader: r.reader, how: r.how, expectedOffset: r.from, brokerSaid: r.reported });
    if (diff)
      witnesses.push({
        reader: r.reader,
        how: r.how,
        from: r.from,
        expectedRecords: expected.length,
        readRecords: r.read.length,
        firstDifference: diff,
      });
  }
  return {
    checker,
    valid: witnesses.length === 0,
    summary:
      witnesses.length === 0
        ? `${rereads.map((r) => `${r.how} (${r.read.length})`).join(', ')}: ${what}`
        : `${witnesses.length} re-read(s) differ from the first full read`,
    witnesses,
    count: witnesses.length,
  };
}

const unknown = (checker: string, summary: string): CheckResult => ({
  checker,
  valid: 'unknown',
  summary,
  witnesses: [],
});

/** replay-positions, log-start and auto-offset-reset. */
export function checkRereads(history: readonly Op[], plan: RereadsPlan): CheckResult[] {
  const { topic } = plan;
  const deleteAt = history.findIndex((o) => o.f === DELETE_RECORDS && o.type === 'invoke');
  const before = deleteAt < 0 ? history : history.slice(0, deleteAt);
  const after = deleteAt < 0 ? [] : history.slice(deleteAt);
  const reads = (ops: readonly Op[], process: string) =>
    ops
      .filter((o) => o.f === POLL && o.type === 'ok' && o.process === process)
      .flatMap((o) => (o.value as { records: RecordRef[] }).records);
  const completion = (ops: readonly Op[], process: string, f: string) =>
    ops.find((o) => o.process === process && o.f === f && o.type !== 'invoke');
  const invoked = (ops: readonly Op[], process: string, f: string) =>
    ops.find((o) => o.process === process && o.f === f && o.type === 'invoke');
  const offsetOf = (o: Op | undefined) => (o?.value as { offset?: number } | undefined)?.offset;

  // The first full read: the final read's records below the ends it took (it goes on later with the fresh records).
  const finalEnd = endOffsetsOf(history, FINAL_READ, topic)?.get(0);
  if (finalEnd === undefined) {
    const why = 'the final read never took its end offsets: no first full read to compare with';
    return [unknown('replay-positions', why), unknown('log-start', why), unknown('auto-offset-reset', why)];
  }
  const first = reads(before, FINAL_READ).filter((r) => r.offset < finalEnd);
  const end = first.length ? first[first.length - 1]!.offset + 1 : 0;

  const earliest = completion(before, REREADERS.earliest, 'list-offsets');
  const committed = offsetOf(invoked(before, REREADERS.committed, 'commit'));
  const seekTo = offsetOf(invoked(before, REREADERS.seek, 'seek'));
  const byTime = completion(before, REREADERS.timestamp, 'list-offsets');
  const ts = (invoked(before, REREADERS.timestamp, 'list-offsets')?.value as { timestamp?: number } | undefined)
    ?.timestamp;
  const sent = history
    .filter((o) => o.process === REREADERS.producer && o.f === SEND && o.type === 'invoke')
    .slice(0, plan.records)
    .map((o) => o.value as { value: string; timestamp: number });
  const expectedByTime = ts === undefined ? undefined : sent.find((v) => v.timestamp >= ts);
  const rereads: Reread[] = [
    {
      reader: REREADERS.earliest,
      how: 'ListOffsets earliest + Fetch',
      from: first[0]?.offset ?? 0,
      reported: offsetOf(earliest) ?? -1,
      read: reads(before, REREADERS.earliest),
    },
    {
      reader: REREADERS.committed,
      how: `committed offset ${committed}`,
      from: committed ?? 0,
      read: reads(before, REREADERS.committed),
    },
    { reader: REREADERS.seek, how: `seek(${seekTo})`, from: seekTo ?? 0, read: reads(before, REREADERS.seek) },
    {
      reader: REREADERS.timestamp,
      how: `ListOffsets(${ts}) + Fetch`,
      from: first.find((r) => r.value === expectedByTime?.value)?.offset ?? -1,
      reported: offsetOf(byTime) ?? -1,
      read: reads(before, REREADERS.timestamp),
    },
    {
      reader: REPLAY_READ,
      how: '--from-beginning again',
      from: first[0]?.offset ?? 0,
      read: reads(before, REPLAY_READ),
    },
  ];
  const positions = judgeRereads(
    'replay-positions',
    first,
    rereads,
    'each returned the first full read from its starting point, in the same order',
  );
  if (deleteAt < 0) {
    const why = 'the run ended before DeleteRecords moved the log start';
    return [positions, unknown('log-start', why), unknown('auto-offset-reset', why)];
  }

  const d = (history[deleteAt]!.value as { offset: number }).offset;
  const deleted = completion(after, REREADERS.admin, DELETE_RECORDS);
  const deletedValue = (deleted?.value ?? {}) as { lowWatermark?: number; errorCode?: number };
  const below = completion(after, REREADERS.below, 'fetch');
  const fetchBelow = offsetOf(invoked(after, REREADERS.below, 'fetch'));
  const belowAnswer = below?.value ?? { errorCode: -1 };
  const listed = after.filter((o) => o.process === REREADERS.admin && o.f === 'list-offsets' && o.type === 'invoke');
  const answerTo = (invoke: Op | undefined) =>
    invoke
      ? after.find(
          (o) =>
            o.index > invoke.index && o.process === REREADERS.admin && o.f === 'list-offsets' && o.type !== 'invoke',
        )
      : undefined;
  const earliestAfter = offsetOf(
    answerTo(listed.find((o) => (o.value as { timestamp?: unknown }).timestamp === 'earliest')),
  );
  const latestAfter = offsetOf(
    answerTo(listed.find((o) => (o.value as { timestamp?: unknown }).timestamp === 'latest')),
  );
  const startWitnesses: unknown[] = [];
  if (deletedValue.lowWatermark !== d)
    startWitnesses.push({
      request: `DeleteRecords below ${d}`,
      lowWatermark: deletedValue.lowWatermark ?? null,
      errorCode: deletedValue.errorCode ?? null,
    });
  if (earliestAfter !== d)
    startWitnesses.push({ request: 'ListOffsets earliest', expected: d, got: earliestAfter ?? null });
  if (latestAfter !== end)
    startWitnesses.push({ request: 'ListOffsets latest', expected: end, got: latestAfter ?? null });
  if ((belowAnswer as { errorCode?: number }).errorCode !== OFFSET_OUT_OF_RANGE)
    startWitnesses.push({ request: `Fetch at ${fetchBelow}`, expected: 'OFFSET_OUT_OF_RANGE (1)', got: belowAnswer });
  const logStart: CheckResult = {
    checker: 'log-start',
    valid: startWitnesses.length === 0,
    summary:
      startWitnesses.length === 0
        ? `DeleteRecords moved the log start to ${d}; ListOffsets earliest says ${d}, latest still ${end}; a Fetch at ${fetchBelow} answers OFFSET_OUT_OF_RANGE`
        : `${startWitnesses.length} answer(s) disagree with the log start DeleteRecords set`,
    witnesses: startWitnesses,
    count: startWitnesses.length,
  };

  const staleCommit = offsetOf(invoked(before, REREADERS.stale, 'commit'));
  const fresh = after
    .filter((o) => o.process === REREADERS.producer && o.f === SEND && o.type === 'ok')
    .map((o) => ({ ...(o.value as RecordRef) }));
  const resets: Reread[] = [
    {
      reader: REREADERS.earliestAfter,
      how: 'new group, earliest',
      from: d,
      to: end,
      read: reads(after, REREADERS.earliestAfter),
    },
    {
      reader: REREADERS.stale,
      how: `committed ${staleCommit} < log start, earliest`,
      from: d,
      to: end,
      read: reads(after, REREADERS.stale),
    },
    { reader: REREADERS.latest, how: 'new group, latest', from: end, read: reads(after, REREADERS.latest) },
  ];
  const autoReset = judgeRereads(
    'auto-offset-reset',
    [...first, ...fresh],
    resets,
    'earliest began at the new log start, latest saw only the records produced after it joined',
  );
  return [positions, logStart, autoReset];
}
