import { describe, expect, it } from 'vitest';
import { BugSwitch } from './known-bugs.ts';

describe('BugSwitch', () => {
  it('strikes every n-th occasion of an active bug only', () => {
    const s = new BugSwitch(['reorder-batches']);
    const hits = Array.from({ length: 6 }, () => s.strikes('reorder-batches'));
    expect(hits.filter(Boolean).length).toBe(3);
    expect(s.strikes('drop-acked-write')).toBe(false);
  });
  it('refuses unknown bugs naming the known ones (a guard for untyped callers: typed ones do not compile)', () => {
    // @ts-expect-error 'nope' is no BugName
    expect(() => new BugSwitch(['nope'])).toThrow(/known bugs: drop-acked-write/);
  });
});
