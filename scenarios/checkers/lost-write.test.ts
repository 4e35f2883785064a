import { describe, expect, it } from 'vitest';
import { checkLostWrites } from './lost-write.ts';
import { Builder, rec } from './test-support.ts';

describe('lost-write', () => {
  const a = rec(0, 'a');
  const b = rec(1, 'b');

  it('passes when every acknowledged write is read back', () => {
    const r = checkLostWrites(new Builder().send(0, a).send(0, b).reads([a, b]).ops);
    expect(r).toMatchObject({ valid: true, count: 0 });
  });

  it('flags an acknowledged write the final read lacks, with the ok op as witness', () => {
    const r = checkLostWrites(new Builder().send(0, a).send(0, b).reads([a]).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses).toEqual([expect.objectContaining({ type: 'ok', value: b })]);
  });

  it('never reports an info or failed send as lost', () => {
    const r = checkLostWrites(new Builder().send(0, a).send(0, b, 'info').send(0, rec(1, 'c'), 'fail').reads([a]).ops);
    expect(r.valid).toBe(true);
  });

  it('leaves out sends of aborted and unsettled transactions, not committed ones', () => {
    const b1 = new Builder()
      .send(0, a, 'ok', { txn: { id: 'x' } })
      .endTxn(0, 'x', 'abort')
      .send(0, b, 'ok', { txn: { id: 'y' } })
      .send(0, rec(2, 'c'), 'ok', { txn: { id: 'z' } })
      .endTxn(0, 'z', 'commit');
    expect(checkLostWrites(b1.reads([]).ops)).toMatchObject({ valid: false, count: 1 });
  });

  it('is unknown without a final read', () => {
    expect(checkLostWrites(new Builder().send(0, a).ops).valid).toBe('unknown');
  });

  it.each([
    [{ acks: 0 as const }, 'acks=0'],
    [{ acks: 1 as const, faults: true }, 'acks=1 under faults'],
    [{ acks: -1 as const, minInsyncReplicas: 1, faults: true }, 'min.insync.replicas=1'],
    [{ acks: -1 as const, minInsyncReplicas: 2, uncleanLeaderElection: true, faults: true }, 'unclean leader election'],
  ])('reports a loss the configuration allows as allowed (%o)', (config, reason) => {
    const r = checkLostWrites(new Builder().send(0, a).send(0, b).reads([a]).ops, config);
    expect(r).toMatchObject({ valid: true, allowed: true, count: 1 });
    expect(r.summary).toContain(reason);
    expect(r.witnesses).toHaveLength(1);
  });

  it.each([{ acks: 1 as const }, { acks: -1 as const, minInsyncReplicas: 2, replicationFactor: 3, faults: true }])(
    'does not allow a loss under %o',
    (config) => {
      expect(checkLostWrites(new Builder().send(0, a).reads([]).ops, config).valid).toBe(false);
    },
  );
});
