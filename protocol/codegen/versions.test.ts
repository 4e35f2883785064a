import { describe, expect, it } from 'vitest';
import { MAX_VERSION, fmt, intersect, isEmpty, parseVersions, subtract, versionCondition } from './versions.ts';

describe('versions', () => {
  it('parses the spec forms', () => {
    expect(parseVersions('3-13')).toEqual({ lo: 3, hi: 13 });
    expect(parseVersions('9+')).toEqual({ lo: 9, hi: MAX_VERSION });
    expect(parseVersions('0')).toEqual({ lo: 0, hi: 0 });
    expect(isEmpty(parseVersions('none'))).toBe(true);
    expect(isEmpty(parseVersions(undefined))).toBe(true);
    expect(() => parseVersions('1,2')).toThrow();
  });

  it('intersects and subtracts', () => {
    expect(intersect(parseVersions('0+'), parseVersions('3-5'))).toEqual({ lo: 3, hi: 5 });
    expect(isEmpty(intersect(parseVersions('0-2'), parseVersions('3+')))).toBe(true);
    expect(subtract(parseVersions('0+'), parseVersions('3+'))).toEqual({ lo: 0, hi: 2 });
    expect(isEmpty(subtract(parseVersions('3+'), parseVersions('0+')))).toBe(true);
    expect(fmt(parseVersions('4+'))).toBe('4+');
  });

  it('emits the narrowest version test', () => {
    const within = { lo: 3, hi: 13 };
    expect(versionCondition(parseVersions('0+'), within)).toBe('true');
    expect(versionCondition(parseVersions('14+'), within)).toBe('false');
    expect(versionCondition(parseVersions('9+'), within)).toBe('version >= 9');
    expect(versionCondition(parseVersions('0-12'), within)).toBe('version <= 12');
    expect(versionCondition(parseVersions('5-7'), within)).toBe('version >= 5 && version <= 7');
    expect(versionCondition(parseVersions('5'), within)).toBe('version === 5');
  });
});
