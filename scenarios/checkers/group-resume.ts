/**
 * Commit then resume (the consumer-groups scenario), over the history: member A of a group reads
 * part of a topic, commits its position (`commit` ops of process `member-a`, ok value
 * `{offset}`: the next offset to read, as Kafka commits it), reads a few more records and dies;
 * member B joins the same group. Kafka's at-least-once contract for a group:
 *
 * - group-resume: B's first record is at A's last committed offset (OffsetCommit stored it and
 *   the new member's OffsetFetch returns it), not before (re-reading committed work) nor after.
 * - group-redelivery: of the records A read, B reads again exactly those at or past that offset
 *   (processed but never committed: redelivered after A died) and none below it.
 *
 * The OffsetFetch answer an admin saw (`offset-fetch` op) is kept as a witness. Unknown when
 * member A never committed (the group part did not run; the plan and the `end-offsets` op say why).
 */
import type { Op } from '../../harness/history/history.ts';
import { endOffsetsOf, SCENARIO_PROCESS, type ScenarioPlan } from './scenario-plan.ts';
import { readsOf } from '../../harness/history/ops.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

export const MEMBER_A = 'member-a';
export const MEMBER_B = 'member-b';
/** Op `f` of a committed-offset lookup (OffsetFetch): ok value `{groupId, topic, partition, offset}`. */
export const OFFSET_FETCH = 'offset-fetch';

/** What the consumer-groups scenario records in its plan. */
export interface GroupResumePlan extends ScenarioPlan {
  topic: string;
  /** Records acknowledged before the group part. */
  records: number;
  /** Records A reads before its last commit, and after it. */
  share: number;
  extra: number;
}

/** The two verdicts of the commit-then-resume scenario. */
export function checkGroupResume(history: readonly Op[], plan: GroupResumePlan): CheckResult[] {
  const commits = history.filter((o) => o.process === MEMBER_A && o.f === 'commit' && o.type === 'ok');
  if (commits.length === 0) {
    const held = endOffsetsOf(history, SCENARIO_PROCESS, plan.topic)?.get(0);
    const summary =
      held !== undefined && held < plan.share + plan.extra
        ? `not run: the topic holds ${held} of the ${plan.records} acknowledged records, fewer than the ${plan.share + plan.extra} member A was to read`
        : 'not run: member A never committed an offset';
    return [
      { checker: 'group-redelivery', valid: 'unknown', summary, witnesses: [] },
      { checker: 'group-resume', valid: 'unknown', summary, witnesses: [] },
    ];
  }
  const committedAt = (commits[commits.length - 1]!.value as { offset: number }).offset;
  const readByA = readsOf(history, MEMBER_A);
  const readByB = readsOf(history, MEMBER_B);
  const fetched = history.findLast((o) => o.f === OFFSET_FETCH && o.type === 'ok');
  const offsetFetch = fetched ? (fetched.value as { offset: number }).offset : null;

  const uncommitted = new Set(readByA.filter((r) => r.offset >= committedAt).map((r) => r.offset));
  const readByAOffsets = new Set(readByA.map((r) => r.offset));
  const readByBoth = readByB.filter((r) => readByAOffsets.has(r.offset)).map((r) => r.offset);
  const unexpected = readByBoth.filter((o) => !uncommitted.has(o));
  const missing = [...uncommitted].filter((o) => !readByBoth.includes(o));
  const redeliveryOk = unexpected.length === 0 && missing.length === 0;

  const resumedAt = readByB[0]?.offset;
  // the group's partition, as its reads name it (the scenario's topic has one)
  const partition = readByA[0]?.partition ?? readByB[0]?.partition ?? 0;
  const at = (offset: number) => ({ topic: plan.topic, partition, offset });
  const reRead = readByB.filter((r) => r.offset < committedAt).length;
  const resumeOk = resumedAt === committedAt;
  return [
    {
      checker: 'group-redelivery',
      valid: redeliveryOk,
      summary: redeliveryOk
        ? `member B read again exactly the ${uncommitted.size} record(s) member A processed but never committed`
        : `records read by both members: ${unexpected.length} that A had committed, ${missing.length} of A's uncommitted ones never redelivered`,
      witnesses: redeliveryOk
        ? []
        : [
            {
              readTwiceThoughCommitted: unexpected.slice(0, 20),
              uncommittedNotRedelivered: missing.slice(0, 20),
              // where they lie, so a report can draw the partition around them
              positions: [...unexpected, ...missing].slice(0, 20).map((offset) => at(offset)),
            },
          ],
      count: unexpected.length + missing.length,
    },
    {
      checker: 'group-resume',
      valid: resumeOk,
      summary: resumeOk
        ? `member B resumed at offset ${resumedAt}, right after member A's last committed record`
        : `member B resumed at offset ${resumedAt ?? 'none (it read nothing)'} after member A committed ${committedAt} (OffsetFetch says ${offsetFetch}); ${reRead} record(s) read twice`,
      witnesses: resumeOk
        ? []
        : [
            {
              committedByA: committedAt,
              offsetFetch,
              resumedAt: resumedAt ?? null,
              readTwice: reRead,
              committed: at(committedAt),
              ...(readByB[0] ? { resumed: readByB[0] } : {}),
            },
          ],
      count: resumeOk ? 0 : 1,
    },
  ];
}
