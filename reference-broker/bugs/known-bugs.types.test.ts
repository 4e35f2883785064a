/**
 * Type-level checks (tsc runs them; at run time they do nothing): a bug name is one of the known
 * bugs, so a typo fails to compile instead of silently switching no bug on. Each
 * `@ts-expect-error` line fails `npx tsc --noEmit` the day it compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { type BugName, BugSwitch } from './known-bugs.ts';

// Never called: only compiled.
function bugs(): void {
  new BugSwitch(['stale-read']).strikes('skip-offset');
  // @ts-expect-error a typo in a bug name
  new BugSwitch(['stale-reads']);
  // @ts-expect-error a typo in a bug name
  new BugSwitch([]).has('drop-acked-writes');
}

describe('bug names', () => {
  it('are the known bugs, nothing else', () => {
    expectTypeOf<'stale-read'>().toExtend<BugName>();
    expectTypeOf<'stale-reads'>().not.toExtend<BugName>();
    expectTypeOf(bugs).toBeFunction();
  });
});
