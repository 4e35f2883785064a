/**
 * Running the failover-safety scenarios (failover, durability) on a 3-node target, the way
 * `kconform run --brokers 3 --faults …` does: each run starts its own cluster, because faults
 * need a cluster kconform controls. The same helpers serve Kafka and the replicated reference
 * cluster: a suite lists its targets in {@link CLUSTER_TARGETS}.
 */
import { join } from 'node:path';
import type { FaultFamily } from '../../harness/nemesis/fault-schedule.ts';
import { runScenario, type ScenarioRun } from '../../app/runner/run-scenario.ts';
import { parseTargetSpec } from '../../harness/targets/target-spec.ts';
import { ALL_SCENARIOS } from '../../scenarios/index.ts';
import { expectVerdictsReproduced } from '../helpers/check-verdicts.ts';
import { faultKindsFor, seedStartingWith, type FailoverFault } from '../../scenarios/failover-faults.ts';

/** The replication fault that exposes each replication bug (a bug missing here is a gap: its test fails). */
export const EXPOSED_BY: Readonly<Record<string, FailoverFault>> = {
  'ignore-acks-all': 'stall-followers',
  'advance-hw-early': 'stall-followers',
  'elect-outside-isr': 'lagging-follower',
  'skip-truncation': 'divergent-rejoin',
};

/** The seed of a failover run whose first fault is `kind` among the replication faults (the first from 11 on, as in docs/studies). */
export const seedStartingWithFault = (kind: FailoverFault) =>
  seedStartingWith(kind, faultKindsFor(['replication']), 3, 11);

/** A target of the failover suites; `skip` says why it does not run (yet). */
export interface ClusterTarget {
  name: string;
  skip: string | undefined;
}

/** Kafka 4.4.0 and the replicated reference cluster: the same schedules, the same seeds. */
export const CLUSTER_TARGETS: readonly ClusterTarget[] = [
  { name: 'kafka@4.4.0', skip: undefined },
  { name: 'reference', skip: undefined },
];

/** How one run goes. */
export interface ClusterRunOptions {
  scenario: 'failover' | 'durability' | 'under-min-isr' | 'txn-late-endtxn';
  seed: number;
  /** The scenario's size knob: failover runs one fault per 250 records. */
  records: number;
  faults: FaultFamily[];
  dir: string;
  brokers?: number;
}

/** Runs one scenario on a fresh cluster of `target`; progress lines go to stdout with the seed. */
export async function runOnCluster(target: string, o: ClusterRunOptions): Promise<ScenarioRun> {
  const scenario = ALL_SCENARIOS.find((s) => s.name === o.scenario);
  if (!scenario) throw new Error(`no scenario '${o.scenario}' registered`);
  const r = await runScenario({
    spec: parseTargetSpec(target),
    targetName: target,
    scenario,
    seed: o.seed,
    records: o.records,
    runDir: join(o.dir, `${o.scenario}-${target.replace(/[^a-z0-9.]+/gi, '-')}-${o.seed}`),
    brokers: o.brokers ?? 3,
    faults: o.faults,
    progress: (line) => process.stdout.write(`[${o.scenario} ${target} seed ${o.seed}] ${line}\n`),
  });
  // every cluster run's verdicts come from its history alone
  await expectVerdictsReproduced(r.runDir);
  return r;
}
