import fc from 'fast-check';
import type { FaultName } from './fault-control.ts';
import type { FaultOp } from './nemesis.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/**
 * The fault families `--faults` names (DESIGN.md). `rolling-restart` restarts every node once,
 * one after another, the way an operator upgrades a cluster. `replication` is the failover
 * scenario's planned replication faults (followers paused under a leader kill, a lagging
 * follower, an old leader made leader again); in other scenarios' schedules it is a kill.
 * `delay`, `blackhole`, `drop-response` and `cut-client` are the faults of the Kafka-aware proxy
 * kconform puts in front of an external target's nodes (docs/external-faults.md).
 */
export const FAULT_FAMILIES = [
  'kill',
  'pause',
  'partition',
  'restart',
  'rolling-restart',
  'replication',
  'delay',
  'blackhole',
  'drop-response',
  'cut-client',
] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/** Which target capabilities (FaultControl.supported) a fault family needs. */
export const FAULT_NEEDS: Readonly<Record<FaultFamily, readonly FaultName[]>> = {
  kill: ['kill', 'restart'],
  pause: ['pause'],
  partition: ['partition'],
  restart: ['clean-restart'],
  'rolling-restart': ['clean-restart'],
  replication: ['kill', 'restart', 'pause'],
  delay: ['proxy'],
  blackhole: ['proxy'],
  'drop-response': ['proxy'],
  'cut-client': ['proxy'],
};

/** How long the proxy delays each chunk under a `delay` fault. */
export const PROXY_DELAY_MS = 300;

/** Between two nodes of a rolling restart: time for the restarted node to rejoin the in-sync set. */
export const ROLLING_RESTART_GAP_MS = 3_000;

/** Which node a fault strikes: any, the leader of a partition being written, or the active controller. */
export type NodeRole = 'random' | 'leader' | 'controller';

/** One step of a schedule: wait, pick a node, apply a fault, hold it, heal it. */
export interface ScheduledFault {
  /** Pause before the fault, from the previous step's heal. */
  waitMs: number;
  family: FaultFamily;
  role: NodeRole;
  /** The node to use when the role is random (or cannot be resolved). */
  fallbackNode: number;
  /** For partitions in a cluster: isolate the node from the other nodes (true) or cut clients off it (false). */
  split: boolean;
  holdMs: number;
}

/** The fault and its heal for a family on a resolved node (`others`: the rest of the cluster, for splits). */
export function faultOf(
  family: FaultFamily,
  node: number,
  split = false,
  others: readonly number[] = [],
): { fault: FaultOp; heal: FaultOp } {
  switch (family) {
    case 'kill':
    case 'replication':
      return { fault: { fault: 'kill', node }, heal: { fault: 'restart', node } };
    case 'pause':
      return { fault: { fault: 'pause', node }, heal: { fault: 'resume', node } };
    case 'partition':
      if (split && others.length > 0)
        return { fault: { fault: 'partition', groups: [[node], [...others]] }, heal: { fault: 'heal-network' } };
      return { fault: { fault: 'cut-client', node }, heal: { fault: 'heal-network' } };
    case 'delay':
      return { fault: { fault: 'delay', node, ms: PROXY_DELAY_MS }, heal: { fault: 'heal-network' } };
    case 'blackhole':
      return { fault: { fault: 'blackhole', node }, heal: { fault: 'heal-network' } };
    case 'drop-response':
      // Produce: the write happens, the client never hears.
      return {
        fault: { fault: 'drop-responses', node, apiKey: ApiKey.Produce, count: 1 },
        heal: { fault: 'heal-network' },
      };
    case 'cut-client':
      return { fault: { fault: 'cut-client', node }, heal: { fault: 'heal-network' } };
    case 'restart':
    case 'rolling-restart':
      // a clean restart is its own heal: the node is back when the op completes (a rolling
      // restart is one such step per node, see drawSchedule)
      return { fault: { fault: 'clean-restart', node }, heal: { fault: 'heal-all' } };
  }
}

/** Parses `--faults kill,pause`; throws with the known names on an unknown one. */
export function parseFaultFamilies(value: string): FaultFamily[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(FAULT_FAMILIES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`unknown fault(s) ${unknown.join(', ')}; known: ${FAULT_FAMILIES.join(', ')}`);
  return names as FaultFamily[];
}

/**
 * Draws a repeatable fault schedule from the seed: `steps` faults from the chosen families on
 * random nodes, each held a while and then healed. Times are short because the scenarios are.
 * A drawn rolling restart becomes one clean restart per node, in node order,
 * {@link ROLLING_RESTART_GAP_MS} apart.
 */
export function drawSchedule(
  seed: number,
  families: readonly FaultFamily[],
  nodeIds: readonly number[],
  steps = 8,
): ScheduledFault[] {
  if (families.length === 0 || nodeIds.length === 0) return [];
  const step = fc.record({
    family: fc.constantFrom(...families),
    // roles only mean something in a cluster
    role:
      nodeIds.length > 1
        ? fc.constantFrom<NodeRole>('random', 'leader', 'controller')
        : fc.constant<NodeRole>('random'),
    fallbackNode: fc.constantFrom(...nodeIds),
    split: nodeIds.length > 1 ? fc.boolean() : fc.constant(false),
    waitMs: fc.integer({ min: 100, max: 1500 }),
    holdMs: fc.integer({ min: 200, max: 2500 }),
  });
  return fc.sample(step, { seed, numRuns: steps }).flatMap((s): ScheduledFault[] =>
    s.family !== 'rolling-restart'
      ? [s]
      : nodeIds.map((node, i) => ({
          ...s,
          role: 'random' as const,
          fallbackNode: node,
          split: false,
          waitMs: i === 0 ? s.waitMs : ROLLING_RESTART_GAP_MS,
          holdMs: 0,
        })),
  );
}
