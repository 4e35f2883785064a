import { describe, expect, it } from 'vitest';
import { allowance } from './allowances.ts';
import { DEFAULT_CHECK_CONFIG, parseCheckConfig, resolveCheckConfig, type CheckConfig } from './config.ts';

const config = (c: Partial<CheckConfig>) => resolveCheckConfig(c);

describe('check config', () => {
  it('fills left-out fields with the defaults (acks=all, idempotent, no faults)', () => {
    expect(parseCheckConfig({})).toEqual(DEFAULT_CHECK_CONFIG);
    expect(parseCheckConfig({ acks: 'all', faults: true })).toMatchObject({ acks: -1, faults: true, idempotent: true });
    expect(parseCheckConfig({ acks: 1, minInsyncReplicas: 2, replicationFactor: 3 })).toMatchObject({
      acks: 1,
      minInsyncReplicas: 2,
      replicationFactor: 3,
    });
  });

  it.each([
    [[], 'JSON object'],
    [{ acks: 2 }, 'acks must be'],
    [{ ack: 1 }, "unknown check config field 'ack'"],
    [{ faults: 'yes' }, 'faults must be true or false'],
    [{ minInsyncReplicas: 0 }, 'minInsyncReplicas must be a whole number'],
    [{ transactional: true, idempotent: false }, 'transactional producers are idempotent'],
  ])('rejects %j, naming the problem', (json, message) => {
    expect(() => parseCheckConfig(json)).toThrow(message);
  });
});

describe('allowances', () => {
  it('allow nothing under the defaults', () => {
    for (const a of [
      'lost-write',
      'duplicate',
      'inconsistent-offsets',
      'nonmonotonic-send',
      'nonmonotonic-poll',
      'poll-skip',
    ] as const) {
      expect(allowance(DEFAULT_CHECK_CONFIG, a), a).toBeNull();
      expect(allowance(config({ faults: true, minInsyncReplicas: 2, replicationFactor: 3 }), a), a).toBeNull();
    }
  });

  it('let acks=0 lose writes always, acks=1 under faults only', () => {
    expect(allowance(config({ acks: 0 }), 'lost-write')).toContain('acks=0');
    expect(allowance(config({ acks: 1 }), 'lost-write')).toBeNull();
    expect(allowance(config({ acks: 1, faults: true }), 'lost-write')).toContain('acks=1');
  });

  it('let acks=all lose writes under faults only with min.insync.replicas < 2 or unclean election', () => {
    expect(allowance(config({ faults: true, minInsyncReplicas: 1, replicationFactor: 3 }), 'lost-write')).toContain(
      'min.insync.replicas=1',
    );
    expect(allowance(config({ faults: true, minInsyncReplicas: 2, replicationFactor: 3 }), 'lost-write')).toBeNull();
    expect(
      allowance(config({ faults: true, minInsyncReplicas: 2, uncleanLeaderElection: true }), 'lost-write'),
    ).toContain('unclean');
  });

  it('let offsets be reused and acks go backwards where writes may be lost', () => {
    expect(allowance(config({ acks: 1, faults: true }), 'inconsistent-offsets')).toContain('truncated');
    expect(allowance(config({ acks: 1, faults: true }), 'nonmonotonic-send')).not.toBeNull();
  });

  it('let non-idempotent producers duplicate and reorder their in-flight batches', () => {
    expect(allowance(config({ idempotent: false }), 'duplicate')).toContain('non-idempotent');
    expect(allowance(config({ idempotent: false }), 'nonmonotonic-send')).toContain('non-idempotent');
    expect(allowance(config({ idempotent: false }), 'lost-write')).toBeNull();
  });

  it('let consumers jump only under unclean election with faults', () => {
    expect(allowance(config({ uncleanLeaderElection: true }), 'poll-skip')).toBeNull();
    expect(allowance(config({ uncleanLeaderElection: true, faults: true }), 'nonmonotonic-poll')).toContain('unclean');
  });
});
