/**
 * What each node namespace must drop for a given partition and set of client cuts, and the
 * firewall input that says so. Every rule lives inside a node namespace, never in the root
 * namespace: deleting the namespace deletes its rules, so nothing can outlive a lab.
 *
 * The rules are rendered whole from the desired state and loaded in one atomic call per
 * namespace (iptables-restore / nft -f), so a fault never shows a half-applied rule set.
 */

/** Which firewall front end loads the rules. */
export type FirewallKind = 'iptables' | 'nft';

/** A network split: each group only reaches nodes of the same group. */
export type PartitionGroups = readonly (readonly number[])[];

/** What one node drops: peers (node ids) and whether the host (clients) is cut off. */
export interface NodeDrops {
  readonly peers: readonly number[];
  readonly host: boolean;
}

/**
 * Checks that `groups` only names nodes of the lab and none twice.
 * @throws RangeError otherwise
 */
export function checkPartition(groups: PartitionGroups, nodeIds: readonly number[]): void {
  const seen = new Set<number>();
  for (const group of groups) {
    for (const id of group) {
      if (!nodeIds.includes(id))
        throw new RangeError(`partition names node ${id}, which is not in the lab (nodes ${nodeIds.join(', ')})`);
      if (seen.has(id)) throw new RangeError(`partition names node ${id} in more than one group`);
      seen.add(id);
    }
  }
}

/**
 * The drops of every node. A node in no group of the partition is alone: the definition
 * "each group only reaches its own group" leaves it nobody to reach.
 */
export function nodeDrops(
  nodeIds: readonly number[],
  partition: PartitionGroups | undefined,
  cutNodes: ReadonlySet<number>,
): Map<number, NodeDrops> {
  const groupOf = new Map<number, number>();
  partition?.forEach((group, i) => group.forEach((id) => groupOf.set(id, i)));
  const out = new Map<number, NodeDrops>();
  for (const id of nodeIds) {
    const peers = partition
      ? nodeIds.filter(
          (other) => other !== id && (groupOf.get(id) === undefined || groupOf.get(id) !== groupOf.get(other)),
        )
      : [];
    out.set(id, { peers, host: cutNodes.has(id) });
  }
  return out;
}

/** `iptables-restore` input that replaces the namespace's filter table with drops of `addresses`, both ways. */
export function iptablesRules(addresses: readonly string[]): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  for (const a of addresses) lines.push(`-A INPUT -s ${a}/32 -j DROP`, `-A OUTPUT -d ${a}/32 -j DROP`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Name of the nftables table a lab owns in each node namespace. */
export const NFT_TABLE = 'kconform';

/**
 * `nft -f` input that replaces the lab's table with drops of `addresses`, both ways. Declaring
 * the table before deleting it makes the delete succeed when it does not exist yet; the whole
 * file is one transaction.
 */
export function nftRules(addresses: readonly string[]): string {
  const lines = [`table inet ${NFT_TABLE}`, `delete table inet ${NFT_TABLE}`];
  if (addresses.length > 0) {
    const set = `{ ${addresses.join(', ')} }`;
    lines.push(
      `table inet ${NFT_TABLE} {`,
      `  chain input { type filter hook input priority 0; policy accept; ip saddr ${set} drop; }`,
      `  chain output { type filter hook output priority 0; policy accept; ip daddr ${set} drop; }`,
      '}',
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** The firewall input for `kind`. */
export function firewallRules(kind: FirewallKind, addresses: readonly string[]): string {
  return kind === 'nft' ? nftRules(addresses) : iptablesRules(addresses);
}
