/**
 * The authorizer: Kafka 4.4's StandardAuthorizer (StandardAuthorizerData.authorize) over the ACLs
 * of the cluster metadata. A super user may do anything; otherwise the ACLs that apply to the
 * resource (LITERAL with its name or `*`, PREFIXED with a prefix of its name) and to the principal
 * (its own or `User:*`) and host (its own or `*`) decide: any DENY wins over every ALLOW; an ALLOW
 * of READ, WRITE, DELETE or ALTER also allows DESCRIBE, and one of ALTER_CONFIGS allows
 * DESCRIBE_CONFIGS (ALLOW only); ALL is every operation. When no ACL applies to the resource at
 * all (whatever its principal) the answer is `allow.everyone.if.no.acl.found` (default false);
 * when some do but none matches, DENY.
 */
import {
  type AclBinding,
  AclOperation,
  AclPermissionType,
  CLUSTER_NAME,
  PatternType,
  ResourceType,
  WILDCARD,
} from './acl-model.ts';

/** The authorizer settings of a broker (Kafka's `authorizer.class.name` set, `super.users`, `allow.everyone.if.no.acl.found`). */
export interface AuthorizerConfig {
  /** Principals allowed everything, as `User:NAME` (Kafka's `super.users`, `;`-separated). */
  superUsers: readonly string[];
  /** allow.everyone.if.no.acl.found: a resource without any ACL is open to all. Kafka's default: false. */
  allowEveryoneIfNoAclFound: boolean;
}

/** The authorizer class names Kafka 4.4 accepts for this (the KRaft one; AclAuthorizer was removed with ZooKeeper). */
export const STANDARD_AUTHORIZER_CLASS = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

/** Who asks: the session's principal (`User:alice`, `User:ANONYMOUS` without SASL) and its address. */
export interface RequestPrincipal {
  principal: string;
  host: string;
}

const IMPLIES_DESCRIBE: readonly number[] = [
  AclOperation.DESCRIBE,
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.DELETE,
  AclOperation.ALTER,
];
const IMPLIES_DESCRIBE_CONFIGS: readonly number[] = [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS];

function appliesToResource(acl: AclBinding, resourceType: number, name: string): boolean {
  if (acl.resourceType !== resourceType) return false;
  if (acl.patternType === PatternType.LITERAL) return acl.resourceName === name || acl.resourceName === WILDCARD;
  return acl.patternType === PatternType.PREFIXED && name.startsWith(acl.resourceName);
}

/** Kafka's StandardAuthorizerData.findResult: null when the ACL does not match the principal, host or operation. */
function resultOf(acl: AclBinding, who: RequestPrincipal, operation: number): 'allow' | 'deny' | null {
  if (acl.principal !== who.principal && acl.principal !== 'User:*') return null;
  if (acl.host !== WILDCARD && acl.host !== who.host) return null;
  const allow = acl.permissionType === AclPermissionType.ALLOW;
  if (acl.operation !== AclOperation.ALL) {
    if (allow && operation === AclOperation.DESCRIBE) {
      if (!IMPLIES_DESCRIBE.includes(acl.operation)) return null;
    } else if (allow && operation === AclOperation.DESCRIBE_CONFIGS) {
      if (!IMPLIES_DESCRIBE_CONFIGS.includes(acl.operation)) return null;
    } else if (acl.operation !== operation) return null;
  }
  return allow ? 'allow' : 'deny';
}

/** Decides whether a principal may perform an operation on a resource, from the current ACLs. */
export class Authorizer {
  readonly config: AuthorizerConfig;
  readonly #acls: () => readonly AclBinding[];

  /** `acls` gives the ACLs as this node last applied them from the metadata log. */
  constructor(config: AuthorizerConfig, acls: () => readonly AclBinding[]) {
    this.config = config;
    this.#acls = acls;
  }

  /** True if `who` may perform `operation` on the LITERAL resource `resourceType`/`name`. */
  authorize(who: RequestPrincipal, operation: number, resourceType: number, name: string): boolean {
    if (this.config.superUsers.includes(who.principal)) return true;
    let anyForResource = false;
    let allowed = false;
    for (const acl of this.#acls()) {
      if (!appliesToResource(acl, resourceType, name)) continue;
      anyForResource = true;
      const r = resultOf(acl, who, operation);
      if (r === 'deny') return false;
      if (r === 'allow') allowed = true;
    }
    if (allowed) return true;
    return anyForResource ? false : this.config.allowEveryoneIfNoAclFound;
  }

  /** {@link authorize} on the cluster resource. */
  authorizeCluster(who: RequestPrincipal, operation: number): boolean {
    return this.authorize(who, operation, ResourceType.CLUSTER, CLUSTER_NAME);
  }
}
