/**
 * The leader-election, ISR and ELR rules of the controller, as pure functions: KRaft's
 * PartitionChangeBuilder with eligible leader replicas on, as Kafka 4.4.0 runs by default
 * (`eligible.leader.replicas.version=1`, KIP-966):
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-966%3A+Eligible+Leader+Replicas
 *
 * - ELR: while the new ISR is smaller than min.insync.replicas, replicas that were in the ISR (or
 *   already in the ELR) and are not in the new ISR become eligible leader replicas — they hold
 *   every committed record, because the high watermark does not advance under min ISR (strict
 *   min ISR) — except replicas that shut down uncleanly. Once the ISR is back at
 *   min.insync.replicas the ELR and the last known ELR are cleared; an unclean election or ELR
 *   switched off clears them too.
 * - Election: keep the current leader while it is in the new ISR and eligible; else the first
 *   replica, in assignment order, that is in the new ISR and eligible — or, when the ISR is
 *   empty, in the ELR (it then becomes the ISR alone and leaves the ELR); else, with ISR and ELR
 *   both empty, the last known leader (an unclean choice: the ISR becomes just it); else, with
 *   unclean.leader.election.enable, the first eligible replica at all (the ISR becomes just it);
 *   else the partition goes offline (leader -1).
 * - With ELR on the ISR may become empty; the last known leader (`lastKnownElr`, one member) is
 *   recorded when it does, and cleared once the partition has a leader again.
 * - With ELR off (elrEnabled: false) the ISR never becomes empty: it keeps its members, so the
 *   last in-sync replica is known and can lead again (Kafka before 4.1).
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
  /** The topic's effective min.insync.replicas (capped at its replication factor). Default 1. */
  minIsr?: number;
  /** Eligible leader replicas (KIP-966); on by default, as in Kafka 4.4.0. */
  elrEnabled?: boolean;
  /** Replicas that shut down uncleanly: they leave the ELR and may not join it. */
  uncleanShutdownReplicas?: readonly number[];
  /** Known bug elect-outside-isr: any eligible replica may lead, in sync or not (and it joins the ISR). */
  ignoreIsr?: boolean;
}

/** The outcome of an election: the leader, and whether it may lack committed records. */
export interface ElectionResult {
  leader: number;
  unclean: boolean;
}

const elrOf = (r: Readonly<PartitionRegistration>): readonly number[] => r.elr ?? [];
const lastKnownElrOf = (r: Readonly<PartitionRegistration>): readonly number[] => r.lastKnownElr ?? [];

/** The ELR and last known ELR after the ISR becomes `targetIsr` (PartitionChangeBuilder.maybePopulateTargetElr). */
export function targetElr(
  registration: Readonly<PartitionRegistration>,
  request: PartitionChangeRequest,
): { elr: number[]; lastKnownElr: number[] } {
  const elr = [...elrOf(registration)];
  const lastKnownElr = [...lastKnownElrOf(registration)];
  if (request.elrEnabled === false) return { elr, lastKnownElr };
  if (request.targetIsr.length >= (request.minIsr ?? 1)) return { elr: [], lastKnownElr: [] };
  // Kafka collects them in a HashSet of small ints: ascending order on the wire.
  const candidates = unique([...elr, ...registration.isr]).sort((a, b) => a - b);
  const unclean = request.uncleanShutdownReplicas ?? [];
  const nextElr = candidates.filter((r) => !request.targetIsr.includes(r) && !unclean.includes(r));
  const nextLastKnown = unique([...candidates, ...lastKnownElr]).filter(
    (r) => !request.targetIsr.includes(r) && !nextElr.includes(r),
  );
  return { elr: nextElr, lastKnownElr: nextLastKnown };
}

/** The outcome of an election over `registration` with the target ISR and ELR (PartitionChangeBuilder.electAnyLeader). */
export function electLeader(
  registration: Readonly<PartitionRegistration>,
  request: PartitionChangeRequest,
  elr: readonly number[] = targetElr(registration, request).elr,
): ElectionResult {
  const { targetIsr, isEligible } = request;
  const valid = (id: number) =>
    (request.ignoreIsr || targetIsr.includes(id) || (targetIsr.length === 0 && elr.includes(id))) && isEligible(id);
  if (registration.leader !== NO_LEADER && valid(registration.leader))
    return { leader: registration.leader, unclean: false };
  const clean = registration.replicas.find(valid);
  if (clean !== undefined) return { leader: clean, unclean: false };
  // Balanced recovery: with nobody in the ISR or ELR, the last leader still has everything it committed.
  const lastKnown = lastKnownElrOf(registration);
  if (
    request.elrEnabled !== false &&
    elr.length === 0 &&
    targetIsr.length === 0 &&
    lastKnown.length === 1 &&
    isEligible(lastKnown[0]!)
  ) {
    return { leader: lastKnown[0]!, unclean: true };
  }
  if (request.unclean) {
    const any = registration.replicas.find((id) => isEligible(id));
    if (any !== undefined) return { leader: any, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

/** The registration after the change (PartitionChangeBuilder.build), or undefined when nothing changes. */
export function buildPartitionChange(
  registration: Readonly<PartitionRegistration>,
  request: PartitionChangeRequest,
): PartitionRegistration | undefined {
  const elrEnabled = request.elrEnabled !== false;
  let { elr } = targetElr(registration, request);
  let isr = [...request.targetIsr];
  const election = electLeader(registration, request, elr);
  let isrSetByElection = false;
  if (election.leader !== registration.leader) {
    if (elr.includes(election.leader)) {
      // Elected from the ELR: it holds every committed record, so it is the ISR now (a clean election).
      isr = [election.leader];
      elr = elr.filter((r) => r !== election.leader);
    } else if (election.unclean) {
      isr = [election.leader];
      isrSetByElection = true;
    }
  }
  if (isrSetByElection || !elrEnabled) elr = [];
  // Without ELR the ISR keeps its last members rather than becoming empty.
  if (!elrEnabled && isr.length === 0) isr = [...registration.isr];
  if (request.ignoreIsr && election.leader !== NO_LEADER && !isr.includes(election.leader))
    isr = [election.leader, ...isr];
  // The last known ELR holds the last known leader (Kafka's useLastKnownLeaderInBalancedRecovery, on by default):
  // set when the ISR first becomes empty, cleared once the partition has a leader again.
  const previousLastKnown = [...lastKnownElrOf(registration)];
  let lastKnownElr = previousLastKnown;
  if (elrEnabled) {
    const isrEmptied = isr.length === 0 && registration.isr.length > 0;
    if (isrEmptied && !(previousLastKnown.length === 1 && previousLastKnown[0] === registration.leader))
      lastKnownElr = [registration.leader];
    else if (election.leader !== NO_LEADER && previousLastKnown.length > 0) lastKnownElr = [];
  }
  const leaderChanged = election.leader !== registration.leader;
  const isrChanged = !sameMembers(isr, registration.isr);
  const elrChanged = !sameMembers(elr, elrOf(registration)) || !sameMembers(lastKnownElr, previousLastKnown);
  if (!leaderChanged && !isrChanged && !elrChanged) return undefined;
  return {
    replicas: [...registration.replicas],
    isr,
    leader: election.leader,
    leaderEpoch: leaderChanged ? registration.leaderEpoch + 1 : registration.leaderEpoch,
    partitionEpoch: registration.partitionEpoch + 1,
    elr,
    lastKnownElr,
  };
}

function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** unclean.leader.election.enable of a topic (its config wins over the controller's default). */
export function uncleanElectionEnabled(configs: Readonly<Record<string, string>>, controllerDefault: boolean): boolean {
  const v = configs['unclean.leader.election.enable'];
  return v === undefined ? controllerDefault : v.trim().toLowerCase() === 'true';
}

/** min.insync.replicas of a topic (its config wins over the cluster default), capped at its replication factor as Kafka's getTopicEffectiveMinIsr. */
export function effectiveMinIsr(
  configs: Readonly<Record<string, string>>,
  clusterDefault: number,
  replicationFactor: number,
): number {
  const v = Number.parseInt(configs['min.insync.replicas'] ?? '', 10);
  return Math.min(Number.isInteger(v) && v > 0 ? v : clusterDefault, replicationFactor);
}
