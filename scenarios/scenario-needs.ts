import { kindOf } from '../harness/targets/registry.ts';
import { recordNotRun } from './plan-ops.ts';
import type { ScenarioContext } from './scenario.ts';

/** The words a scenario's not-run reason opens with when the target lacks something it needs (checkers and reports match on them). */
export const NOT_SUPPORTED_YET = 'not supported by this target yet';

/**
 * Undefined when the target can run transactions; otherwise a function that records why the
 * scenario does not run (its verdict is then unknown: "not supported by this target yet").
 */
export function transactionsUnsupported(ctx: ScenarioContext): (() => void) | undefined {
  const kind = kindOf(ctx.target.spec);
  if (kind.capabilities.transactions !== false) return undefined;
  return () => {
    const reason = `${NOT_SUPPORTED_YET}: transactions (the ${kind.name} target refuses a transactional InitProducerId)`;
    ctx.progress(`${reason}; nothing was run`);
    recordNotRun(ctx.history, reason);
  };
}
