/**
 * The checks Kafka 4.4's broker makes on AlterConfigs and IncrementalAlterConfigs before it
 * forwards topic changes to the controller (ConfigAdminManager.preprocess): a resource named
 * twice, a key named twice, null values, the broker resource's name, unknown resource types.
 * Broker configs cannot be changed on the reference broker (no dynamic broker configs): every
 * change is refused the way Kafka refuses a read-only one.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ConfigOp } from '../topics/config-ops.ts';
import { parseJavaInt, ResourceType } from './config-resource.ts';

/** One resource of either request, as far as the checks go. */
export interface AlterResource {
  resourceType: number;
  resourceName: string;
  configs: { name: string; value: string | null; configOperation?: number }[];
}

/** A Kafka error for a resource. */
export interface ResourceError {
  errorCode: number;
  errorMessage: string | null;
}

const invalid = (errorMessage: string): ResourceError => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });

/**
 * The error of each resource the broker refuses before the controller sees it (by index), in
 * Kafka's order. Resources without an entry are topic resources for the controller.
 */
export function preprocessAlterConfigs(
  resources: readonly AlterResource[],
  nodeId: number,
  incremental: boolean,
): Map<number, ResourceError> {
  const errors = new Map<number, ResourceError>();
  const seen = new Map<string, number>();
  for (const [i, r] of resources.entries()) {
    const key = `${r.resourceType}\u0000${r.resourceName}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.set(first, invalid('Each resource must appear at most once.'));
      errors.set(i, invalid('Each resource must appear at most once.'));
    } else seen.set(key, i);
  }
  for (const [i, r] of resources.entries()) {
    if (errors.has(i)) continue;
    const problem = resourceProblem(r, nodeId, incremental);
    if (problem) errors.set(i, problem);
  }
  return errors;
}

function resourceProblem(r: AlterResource, nodeId: number, incremental: boolean): ResourceError | null {
  const names = r.configs.map((c) => c.name);
  if (new Set(names).size !== names.length) return invalid('Error due to duplicate config keys');
  const nulls = r.configs
    .filter((c) => c.value === null && !(incremental && c.configOperation === ConfigOp.DELETE))
    .map((c) => c.name);
  if (nulls.length > 0) return invalid(`Null value not supported for : ${nulls.join(', ')}`);
  switch (r.resourceType) {
    case ResourceType.TOPIC:
      return null;
    case ResourceType.BROKER: {
      if (r.resourceName !== '') {
        const id = parseJavaInt(r.resourceName);
        if (id === undefined) return invalid(`Node id must be an integer, but it is: ${r.resourceName}`);
        if (id !== nodeId) return invalid(`Unexpected broker id, expected ${nodeId}, but received ${r.resourceName}`);
      }
      const badOp = incremental ? r.configs.find((c) => !isKnownOp(c.configOperation)) : undefined;
      if (badOp) return invalid(`Unknown operations type ${badOp.configOperation}`);
      if (r.configs.length === 0) return { errorCode: ErrorCode.NONE, errorMessage: null };
      return invalid(`Cannot update these configs dynamically: [${names.join(', ')}]`);
    }
    case ResourceType.BROKER_LOGGER:
    case ResourceType.CLIENT_METRICS:
    case ResourceType.GROUP:
      // not served (SKIPPED_FEATURES.md): answered as Kafka answers a type it does not handle
      return invalid(`Unknown resource type ${r.resourceType}`);
    default:
      return invalid(`Unknown resource type ${r.resourceType}`);
  }
}

function isKnownOp(op: number | undefined): boolean {
  return op === ConfigOp.SET || op === ConfigOp.DELETE || op === ConfigOp.APPEND || op === ConfigOp.SUBTRACT;
}
