import { describe, expect, it } from 'vitest';
import { selectScenarios } from './scenario-selection.ts';
import { CLUSTER_SCENARIOS, SCENARIOS } from '../../scenarios/index.ts';

describe('scenario selection', () => {
  it("leaves scenarios that need more nodes out of 'all', with a note, and keeps them on a cluster", () => {
    const notes: string[] = [];
    expect(selectScenarios('all', 1, (l) => notes.push(l)).map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    expect(notes).toEqual([
      "scenario failover left out of 'all': it needs --brokers 3 (this target has 1)",
      "scenario durability left out of 'all': it needs --brokers 3 (this target has 1)",
      "scenario under-min-isr left out of 'all': it needs --brokers 3 (this target has 1)",
    ]);
    expect(selectScenarios('all', 3).map((s) => s.name)).toEqual(
      [...SCENARIOS, ...CLUSTER_SCENARIOS].map((s) => s.name),
    );
  });
  it("leaves scenarios needing transactions out of 'all' on a target without them, with a note, but runs them when named", () => {
    const notes: string[] = [];
    const names = selectScenarios('all', 1, (l) => notes.push(l), { transactions: false }).map((s) => s.name);
    expect(names).not.toContain('txn-atomicity');
    expect(names).toContain('seed');
    expect(notes).toContain(
      "scenario txn-atomicity left out of 'all': it needs transactions, not supported by this target yet",
    );
    expect(selectScenarios('all', 1, () => {}, { transactions: true }).map((s) => s.name)).toContain('txn-atomicity');
    expect(selectScenarios('txn-atomicity', 1, () => {}, { transactions: false }).map((s) => s.name)).toEqual([
      'txn-atomicity',
    ]);
  });
  it("leaves the consumer-protocol scenario out of 'all' on a target without KIP-848 groups, with a note", () => {
    const notes: string[] = [];
    const names = selectScenarios('all', 1, (l) => notes.push(l), { consumerProtocol: false }).map((s) => s.name);
    expect(names).not.toContain('consumer-protocol');
    expect(names).toContain('txn-atomicity');
    expect(notes).toContain(
      "scenario consumer-protocol left out of 'all': it needs consumer-protocol, not supported by this target yet",
    );
    expect(selectScenarios('all', 1).map((s) => s.name)).toContain('consumer-protocol');
  });
  it('names cluster scenarios explicitly only with enough brokers', () => {
    expect(selectScenarios('failover,durability', 3).map((s) => s.name)).toEqual(['failover', 'durability']);
    expect(() => selectScenarios('seed,failover', 1)).toThrow(/failover needs --brokers 3 \(asked for 1\)/);
    expect(() => selectScenarios('nope', 3)).toThrow(/unknown scenario\(s\) nope; available: .*failover, durability/);
  });
});
