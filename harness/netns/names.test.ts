import { describe, expect, it } from 'vitest';
import { labNames, linkOwner, MAX_IFNAME, namespaceOwner } from './names.ts';

describe('lab names', () => {
  it('puts the owner pid in every name and round-trips it', () => {
    const n = labNames(4194304, 35);
    expect(n.prefix).toBe('kcf-4194304-z');
    expect(n.hubNamespace).toBe('kcf-4194304-z-hub');
    expect(n.nodeNamespace(3)).toBe('kcf-4194304-z-3');
    expect(n.hostLink).toBe('kcf4194304-z');
    expect(namespaceOwner(n.hubNamespace)).toBe(4194304);
    expect(namespaceOwner(n.nodeNamespace(12))).toBe(4194304);
    expect(linkOwner(n.hostLink)).toBe(4194304);
  });

  it('keeps the root-namespace link within the kernel limit for the largest pids', () => {
    expect(labNames(4194304, 36 ** 4 - 1).hostLink.length).toBeLessThanOrEqual(MAX_IFNAME);
    expect(() => labNames(4194304, 36 ** 4)).toThrow(RangeError);
  });

  it('ignores names that are not a lab', () => {
    for (const name of ['kcf-12', 'kcf-x-0-1', 'kcftest-a', 'kcf-12-0-hubx', 'cni-1234', 'default'])
      expect(namespaceOwner(name)).toBeUndefined();
    for (const name of ['eth0', 'kcf-12-0', 'kcf12', 'veth1234']) expect(linkOwner(name)).toBeUndefined();
  });
});
