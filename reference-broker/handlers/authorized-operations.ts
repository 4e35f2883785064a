/**
 * Authorized-operation bitmasks (KIP-430) as Kafka computes them without an authorizer: every
 * operation the resource type supports is allowed, and the answer sets bit `1 << code` for each
 * (AclOperation codes: READ 3, WRITE 4, CREATE 5, DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
 * DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12). The reference broker has no ACLs, so
 * these are what it answers when a request asks for authorized operations.
 */

/** The value a response carries when authorized operations were not asked for (the schema default). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

const READ = 3;
const CREATE = 5;
const DELETE = 6;
const ALTER = 7;
const DESCRIBE = 8;
const CLUSTER_ACTION = 9;
const DESCRIBE_CONFIGS = 10;
const ALTER_CONFIGS = 11;
const IDEMPOTENT_WRITE = 12;

function mask(ops: readonly number[]): number {
  return ops.reduce((m, op) => m | (1 << op), 0);
}

/** A group: READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (group configs, KIP-848) = 3400. */
export const GROUP_OPERATIONS = mask([READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS]);

/** The cluster: CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE = 8096. */
export const CLUSTER_OPERATIONS = mask([
  CREATE,
  ALTER,
  DESCRIBE,
  CLUSTER_ACTION,
  DESCRIBE_CONFIGS,
  ALTER_CONFIGS,
  IDEMPOTENT_WRITE,
]);
