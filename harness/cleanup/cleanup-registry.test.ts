import { describe, expect, it } from 'vitest';
import { pendingCleanups, registerCleanup, runCleanups } from './cleanup-registry.ts';

describe('cleanup registry', () => {
  it('runs cleanups newest first, keeps going after a failure, and forgets unregistered ones', async () => {
    const order: string[] = [];
    registerCleanup('a', () => order.push('a'));
    const unregister = registerCleanup('b', () => order.push('b'));
    registerCleanup('c', () => {
      order.push('c');
      throw new Error('boom');
    });
    registerCleanup('d', async () => void order.push('d'));
    unregister();
    const logged: string[] = [];
    await runCleanups((l) => logged.push(l));
    expect(order).toEqual(['d', 'c', 'a']);
    expect(logged[0]).toContain("cleanup 'c' failed: boom");
    expect(pendingCleanups()).toBe(0);
  });
});
