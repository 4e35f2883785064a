import { describe, expect, it } from 'vitest';
import {
  type AclBinding,
  type AclBindingFilter,
  AclOperation as Op,
  AclPermissionType as Perm,
  filterMatches,
  filterProblem,
  newAclProblem,
  normalizeBinding,
  PatternType,
  ResourceType,
} from './acl-model.ts';

const binding: AclBinding = {
  resourceType: ResourceType.TOPIC,
  resourceName: 'orders',
  patternType: PatternType.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permissionType: Perm.ALLOW,
};
const any: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: Op.ANY,
  permissionType: Perm.ANY,
};

describe('ACL filters (Kafka AclBindingFilter.matches)', () => {
  it('ANY matches everything, each field narrows', () => {
    expect(filterMatches(any, binding)).toBe(true);
    expect(filterMatches({ ...any, principal: 'User:bob' }, binding)).toBe(false);
    expect(filterMatches({ ...any, operation: Op.WRITE }, binding)).toBe(false);
    expect(filterMatches({ ...any, resourceType: ResourceType.GROUP }, binding)).toBe(false);
    expect(filterMatches({ ...any, resourceName: 'orders' }, binding)).toBe(true);
    expect(filterMatches({ ...any, resourceName: 'ord' }, binding)).toBe(false);
  });

  it('MATCH finds the literal, wildcard and prefixed bindings that apply to a name', () => {
    const match = { ...any, resourceName: 'orders-eu', patternType: PatternType.MATCH };
    expect(filterMatches(match, { ...binding, resourceName: 'orders-eu' })).toBe(true);
    expect(filterMatches(match, { ...binding, resourceName: '*' })).toBe(true);
    expect(filterMatches(match, { ...binding, resourceName: 'orders', patternType: PatternType.PREFIXED })).toBe(true);
    expect(filterMatches(match, binding)).toBe(false);
  });

  it('PREFIXED and LITERAL filters match only their own pattern type, by exact name', () => {
    const prefixed = { ...binding, patternType: PatternType.PREFIXED };
    expect(filterMatches({ ...any, patternType: PatternType.PREFIXED, resourceName: 'orders' }, prefixed)).toBe(true);
    expect(filterMatches({ ...any, patternType: PatternType.LITERAL, resourceName: 'orders' }, prefixed)).toBe(false);
  });
});

describe('ACL validation (AclApis, AclControlManager)', () => {
  it('gives Kafka’s messages for bindings it refuses', () => {
    expect(newAclProblem(binding)).toBeNull();
    expect(newAclProblem({ ...binding, resourceType: ResourceType.CLUSTER })).toBe(
      'The only valid name for the CLUSTER resource is kafka-cluster',
    );
    expect(newAclProblem({ ...binding, resourceName: '' })).toBe('Invalid empty resource name');
    expect(newAclProblem(normalizeBinding({ ...binding, resourceType: 99 }))).toBe('Invalid resourceType UNKNOWN');
    expect(newAclProblem(normalizeBinding({ ...binding, operation: 42 }))).toBe('Invalid operation UNKNOWN');
    expect(newAclProblem(normalizeBinding({ ...binding, permissionType: 9 }))).toBe('Invalid permissionType UNKNOWN');
    expect(newAclProblem(normalizeBinding({ ...binding, patternType: 9 }))).toBe('Invalid patternType UNKNOWN');
  });

  it('refuses a filter with unknown parts', () => {
    expect(filterProblem(any)).toBeNull();
    expect(filterProblem(normalizeBinding({ ...any, resourceType: 77 }))).toBe('Unknown patternFilter.');
    expect(filterProblem(normalizeBinding({ ...any, operation: 77 }))).toBe('Unknown entryFilter.');
  });
});
