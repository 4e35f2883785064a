import { describe, expect, it } from 'vitest';
import { ACKS0_PROBE, checkAckLevels, MIN_ISR_PROCESS, NOT_ENOUGH_REPLICAS, type AckLevelsPlan } from './ack-levels.ts';
import { Builder, rec } from './test-support.ts';

const plan = (cap: AckLevelsPlan['cap']): AckLevelsPlan => ({
  scenario: 'ack-levels',
  topic: 't',
  minIsrTopic: 'm',
  cap,
  noResponseWaitMs: 500,
});
const byName = (b: Builder, cap: AckLevelsPlan['cap'] = 'capped') =>
  Object.fromEntries(checkAckLevels(b.ops, plan(cap)).map((c) => [c.checker, c]));

/** A healthy run: acks=1 and acks=all answered with offsets, the probe unanswered, both min-ISR sends answered `acksAllCode`. */
function run(o: { answered?: boolean; acksAllCode?: number; unanswered?: boolean } = {}): Builder {
  const b = new Builder()
    .send('acks1-raw', { ...rec(0, 'a'), ms: 1 } as never)
    .send('acksall-kafkajs', { ...rec(1, 'b'), ms: 2 } as never, o.unanswered ? 'info' : 'ok');
  b.op(ACKS0_PROBE, 'send', { topic: 't', partition: 0, key: 'acks=0', value: 'p', acks: 0 }, 'info', {
    topic: 't',
    partition: 0,
    acks: 0,
    answered: o.answered ?? false,
    detail: o.answered ? 'answered: {}' : 'timed out',
  });
  b.op(MIN_ISR_PROCESS[1], 'send', { topic: 'm', partition: 0, key: 'acks=1', value: 'x' }, 'ok', {
    topic: 'm',
    partition: 0,
    offset: 0,
    key: 'acks=1',
    value: 'x',
    errorCode: 0,
  });
  const code = o.acksAllCode ?? 0;
  if (code === 0)
    b.op(MIN_ISR_PROCESS[-1], 'send', { topic: 'm', partition: 0, key: 'acks=-1', value: 'y' }, 'ok', {
      topic: 'm',
      partition: 0,
      offset: 1,
      key: 'acks=-1',
      value: 'y',
      errorCode: 0,
    });
  else
    b.op(MIN_ISR_PROCESS[-1], 'send', { topic: 'm', partition: 0, key: 'acks=-1', value: 'y' }, 'fail', {
      topic: 'm',
      partition: 0,
      errorCode: code,
    });
  return b.reads([rec(0, 'a'), rec(1, 'b')]);
}

describe('ack-levels', () => {
  it('passes a run where every acks=1/all send got an offset, the probe no answer, and min ISR is capped', () => {
    const r = byName(run());
    expect(r['ack-answers']).toMatchObject({ valid: true, count: 0 });
    expect(r['acks0-no-response']).toMatchObject({ valid: true, count: 0 });
    expect(r['min-insync-replicas']).toMatchObject({ valid: true, summary: expect.stringContaining('both succeed') });
  });

  it('flags an acks=all send without an answer on a healthy node, and a broker that answers acks=0', () => {
    expect(byName(run({ unanswered: true }))['ack-answers']).toMatchObject({ valid: false, count: 1 });
    expect(byName(run({ answered: true }))['acks0-no-response']).toMatchObject({
      valid: false,
      witnesses: [{ probe: 'answered: {}' }],
    });
  });

  it('judges min.insync.replicas by the Kafka generation in the plan', () => {
    expect(byName(run({ acksAllCode: NOT_ENOUGH_REPLICAS }))['min-insync-replicas']!.valid).toBe(false);
    expect(byName(run({ acksAllCode: NOT_ENOUGH_REPLICAS }), 'uncapped')['min-insync-replicas']!.valid).toBe(true);
    expect(byName(run(), 'uncapped')['min-insync-replicas']!.valid).toBe(false);
    expect(byName(run({ acksAllCode: NOT_ENOUGH_REPLICAS }), 'either')['min-insync-replicas']!.valid).toBe(true);
  });
});
