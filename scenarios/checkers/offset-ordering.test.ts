import { describe, expect, it } from 'vitest';
import { checkOffsetOrdering, ENDS_PROCESS, type OffsetOrderingPlan } from './offset-ordering.ts';
import { END_OFFSETS } from './scenario-plan.ts';
import { Builder, rec } from './test-support.ts';

const plan: OffsetOrderingPlan = {
  scenario: 'offset-ordering',
  topic: 't',
  partitions: 1,
  idempotent: { 'producer-0': true, 'producer-1': false },
  members: ['member-0', 'member-1'],
  manual: 'manual',
};
const log = [rec(0, 'a'), rec(1, 'b'), rec(2, 'c')];

/** Two producers, the group's members reading `group`, the manual reader `manual`, ends recorded. */
function run(acked: [string, number][], group: number[], manual: number[], ends = true): Builder {
  const b = new Builder();
  for (const [p, offset] of acked) b.send(p, log[offset] ?? rec(offset, `v${offset}`));
  if (ends) b.op(ENDS_PROCESS, END_OFFSETS, { topic: 't' }, 'ok', { topic: 't', ends: { 0: 3 } });
  b.poll(
    'member-0',
    group.filter((o) => o < 2).map((o) => log[o]!),
  );
  b.poll(
    'member-1',
    group.filter((o) => o >= 2).map((o) => log[o]!),
  );
  b.poll(
    'manual',
    manual.map((o) => log[o]!),
  );
  return b.reads(log);
}

const byName = (b: Builder) => Object.fromEntries(checkOffsetOrdering(b.ops, plan).map((c) => [c.checker, c]));

describe('offset-ordering', () => {
  it('passes unique, increasing acknowledged offsets read in full by the group and the manual reader', () => {
    const r = byName(
      run(
        [
          ['producer-0', 0],
          ['producer-1', 1],
          ['producer-0', 2],
        ],
        [0, 1, 2],
        [0, 1, 2],
      ),
    );
    expect(r['ack-offsets']).toMatchObject({ valid: true, count: 0 });
    expect(r['consumer-coverage']).toMatchObject({ valid: true, count: 0 });
  });

  it('flags an offset acknowledged twice and a producer whose offsets go back', () => {
    const r = byName(
      run(
        [
          ['producer-0', 1],
          ['producer-1', 1],
          ['producer-0', 0],
        ],
        [0, 1, 2],
        [0, 1, 2],
      ),
    );
    expect(r['ack-offsets']).toMatchObject({ valid: false, count: 3 });
  });

  it('flags readers that missed offsets below the recorded ends, and cannot judge coverage without them', () => {
    expect(
      byName(
        run(
          [
            ['producer-0', 0],
            ['producer-0', 1],
            ['producer-0', 2],
          ],
          [0, 2],
          [0, 1],
        ),
      )['consumer-coverage'],
    ).toMatchObject({ valid: false, count: 2 });
    expect(byName(run([['producer-0', 0]], [0], [0], false))['consumer-coverage']!.valid).toBe('unknown');
  });
});
