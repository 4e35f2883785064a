import { describe, expect, it } from 'vitest';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import { rec, Builder } from './test-support.ts';
import { checkUnderMinIsr, ISR_OBSERVATION } from './under-min-isr.ts';

const isr = (b: Builder, members: number[], minIsr = 3) =>
  b.op('isr-observer', ISR_OBSERVATION, { topic: 't', partition: 0 }, 'ok', {
    topic: 't',
    partition: 0,
    leader: 1,
    isr: members,
    minIsr,
  });
const fault = (b: Builder, fault: string) => b.op(NEMESIS, NEMESIS, { fault, node: 3 }, 'ok', { fault, node: 3 });

/** Writes at offsets 0-1 in sync, the ISR shrinks, 2-3 are acknowledged, a read, then the follower returns. */
function history(readUnderMin: ReturnType<typeof rec>[], readAfter: ReturnType<typeof rec>[] | null): Builder {
  const b = new Builder();
  b.send('w', rec(0, 'a')).send('w', rec(1, 'b'));
  fault(b, 'pause');
  isr(b, [1, 2]);
  b.send('w', rec(2, 'c')).send('w', rec(3, 'd'));
  b.poll('r', readUnderMin);
  fault(b, 'resume');
  isr(b, [1, 2, 3]);
  if (readAfter) b.poll('r', readAfter);
  return b;
}

describe('under-min-isr checker (strict min ISR, KIP-966)', () => {
  it("valid: records acknowledged under min ISR are invisible until the ISR recovers, visible after (Kafka 4.x's behaviour)", () => {
    const r = checkUnderMinIsr(history([], [rec(0, 'a'), rec(1, 'b'), rec(2, 'c'), rec(3, 'd')]).ops);
    expect(r.valid).toBe(true);
    expect(r.summary).toMatch(/^2 record\(s\) acknowledged at acks=1/);
  });

  it('invalid: a read under min ISR returns a record acknowledged there (the high watermark advanced under min ISR)', () => {
    const r = checkUnderMinIsr(history([rec(2, 'c')], [rec(0, 'a'), rec(1, 'b'), rec(2, 'c'), rec(3, 'd')]).ops);
    expect(r.valid).toBe(false);
    expect(r.count).toBe(1);
    expect(r.witnesses[0]).toMatchObject({ record: rec(2, 'c'), isr: [1, 2], minIsr: 3 });
  });

  it('records written before the ISR shrank may be read while it is short', () => {
    expect(
      checkUnderMinIsr(history([rec(0, 'a'), rec(1, 'b')], [rec(0, 'a'), rec(1, 'b'), rec(2, 'c'), rec(3, 'd')]).ops)
        .valid,
    ).toBe(true);
  });

  it('invalid: a record acknowledged under min ISR that no read after the recovery returns', () => {
    const r = checkUnderMinIsr(history([], [rec(0, 'a'), rec(1, 'b'), rec(2, 'c')]).ops);
    expect(r.valid).toBe(false);
    expect(r.summary).toMatch(/1 of 2 record\(s\) acknowledged under min ISR never became visible/);
  });

  it('a read after a fault came or went is outside the window (the ISR may be changing)', () => {
    const b = history([], [rec(0, 'a'), rec(1, 'b'), rec(2, 'c'), rec(3, 'd')]);
    // the same read again, but after the resume and before the recovery was observed: not judged as under min ISR
    const ops = b.ops;
    const c = new Builder();
    c.send('w', rec(0, 'a'));
    fault(c, 'pause');
    isr(c, [1, 2]);
    c.send('w', rec(1, 'b'));
    fault(c, 'resume');
    c.poll('r', [rec(1, 'b')]);
    isr(c, [1, 2, 3]);
    c.poll('r', [rec(0, 'a'), rec(1, 'b')]);
    expect(checkUnderMinIsr(c.ops).valid).toBe(true);
    expect(checkUnderMinIsr(ops).valid).toBe(true);
  });

  it('unknown: the ISR never seen below min.insync.replicas, nothing acknowledged there, or no read after the recovery', () => {
    const none = new Builder();
    isr(none, [1, 2, 3]);
    none.send('w', rec(0, 'a')).poll('r', [rec(0, 'a')]);
    expect(checkUnderMinIsr(none.ops)).toMatchObject({
      valid: 'unknown',
      summary: 'the history never shows the ISR below min.insync.replicas',
    });
    const noAck = new Builder();
    isr(noAck, [1, 2]);
    noAck.poll('r', []);
    expect(checkUnderMinIsr(noAck.ops).valid).toBe('unknown');
    expect(checkUnderMinIsr(history([], null).ops).valid).toBe('unknown');
  });
});
