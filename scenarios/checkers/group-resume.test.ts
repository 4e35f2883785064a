import { describe, expect, it } from 'vitest';
import { checkGroupResume, MEMBER_A, MEMBER_B, OFFSET_FETCH, type GroupResumePlan } from './group-resume.ts';
import { checkHistory } from './index.ts';
import { END_OFFSETS, PLAN, SCENARIO_PROCESS } from './scenario-plan.ts';
import { Builder, rec } from './test-support.ts';

const plan: GroupResumePlan = { scenario: 'consumer-groups', topic: 't', records: 10, share: 4, extra: 2 };
const records = Array.from({ length: 10 }, (_, i) => rec(i, `v${i}`));

/** A reads 0..5, commits 2 and then 4, dies; B reads from `resumeAt` to the end; OffsetFetch says `fetched`. */
function run(resumeAt: number, fetched = 4): Builder {
  const b = new Builder().op(SCENARIO_PROCESS, PLAN, plan, 'ok', plan);
  for (const r of records) b.send(0, r);
  for (const r of records.slice(0, 6)) b.poll(MEMBER_A, [r]);
  b.op(MEMBER_A, 'commit', { topic: 't', partition: 0, offset: 2 }, 'ok', { topic: 't', partition: 0, offset: 2 });
  b.op(MEMBER_A, 'commit', { topic: 't', partition: 0, offset: 4 }, 'ok', { topic: 't', partition: 0, offset: 4 });
  b.op('admin', OFFSET_FETCH, { topic: 't', partition: 0 }, 'ok', { topic: 't', partition: 0, offset: fetched });
  for (const r of records.slice(resumeAt)) b.poll(MEMBER_B, [r]);
  return b.reads(records);
}

describe('group-resume', () => {
  it('passes when B resumes at A’s last commit and re-reads exactly what A never committed', () => {
    const [redelivery, resume] = checkGroupResume(run(4).ops, plan);
    expect(redelivery).toMatchObject({ checker: 'group-redelivery', valid: true, count: 0 });
    expect(resume).toMatchObject({
      checker: 'group-resume',
      valid: true,
      count: 0,
      summary: expect.stringContaining('resumed at offset 4'),
    });
  });

  it('fails when the commit was lost and B starts at the one before (lose-committed-offset)', () => {
    const [redelivery, resume] = checkGroupResume(run(2, 2).ops, plan);
    expect(resume).toMatchObject({
      valid: false,
      count: 1,
      witnesses: [{ committedByA: 4, offsetFetch: 2, resumedAt: 2, readTwice: 2 }],
    });
    expect(redelivery).toMatchObject({
      valid: false,
      count: 2,
      witnesses: [{ readTwiceThoughCommitted: [2, 3], uncommittedNotRedelivered: [] }],
    });
  });

  it('fails when B skips records A never committed', () => {
    const [redelivery, resume] = checkGroupResume(run(5).ops, plan);
    expect(resume!.valid).toBe(false);
    expect(redelivery).toMatchObject({ valid: false, witnesses: [{ uncommittedNotRedelivered: [4] }] });
  });

  it('cannot decide when A never committed, and says the topic held too few records', () => {
    const b = new Builder()
      .op(SCENARIO_PROCESS, PLAN, plan, 'ok', plan)
      .op(SCENARIO_PROCESS, END_OFFSETS, { topic: 't' }, 'ok', { topic: 't', ends: { 0: 3 } });
    const results = checkGroupResume(b.reads(records.slice(0, 3)).ops, plan);
    expect(results.map((r) => r.valid)).toEqual(['unknown', 'unknown']);
    expect(results[0]!.summary).toContain('holds 3 of the 10 acknowledged records, fewer than the 6');
  });

  it('runs from checkHistory on a history whose plan names consumer-groups', () => {
    expect(checkHistory(run(2, 2).ops).find((c) => c.checker === 'group-resume')?.valid).toBe(false);
    expect(checkHistory(new Builder().reads(records).ops).some((c) => c.checker === 'group-resume')).toBe(false);
  });
});
