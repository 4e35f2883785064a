import { describe, expect, it } from 'vitest';
import { type AclBinding, AclOperation as Op, AclPermissionType, PatternType, ResourceType } from './acl-model.ts';
import { Authorizer } from './authorizer.ts';

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function acl(over: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: Op.READ,
    permissionType: AclPermissionType.ALLOW,
    ...over,
  };
}

function authorizer(acls: AclBinding[], superUsers: string[] = [], allowEveryoneIfNoAclFound = false) {
  return new Authorizer({ superUsers, allowEveryoneIfNoAclFound }, () => acls);
}

describe('Authorizer (StandardAuthorizer rules)', () => {
  it('allows what an ALLOW ACL names and denies what no ACL of a resource with ACLs allows', () => {
    const a = authorizer([acl({})]);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(a.authorize(bob, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
  });

  it('answers allow.everyone.if.no.acl.found for a resource without any ACL (default: deny)', () => {
    expect(authorizer([acl({})]).authorize(alice, Op.READ, ResourceType.TOPIC, 'other')).toBe(false);
    expect(authorizer([acl({})], [], true).authorize(bob, Op.READ, ResourceType.TOPIC, 'other')).toBe(true);
    // an ACL for someone else still counts as an ACL of the resource
    expect(authorizer([acl({})], [], true).authorize(bob, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
  });

  it('lets a DENY win over any ALLOW, including a wildcard or prefixed one', () => {
    const a = authorizer([
      acl({ principal: 'User:*', operation: Op.ALL }),
      acl({ resourceName: 'ord', patternType: PatternType.PREFIXED, permissionType: AclPermissionType.DENY }),
    ]);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(a.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(bob, Op.READ, ResourceType.TOPIC, 'orders')).toBe(true);
  });

  it('matches LITERAL by name or *, PREFIXED by prefix, and the resource type', () => {
    const a = authorizer([
      acl({ resourceName: '*' }),
      acl({ resourceName: 'pay', patternType: PatternType.PREFIXED, operation: Op.WRITE }),
      acl({ resourceType: ResourceType.GROUP, resourceName: 'g1' }),
    ]);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'anything')).toBe(true);
    expect(a.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'payments')).toBe(true);
    expect(a.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'pa')).toBe(false);
    expect(a.authorize(alice, Op.READ, ResourceType.GROUP, 'g1')).toBe(true);
    expect(a.authorize(alice, Op.READ, ResourceType.GROUP, 'g2')).toBe(false);
  });

  it('implies DESCRIBE from READ/WRITE/DELETE/ALTER and DESCRIBE_CONFIGS from ALTER_CONFIGS, for ALLOW only', () => {
    const a = authorizer([acl({ operation: Op.WRITE }), acl({ operation: Op.ALTER_CONFIGS })]);
    expect(a.authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(alice, Op.DESCRIBE_CONFIGS, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(alice, Op.CREATE, ResourceType.TOPIC, 'orders')).toBe(false);
    const denyRead = authorizer([
      acl({ principal: 'User:*', operation: Op.DESCRIBE }),
      acl({ permissionType: AclPermissionType.DENY }),
    ]);
    expect(denyRead.authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders')).toBe(true);
  });

  it('checks the host, and lets super users do anything', () => {
    const a = authorizer([acl({ host: '10.0.0.9' })], ['User:bob']);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(a.authorize({ ...alice, host: '10.0.0.9' }, Op.READ, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(bob, Op.DELETE, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorizeCluster(bob, Op.ALTER)).toBe(true);
    expect(a.authorizeCluster(alice, Op.ALTER)).toBe(false);
  });
});
