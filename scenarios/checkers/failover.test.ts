import { describe, expect, it } from 'vitest';
import { CATCH_UP, checkFailover, FAILOVER_STEP, REPLICATION_PROBE, type FailoverPlan } from './failover.ts';
import { SCENARIO_PROCESS } from './scenario-plan.ts';
import { Builder, rec } from './test-support.ts';

const plan: FailoverPlan = { scenario: 'failover', topic: 't', producers: ['producer-a'], assigned: 'assigned-reader' };

/** A failover run: one fault, a send, then the recovery ops with `recovered` / `caughtUp`. */
function run(
  o: { recovered?: boolean; caughtUp?: boolean; beyondLog?: boolean; crash?: string; restarts?: number } = {},
): Builder {
  const b = new Builder().op(SCENARIO_PROCESS, FAILOVER_STEP, { kind: 'kill-leader' }, 'ok', {
    kind: 'kill-leader',
    nodes: [1],
    applied: true,
  });
  b.op(SCENARIO_PROCESS, FAILOVER_STEP, { kind: 'partition-leader' }, 'ok', {
    kind: 'partition-leader',
    nodes: [],
    applied: false,
    reason: 'no netns',
  });
  b.send('producer-a', rec(0, 'a')).poll('assigned-reader', [rec(0, 'a')]);
  if (o.beyondLog)
    b.op('assigned-reader', 'poll', { topic: 't', partition: 0, offset: 1 }, 'fail', {
      topic: 't',
      partition: 0,
      offset: 1,
      errorCode: 1,
    });
  b.op(SCENARIO_PROCESS, REPLICATION_PROBE, { topic: 't' }, 'ok', { topic: 't', fullyReplicated: o.recovered ?? true });
  b.op(SCENARIO_PROCESS, CATCH_UP, { topic: 't' }, 'ok', {
    topic: 't',
    caughtUp: o.caughtUp ?? true,
    ends: { 0: 1 },
    assigned: { 0: 1 },
    readerErrors: { io: 2 },
    subscriber: {
      positions: { 0: o.caughtUp === false ? 0 : 1 },
      assignment: [0],
      restarts: o.restarts ?? 0,
      ...(o.crash ? { crash: o.crash } : {}),
    },
  });
  return b.reads([rec(0, 'a')]);
}
const byName = (b: Builder) => Object.fromEntries(checkFailover(b.ops, plan).map((c) => [c.checker, c]));

describe('failover', () => {
  it('reports the faults applied and skipped, and passes a recovered cluster', () => {
    const r = byName(run());
    expect(r['failover-faults']).toMatchObject({
      valid: true,
      count: 1,
      summary: 'applied kill-leader ×1; skipped partition-leader: no netns; 1 of 1 records acknowledged',
    });
    expect(r.recovery).toMatchObject({ valid: true, count: 0 });
    expect(r['assigned-reader']).toMatchObject({
      valid: true,
      count: 0,
      summary: expect.stringContaining('failover errors met: connection lost ×2'),
    });
  });

  it('fails recovery when a partition stayed under-replicated or a consumer never reached the end', () => {
    expect(byName(run({ recovered: false })).recovery).toMatchObject({ valid: false, count: 1 });
    expect(byName(run({ recovered: false, caughtUp: false })).recovery).toMatchObject({ valid: false, count: 2 });
  });

  it('names the consumer that stopped short, where, and why kafkajs gave up on it', () => {
    const r = byName(run({ caughtUp: false, crash: 'Connection error: ECONNREFUSED' })).recovery!;
    expect(r.summary).toContain(
      'the group subscriber at p0 0 of 1 (assignment [0], 0 restarts, crashed: Connection error: ECONNREFUSED)',
    );
    expect(r.summary).not.toContain('assigned reader');
    expect(r.witnesses).toHaveLength(1);
  });

  it('says how often the group subscriber had to be started again', () => {
    expect(byName(run({ restarts: 2 })).recovery).toMatchObject({
      valid: true,
      summary: expect.stringContaining('the group subscriber was started again 2× after kafkajs gave up on it'),
    });
    expect(byName(run()).recovery!.summary).not.toContain('started again');
  });

  it('fails assigned-reader when the reader was told its position is beyond the log', () => {
    expect(byName(run({ beyondLog: true }))['assigned-reader']).toMatchObject({ valid: false, count: 1 });
  });

  it('cannot decide recovery when the run ended before it was observed', () => {
    const b = new Builder().send('producer-a', rec(0, 'a')).reads([rec(0, 'a')]);
    expect(byName(b).recovery!.valid).toBe('unknown');
  });
});
