/**
 * Starting the target of a run: the entry point the runner, the commands and the tests import.
 * What each kind does is in its folder (reference/, kafka/, container/, external/), found
 * through the registry.
 */
import type { TargetSpec } from './registry.ts';
import type { StartedTarget as StartedTargetOf, TargetSpecBase } from './target-kind.ts';

export { startTarget } from './registry.ts';
export { TargetUnavailableError, type StartTargetOptions } from './target-kind.ts';

/** A started target; its spec one of the built-in kinds' unless said otherwise. */
export type StartedTarget<S extends TargetSpecBase = TargetSpec> = StartedTargetOf<S>;
