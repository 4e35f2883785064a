/**
 * The checks `run`, `compare` and `replay` share for faults on external@ targets: `--node-control`
 * is only for external targets, and a fault an external target cannot do (with the commands given)
 * is exit 2 with one line before anything starts, not a fault quietly left out of the schedule.
 */
import type { FaultFamily } from '../../harness/nemesis/fault-schedule.ts';
import { externalFaultProblem } from '../../harness/nemesis/external-faults.ts';
import { parseNodeControl, type NodeCommands } from '../../harness/nemesis/node-commands.ts';
import { kindOf, kindsWith, type TargetSpec } from '../../harness/targets/target-spec.ts';
import { usageError } from './exit-codes.ts';

/** Whether the target's process faults go through the owner's commands (external@: kconform did not start it). */
export const takesNodeControl = (spec: TargetSpec): boolean => kindOf(spec).capabilities.nodeControl;

/**
 * Parses `--node-control` for the targets of a command.
 *
 * @throws CliError (exit 2) when none of `specs` is external, or on a malformed value
 */
export function parseNodeControlOption(
  value: string | undefined,
  specs: readonly TargetSpec[],
): NodeCommands | undefined {
  if (value === undefined) return undefined;
  if (!specs.some(takesNodeControl))
    throw usageError(
      `--node-control is for ${kindsWith('nodeControl')
        .map((k) => k.syntax)
        .join(', ')} targets (kconform controls the processes of the targets it starts)`,
    );
  try {
    return parseNodeControl(value);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

/**
 * Refuses `faults` that an external target among `specs` cannot do with `nodeControl`.
 *
 * @param where prefixed to the reason (e.g. the run directory a replay reads), when set
 * @throws CliError (exit 2) with {@link externalFaultProblem}'s one line
 */
export function refuseImpossibleExternalFaults(
  faults: readonly FaultFamily[],
  specs: readonly TargetSpec[],
  nodeControl: NodeCommands | undefined,
  where?: string,
): void {
  if (!specs.some(takesNodeControl)) return;
  const problem = externalFaultProblem(faults, nodeControl);
  if (problem) throw usageError(where ? `${where}: ${problem}` : problem);
}
