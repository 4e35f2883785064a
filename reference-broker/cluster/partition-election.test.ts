/**
 * One test per rule of the ELR-aware partition change (Kafka 4.4.0's PartitionChangeBuilder with
 * eligible leader replicas on, KIP-966).
 */
import { describe, expect, it } from 'vitest';
import type { PartitionRegistration } from './metadata-records.ts';
import { buildPartitionChange, effectiveMinIsr, NO_LEADER, type PartitionChangeRequest } from './partition-election.ts';

const reg = (over: Partial<PartitionRegistration> = {}): PartitionRegistration => ({
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
  leader: 1,
  leaderEpoch: 0,
  partitionEpoch: 0,
  elr: [],
  lastKnownElr: [],
  ...over,
});
const all = () => true;
const only =
  (...ids: number[]) =>
  (id: number) =>
    ids.includes(id);
const change = (r: PartitionRegistration, req: Partial<PartitionChangeRequest> & { targetIsr: number[] }) =>
  buildPartitionChange(r, { isEligible: all, unclean: false, minIsr: 2, ...req });

describe('partition change with eligible leader replicas (KIP-966)', () => {
  it('an ISR shrink below min.insync.replicas puts the replicas that left the ISR into the ELR', () => {
    expect(change(reg(), { targetIsr: [1], minIsr: 2 })).toEqual(reg({ isr: [1], elr: [2, 3], partitionEpoch: 1 }));
  });

  it('a shrink that stays at min.insync.replicas leaves the ELR empty', () => {
    expect(change(reg(), { targetIsr: [1, 2], minIsr: 2 })).toEqual(reg({ isr: [1, 2], partitionEpoch: 1 }));
  });

  it('the ELR keeps its members while the ISR stays short, and is cleared once the ISR is back at min.insync.replicas', () => {
    const short = change(reg(), { targetIsr: [1], minIsr: 3 })!;
    expect(short.elr).toEqual([2, 3]);
    const still = change(short, { targetIsr: [1, 2], minIsr: 3 })!;
    expect(still).toMatchObject({ isr: [1, 2], elr: [3] });
    expect(change(still, { targetIsr: [1, 2, 3], minIsr: 3 })).toMatchObject({
      isr: [1, 2, 3],
      elr: [],
      lastKnownElr: [],
    });
  });

  it('a replica that shut down uncleanly leaves the ELR and does not join it', () => {
    const short = change(reg(), { targetIsr: [1], minIsr: 3 })!;
    expect(change(short, { targetIsr: [1], minIsr: 3, uncleanShutdownReplicas: [3] })).toMatchObject({
      isr: [1],
      elr: [2],
    });
  });

  it('the ISR may become empty: the fenced last member goes to the ELR and is recorded as the last known leader', () => {
    const r = reg({ isr: [1] });
    expect(change(r, { targetIsr: [], isEligible: only(2, 3) })).toEqual(
      reg({ isr: [], leader: NO_LEADER, leaderEpoch: 1, partitionEpoch: 1, elr: [1], lastKnownElr: [1] }),
    );
  });

  it('with the ISR empty a leader is elected from the ELR; it becomes the ISR and leaves the ELR, and the last known leader is cleared', () => {
    const r = reg({ isr: [], leader: NO_LEADER, leaderEpoch: 1, elr: [1, 2], lastKnownElr: [1] });
    expect(change(r, { targetIsr: [], isEligible: only(2, 3) })).toEqual(
      reg({ isr: [2], leader: 2, leaderEpoch: 2, partitionEpoch: 1, elr: [1], lastKnownElr: [] }),
    );
  });

  it('an ELR member is not elected while the ISR has members (an ineligible ISR leaves the partition offline)', () => {
    const r = reg({ isr: [1], elr: [2] });
    expect(change(r, { targetIsr: [1], isEligible: only(2, 3) })).toMatchObject({
      leader: NO_LEADER,
      isr: [1],
      elr: [2],
    });
  });

  it('with ISR and ELR empty the last known leader is elected when it returns, as an unclean choice (the ISR becomes just it)', () => {
    const r = reg({ isr: [], leader: NO_LEADER, leaderEpoch: 1, elr: [], lastKnownElr: [3] });
    expect(change(r, { targetIsr: [], isEligible: only(1, 3) })).toMatchObject({
      leader: 3,
      isr: [3],
      elr: [],
      lastKnownElr: [],
      leaderEpoch: 2,
    });
    // not while it is away
    expect(change(r, { targetIsr: [], isEligible: only(1) })).toBeUndefined();
  });

  it('an unclean election clears the ELR', () => {
    const r = reg({ isr: [1], elr: [2] });
    expect(change(r, { targetIsr: [], isEligible: only(3), unclean: true })).toMatchObject({
      leader: 3,
      isr: [3],
      elr: [],
    });
  });

  it('with ELR off the ISR never becomes empty and no ELR is kept', () => {
    expect(change(reg({ isr: [1] }), { targetIsr: [], isEligible: only(2, 3), elrEnabled: false })).toEqual(
      reg({ isr: [1], leader: NO_LEADER, leaderEpoch: 1, partitionEpoch: 1 }),
    );
    expect(change(reg({ isr: [1, 2], elr: [3] }), { targetIsr: [1], minIsr: 3, elrEnabled: false })).toEqual(
      reg({ isr: [1], partitionEpoch: 1 }),
    );
  });

  it('nothing changes: no record', () => {
    expect(change(reg(), { targetIsr: [1, 2, 3] })).toBeUndefined();
  });

  it('effective min ISR: the topic config over the cluster default, capped at the replication factor', () => {
    expect(effectiveMinIsr({}, 2, 3)).toBe(2);
    expect(effectiveMinIsr({ 'min.insync.replicas': '3' }, 1, 3)).toBe(3);
    expect(effectiveMinIsr({ 'min.insync.replicas': '5' }, 1, 3)).toBe(3);
  });
});
