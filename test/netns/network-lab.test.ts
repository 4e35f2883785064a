/**
 * Network namespaces with two reference brokers, one per node namespace: the host reaches
 * both; a client cut stops node 1 answering the host while node 2 still does and node-to-node
 * traffic stays up; a partition stops node 1 reaching node 2 while the host still reaches
 * both; healing restores each; and the lab leaves nothing behind. Runs once per firewall
 * front end installed (iptables, nftables).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import type { ProcessGroup } from '../../harness/kafka-dist/process-group.ts';
import { startNetworkLab, type NetworkLab } from '../../harness/netns/network-lab.ts';
import { checkNetnsPrerequisites, type FirewallChoice } from '../../harness/netns/prerequisites.ts';
import { tcpConnects, tcpConnectsFrom } from '../../harness/netns/tcp-probe.ts';
import { apiVersions, BROKER_PORT, labLeftovers, netnsSkipReason, startReferenceBroker } from './lab-support.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const skip = netnsSkipReason();
const available = (kind: 'iptables' | 'nft'): boolean => {
  try {
    return checkNetnsPrerequisites({ firewall: kind }).firewall === kind;
  } catch {
    return false;
  }
};
// 'auto' always runs (and fails with the install hint when no firewall is there); nft also when installed.
const firewalls: FirewallChoice[] = skip
  ? ['auto']
  : ['auto', ...(available('iptables') && available('nft') ? (['nft'] as const) : [])];

/** A fault must show within this; a dropped SYN gives no error, so every probe is a timeout. */
const PROBE_MS = 1_500;

describe.skipIf(skip)('network lab', () => {
  describe.each(firewalls)('firewall %s', (firewall) => {
    let lab: NetworkLab;
    const brokers: ProcessGroup[] = [];
    const addr = (id: number): string => lab.node(id).address;

    beforeAll(async () => {
      lab = await startNetworkLab({ nodes: 2, firewall });
      for (const n of lab.nodes) brokers.push(await startReferenceBroker(n));
    }, 60_000);

    afterAll(async () => {
      if (!lab) return;
      await Promise.all(brokers.map((b) => b.stop(5_000)));
      await lab.destroy();
      expect(labLeftovers(lab)).toEqual([]);
    }, 30_000);

    it('gives every node its own namespace and address on a private /24 the host reaches', async () => {
      expect(lab.subnet).toMatch(/^10\.213\.\d+\.0\/24$/);
      expect(lab.nodes.map((n) => n.namespace)).toEqual([`${lab.prefix}-1`, `${lab.prefix}-2`]);
      expect(lab.prefix).toBe(`kcf-${process.pid}-${lab.prefix.split('-')[2]}`);
      expect(new Set([lab.hostAddress, addr(1), addr(2)]).size).toBe(3);
      expect(await apiVersions(addr(1), BROKER_PORT)).toBe(0);
      expect(await apiVersions(addr(2), BROKER_PORT)).toBe(0);
      // The broker listens on its namespace's address only, not on the host's.
      expect(await tcpConnects('127.0.0.1', BROKER_PORT, 500)).toBe(false);
    });

    it('cutClient(1): node 1 stops answering the host within a timeout, node 2 still does, node 2 still reaches node 1', async () => {
      // A connection opened before the cut stalls rather than failing fast, as on a real network.
      const before = await RawClient.connect(`${addr(1)}:${BROKER_PORT}`, 'kconform-netns-test');
      try {
        await lab.cutClient(1);
        const t0 = performance.now();
        expect(await tcpConnects(addr(1), BROKER_PORT, PROBE_MS)).toBe(false);
        expect(performance.now() - t0).toBeLessThan(PROBE_MS + 1_000);
        expect(await apiVersions(addr(1), BROKER_PORT, PROBE_MS)).toBeInstanceOf(Error);
        await expect(
          before.request(
            ApiKey.ApiVersions,
            3,
            { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' },
            PROBE_MS,
          ),
        ).rejects.toThrow();
        expect(await apiVersions(addr(2), BROKER_PORT)).toBe(0);
        expect(await tcpConnectsFrom(lab.node(2), addr(1), BROKER_PORT, PROBE_MS)).toBe(true);
      } finally {
        before.close();
        await lab.healNetwork();
      }
      expect(await apiVersions(addr(1), BROKER_PORT)).toBe(0);
    }, 30_000);

    it('partition([[1],[2]]): node 1 cannot reach node 2 (nor 2 reach 1), the host still reaches both; heal restores', async () => {
      expect(await tcpConnectsFrom(lab.node(1), addr(2), BROKER_PORT, PROBE_MS)).toBe(true);
      await lab.partition([[1], [2]]);
      try {
        expect(await tcpConnectsFrom(lab.node(1), addr(2), BROKER_PORT, PROBE_MS)).toBe(false);
        expect(await tcpConnectsFrom(lab.node(2), addr(1), BROKER_PORT, PROBE_MS)).toBe(false);
        expect(await apiVersions(addr(1), BROKER_PORT)).toBe(0);
        expect(await apiVersions(addr(2), BROKER_PORT)).toBe(0);
      } finally {
        await lab.healNetwork();
      }
      expect(await tcpConnectsFrom(lab.node(1), addr(2), BROKER_PORT, PROBE_MS)).toBe(true);
      expect(await tcpConnectsFrom(lab.node(2), addr(1), BROKER_PORT, PROBE_MS)).toBe(true);
    }, 30_000);

    it('a new partition replaces the old one and keeps client cuts; heal removes both', async () => {
      await lab.cutClient(2);
      await lab.partition([[1], [2]]);
      await lab.partition([[1, 2]]);
      try {
        expect(await tcpConnectsFrom(lab.node(1), addr(2), BROKER_PORT, PROBE_MS)).toBe(true);
        expect(await tcpConnects(addr(2), BROKER_PORT, PROBE_MS)).toBe(false);
      } finally {
        await lab.healNetwork();
      }
      expect(await apiVersions(addr(2), BROKER_PORT)).toBe(0);
    }, 30_000);

    it('rejects faults naming nodes that are not in the lab, changing nothing', async () => {
      await expect(lab.partition([[1], [3]])).rejects.toThrow(RangeError);
      await expect(lab.partition([[1, 2], [2]])).rejects.toThrow(/more than one group/);
      await expect(lab.cutClient(7)).rejects.toThrow(RangeError);
      expect(await apiVersions(addr(1), BROKER_PORT)).toBe(0);
      expect(await tcpConnectsFrom(lab.node(1), addr(2), BROKER_PORT, PROBE_MS)).toBe(true);
    }, 30_000);
  });
});
