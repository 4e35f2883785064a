/**
 * ACL bindings and binding filters as Kafka's clients library defines them
 * (org.apache.kafka.common.acl / .resource): the wire codes of resource types, pattern types,
 * operations and permission types, how a filter matches a binding (ResourcePatternFilter and
 * AccessControlEntryFilter.matches), and the checks Kafka 4.4's AclControlManager makes before
 * storing a binding or deleting by a filter. Pure: no state, no I/O.
 */

/** ResourceType codes. A code Kafka does not know reads as UNKNOWN (ResourceType.fromCode). */
export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

/** PatternType codes: LITERAL and PREFIXED are stored; ANY and MATCH only filter. */
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

/** AclOperation codes. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

/** AclPermissionType codes. */
export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The one name a CLUSTER resource may have (Kafka's CLUSTER_NAME). */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL resource name, principal name or host that matches any (Kafka's WILDCARD_RESOURCE). */
export const WILDCARD = '*';

function nameOf(table: Record<string, number>, code: number): string {
  return Object.keys(table).find((k) => table[k] === code) ?? 'UNKNOWN';
}

/** Kafka's fromCode: a code outside the enum reads as UNKNOWN (0). */
function known(table: Record<string, number>, code: number): number {
  return Object.values(table).includes(code) ? code : 0;
}

export const resourceTypeName = (code: number): string => nameOf(ResourceType, code);
export const patternTypeName = (code: number): string => nameOf(PatternType, code);
export const operationName = (code: number): string => nameOf(AclOperation, code);
export const permissionTypeName = (code: number): string => nameOf(AclPermissionType, code);

/** One ACL: a resource pattern and an access-control entry (Kafka's AclBinding). */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** What to match (Kafka's AclBindingFilter); null names, principals and hosts match any. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

/** The same binding with unknown codes read as UNKNOWN, as Kafka parses the request. */
export function normalizeBinding<T extends AclBinding | AclBindingFilter>(b: T): T {
  return {
    ...b,
    resourceType: known(ResourceType, b.resourceType),
    patternType: known(PatternType, b.patternType),
    operation: known(AclOperation, b.operation),
    permissionType: known(AclPermissionType, b.permissionType),
  };
}

/** Kafka's ResourcePatternFilter.matches. */
function patternMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType)
    return false;
  if (f.resourceName === null) return true;
  if (f.patternType === PatternType.ANY || f.patternType === b.patternType) return f.resourceName === b.resourceName;
  // MATCH: the bindings that would apply to a resource named f.resourceName
  if (b.patternType === PatternType.LITERAL) return f.resourceName === b.resourceName || b.resourceName === WILDCARD;
  return f.resourceName.startsWith(b.resourceName);
}

/** Kafka's AclBindingFilter.matches: the pattern filter and the entry filter both match. */
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (!patternMatches(f, b)) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  return f.permissionType === AclPermissionType.ANY || f.permissionType === b.permissionType;
}

/** Two bindings are the same ACL (Kafka stores each once). */
export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}

/**
 * Why a binding (normalized) cannot be created, as Kafka answers INVALID_REQUEST: first the
 * broker's AclApis checks (the CLUSTER name, an empty name), then AclControlManager.validateNewAcl
 * (resource type, pattern type, operation, permission type, empty name). Null: it can be stored.
 */
export function newAclProblem(b: AclBinding): string | null {
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME)
    return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`;
  if (b.resourceName === '') return 'Invalid empty resource name';
  if (b.resourceType === ResourceType.UNKNOWN) return `Invalid resourceType ${resourceTypeName(b.resourceType)}`;
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED)
    return `Invalid patternType ${patternTypeName(b.patternType)}`;
  if (b.operation === AclOperation.UNKNOWN) return `Invalid operation ${operationName(b.operation)}`;
  if (b.permissionType !== AclPermissionType.ALLOW && b.permissionType !== AclPermissionType.DENY)
    return `Invalid permissionType ${permissionTypeName(b.permissionType)}`;
  return null;
}

/**
 * True when Kafka cannot even build the binding (ResourcePattern refuses resource type ANY and
 * pattern types ANY and MATCH, AccessControlEntry operation ANY and permission type ANY): its
 * request handler fails and every creation of the request answers UNKNOWN_SERVER_ERROR.
 */
export function unbuildableBinding(b: AclBinding): boolean {
  return (
    b.resourceType === ResourceType.ANY ||
    b.patternType === PatternType.ANY ||
    b.patternType === PatternType.MATCH ||
    b.operation === AclOperation.ANY ||
    b.permissionType === AclPermissionType.ANY
  );
}

/** Why a (normalized) filter cannot delete, as AclControlManager.validateFilter answers INVALID_REQUEST; null: fine. */
export function filterProblem(f: AclBindingFilter): string | null {
  if (f.resourceType === ResourceType.UNKNOWN || f.patternType === PatternType.UNKNOWN) return 'Unknown patternFilter.';
  if (f.operation === AclOperation.UNKNOWN || f.permissionType === AclPermissionType.UNKNOWN)
    return 'Unknown entryFilter.';
  return null;
}

/**
 * True when a request field holds UNKNOWN (code 0) itself: Kafka's request classes refuse to
 * parse such a CreateAcls, DescribeAcls or DeleteAcls and the broker closes the connection.
 */
export function hasUnknownCode(b: {
  resourceType: number;
  patternType: number;
  operation: number;
  permissionType: number;
}): boolean {
  return b.resourceType === 0 || b.patternType === 0 || b.operation === 0 || b.permissionType === 0;
}
