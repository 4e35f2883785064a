import { describe, expect, it } from 'vitest';
import {
  checkSubnetBase,
  cidrsOverlap,
  parseCidr,
  pickFreeSubnet,
  prefixesFromAddrJson,
  prefixesFromRouteJson,
} from './subnet.ts';

const c = (s: string) => parseCidr(s)!;

describe('subnet choice', () => {
  it('parses prefixes and bare addresses, and skips default', () => {
    expect(c('10.213.7.1/24')).toEqual({ network: ((10 << 24) | (213 << 16) | (7 << 8)) >>> 0, length: 24 });
    expect(c('10.213.7.9').length).toBe(32);
    expect(parseCidr('default')).toBeUndefined();
    expect(parseCidr('fe80::1/64')).toBeUndefined();
    expect(() => parseCidr('10.300.0.1/24')).toThrow(RangeError);
  });

  it('detects overlap both ways', () => {
    expect(cidrsOverlap(c('10.213.7.0/24'), c('10.213.7.1'))).toBe(true);
    expect(cidrsOverlap(c('10.213.0.0/16'), c('10.213.7.0/24'))).toBe(true);
    expect(cidrsOverlap(c('10.213.8.0/24'), c('10.213.7.0/24'))).toBe(false);
    expect(cidrsOverlap(c('0.0.0.0/0'), c('10.213.7.0/24'))).toBe(true);
  });

  it('skips used /24s, starting at the given octet and wrapping', () => {
    expect(pickFreeSubnet('10.213', [c('10.213.5.1/24'), c('10.213.6.0/24')], 5)).toBe(7);
    expect(pickFreeSubnet('10.213', [c('10.213.255.1/24')], 255)).toBe(0);
  });

  it('ignores routes shorter than /16 but not a /16 over the whole base', () => {
    expect(pickFreeSubnet('10.213', [c('10.0.0.0/8')], 3)).toBe(3);
    expect(pickFreeSubnet('10.213', [c('10.213.0.0/16')], 3)).toBeUndefined();
  });

  it('reads ip -j output', () => {
    const addrs = JSON.stringify([
      { ifname: 'lo', addr_info: [{ local: '127.0.0.1', prefixlen: 8 }] },
      { ifname: 'kcf1-0', addr_info: [{ local: '10.213.9.1', prefixlen: 24 }] },
    ]);
    expect(prefixesFromAddrJson(addrs)).toEqual([c('127.0.0.0/8'), c('10.213.9.0/24')]);
    const routes = JSON.stringify([
      { dst: 'default', gateway: '192.0.2.1' },
      { dst: '10.213.9.0/24' },
      { dst: '10.213.9.1', table: 'local' },
    ]);
    expect(prefixesFromRouteJson(routes)).toEqual([c('10.213.9.0/24'), c('10.213.9.1')]);
  });

  it('checks the base', () => {
    expect(checkSubnetBase('10.213')).toBe('10.213');
    for (const bad of ['10', '10.213.1', '10.256', 'a.b']) expect(() => checkSubnetBase(bad)).toThrow(RangeError);
  });
});
