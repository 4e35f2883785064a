import { describe, expect, it } from 'vitest';
import { checkPartition, firewallRules, iptablesRules, nftRules, nodeDrops } from './firewall-rules.ts';

describe('fault state to drops', () => {
  const ids = [1, 2, 3];

  it('drops nothing when healed', () => {
    for (const d of nodeDrops(ids, undefined, new Set()).values()) expect(d).toEqual({ peers: [], host: false });
  });

  it('drops peers of other groups, symmetrically', () => {
    const d = nodeDrops(ids, [[1], [2, 3]], new Set());
    expect(d.get(1)!.peers).toEqual([2, 3]);
    expect(d.get(2)!.peers).toEqual([1]);
    expect(d.get(3)!.peers).toEqual([1]);
  });

  it('isolates a node that is in no group', () => {
    const d = nodeDrops(ids, [[1, 2]], new Set());
    expect(d.get(3)!.peers).toEqual([1, 2]);
    expect(d.get(1)!.peers).toEqual([3]);
  });

  it('cuts the host off only the named nodes, independently of partitions', () => {
    const d = nodeDrops(ids, undefined, new Set([2]));
    expect([...d.values()].map((x) => x.host)).toEqual([false, true, false]);
    expect(d.get(2)!.peers).toEqual([]);
  });

  it('rejects unknown and repeated nodes', () => {
    expect(() => checkPartition([[1], [4]], ids)).toThrow(/node 4/);
    expect(() =>
      checkPartition(
        [
          [1, 2],
          [2, 3],
        ],
        ids,
      ),
    ).toThrow(/more than one group/);
    expect(() => checkPartition([[1], [2, 3]], ids)).not.toThrow();
  });
});

describe('rule rendering', () => {
  it('iptables: replaces the filter table with drops both ways', () => {
    const text = iptablesRules(['10.213.7.12', '10.213.7.1']);
    expect(text.split('\n')).toEqual([
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      '-A INPUT -s 10.213.7.12/32 -j DROP',
      '-A OUTPUT -d 10.213.7.12/32 -j DROP',
      '-A INPUT -s 10.213.7.1/32 -j DROP',
      '-A OUTPUT -d 10.213.7.1/32 -j DROP',
      'COMMIT',
      '',
    ]);
    expect(iptablesRules([])).not.toContain('-A ');
  });

  it('nft: recreates its own table in one transaction, and only deletes it when healed', () => {
    const text = nftRules(['10.213.7.12']);
    expect(text).toMatch(/^table inet kconform\ndelete table inet kconform\ntable inet kconform \{/);
    expect(text).toContain('ip saddr { 10.213.7.12 } drop');
    expect(text).toContain('ip daddr { 10.213.7.12 } drop');
    expect(nftRules([])).toBe('table inet kconform\ndelete table inet kconform\n');
    expect(firewallRules('nft', [])).toBe(nftRules([]));
    expect(firewallRules('iptables', [])).toBe(iptablesRules([]));
  });
});
