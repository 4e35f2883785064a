/**
 * The leader-election and ISR rules of the controller, as pure functions (KRaft's
 * PartitionChangeBuilder with ELR off, the default before Kafka 4.1):
 * - keep the current leader while it is in the new ISR and eligible (unfenced);
 * - else elect the first replica, in assignment order, that is in the new ISR and eligible;
 * - else, with unclean.leader.election.enable, the first eligible replica at all, and the ISR
 *   becomes just that leader (acknowledged records it never got are lost: that is the trade);
 * - else the partition goes offline (leader -1);
 * - the ISR never becomes empty: when the change would empty it, it keeps its members, so the
 *   last in-sync replica is known and can lead again once it returns.
 * A leader change bumps the leader epoch; any change bumps the partition epoch.
 */
import type { PartitionRegistration } from './metadata-records.ts';

export const NO_LEADER = -1;

export interface PartitionChangeRequest {
  /** The ISR wanted after the change (before leader election adjusts it). */
  targetIsr: readonly number[];
  /** Whether a broker may lead (registered and unfenced, and not the one being fenced). */
  isEligible: (brokerId: number) => boolean;
  /** unclean.leader.election.enable for this partition's topic. */
  unclean: boolean;
  /** Known bug elect-outside-isr: any eligible replica may lead, in sync or not (and it joins the ISR). */
  ignoreIsr?: boolean;
}

/** The outcome of an election over `registration` with the target ISR. */
export function electLeader(registration: Readonly<PartitionRegistration>, request: PartitionChangeRequest): { leader: number; unclean: boolean } {
  const { targetIsr, isEligible } = request;
  const valid = (id: number) => (request.ignoreIsr || targetIsr.includes(id)) && isEligible(id);
  if (registration.leader !== NO_LEADER && valid(registration.leader)) return { leader: registration.leader, unclean: false };
  const clean = registration.replicas.find(valid);
  if (clean !== undefined) return { leader: clean, unclean: false };
  if (request.unclean) {
    const any = registration.replicas.find((id) => isEligible(id));
    if (any !== undefined) return { leader: any, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

/** The registration after the change, or undefined when nothing changes. */
export function buildPartitionChange(registration: Readonly<PartitionRegistration>, request: PartitionChangeRequest): PartitionRegistration | undefined {
  const election = electLeader(registration, request);
  let isr = [...registration.isr];
  if (election.unclean) isr = [election.leader];
  else if (request.targetIsr.length > 0) isr = [...request.targetIsr];
  if (election.leader !== NO_LEADER && !isr.includes(election.leader)) isr = [election.leader, ...isr];
  const leaderChanged = election.leader !== registration.leader;
  const isrChanged = !sameMembers(isr, registration.isr);
  if (!leaderChanged && !isrChanged) return undefined;
  return {
    replicas: [...registration.replicas],
    isr,
    leader: election.leader,
    leaderEpoch: leaderChanged ? registration.leaderEpoch + 1 : registration.leaderEpoch,
    partitionEpoch: registration.partitionEpoch + 1,
  };
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** unclean.leader.election.enable of a topic (its config wins over the controller's default). */
export function uncleanElectionEnabled(configs: Readonly<Record<string, string>>, controllerDefault: boolean): boolean {
  const v = configs['unclean.leader.election.enable'];
  return v === undefined ? controllerDefault : v.trim().toLowerCase() === 'true';
}
