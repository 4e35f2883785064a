import { describe, expect, it } from 'vitest';
import { checkDurability, DURABILITY_LANE, type DurabilityPlan } from './durability.ts';
import { SCENARIO_PROCESS } from './scenario-plan.ts';
import { Builder, rec } from './test-support.ts';

const plan: DurabilityPlan = {
  scenario: 'durability',
  replicationFactor: 3,
  minInsyncReplicas: 2,
  levels: ['acks=1'],
  faults: ['none'],
  skipped: [],
};

/** One lane (acks=1, no fault) whose two acknowledged records the final read returns `read`. */
function run(read: string[]): Builder {
  const b = new Builder().op(SCENARIO_PROCESS, DURABILITY_LANE, {}, 'ok', {
    level: 'acks=1',
    fault: 'none',
    process: 'p',
    topic: 't',
  });
  return b
    .send('p', rec(0, 'a'))
    .send('p', rec(1, 'b'))
    .reads(read.map((v, i) => rec(i, v)));
}

describe('durability', () => {
  it('tabulates the lanes recorded in the history; nothing lost', () => {
    const r = checkDurability(run(['a', 'b']).ops, plan);
    expect(r).toMatchObject({
      valid: true,
      count: 0,
      summary: '1 rows (1 acks levels × 1 faults); nothing acknowledged was lost',
    });
    expect(r.witnesses).toMatchObject([{ level: 'acks=1', fault: 'none', sent: 2, acked: 2, lost: 0 }]);
  });

  it('counts (and names) acknowledged records the final read lacks — a study: still valid', () => {
    expect(checkDurability(run(['a']).ops, plan)).toMatchObject({
      valid: true,
      count: 1,
      summary: expect.stringContaining('acks=1/none lost 1 of 2'),
    });
  });
});
