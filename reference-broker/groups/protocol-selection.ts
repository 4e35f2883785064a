/**
 * Protocol choice for a classic group, as Kafka's ClassicGroup does it: only a protocol every
 * member supports is a candidate; each member votes for the first candidate in its own order of
 * preference; the most votes win.
 */

/** A member's protocol names in its order of preference. */
export type ProtocolPreferences = readonly string[];

/** Protocols supported by every member (empty when there are no members). */
export function candidateProtocols(members: readonly ProtocolPreferences[]): Set<string> {
  if (members.length === 0) return new Set();
  const counts = new Map<string, number>();
  for (const prefs of members) for (const name of new Set(prefs)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n === members.length).map(([name]) => name));
}

/**
 * The protocol the group uses, or null when the members share none.
 * Kafka breaks a tie in votes by hash-map order, which is arbitrary; here the tied protocol that
 * received its first vote earliest (in member order) wins, so the choice is reproducible.
 */
export function selectProtocol(members: readonly ProtocolPreferences[]): string | null {
  const candidates = candidateProtocols(members);
  const votes = new Map<string, number>();
  for (const prefs of members) {
    const vote = prefs.find((name) => candidates.has(name));
    if (vote !== undefined) votes.set(vote, (votes.get(vote) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = 0;
  for (const [name, n] of votes) {
    if (n > bestVotes) {
      best = name;
      bestVotes = n;
    }
  }
  return best;
}

/**
 * Whether a member with `protocolType` and `protocols` may join a group whose current members
 * have `members` preferences: a group in state Empty takes any non-empty type and protocol list; otherwise
 * the type must match and at least one of the member's protocols must be supported by everyone.
 */
export function supportsProtocols(
  groupStateIsEmpty: boolean,
  groupProtocolType: string | null,
  members: readonly ProtocolPreferences[],
  protocolType: string,
  protocols: ProtocolPreferences,
): boolean {
  if (groupStateIsEmpty) return protocolType !== '' && protocols.length > 0;
  if (groupProtocolType !== protocolType) return false;
  // A rebalancing group whose members all left: every protocol is "supported by all" of none.
  if (members.length === 0) return protocols.length > 0;
  const candidates = candidateProtocols(members);
  return protocols.some((name) => candidates.has(name));
}
