import type { Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import type { FaultFamily } from '../harness/nemesis/fault-schedule.ts';
import type { Nemesis } from '../harness/nemesis/nemesis.ts';
import type { BrokerTimings } from '../harness/kafka-dist/cluster-properties.ts';
import type { StartedTarget } from '../harness/targets/target.ts';
import type { CheckConfig } from './checkers/index.ts';
import type { DurabilityTable } from './checkers/durability-table.ts';

/** What a scenario adds to its run's results.json besides the checks (additive fields of kconform.results/v1). */
export interface ScenarioResults {
  /** The durability study's table (the `durability` scenario). */
  durability?: DurabilityTable;
}

/** What a scenario gets to work with. */
export interface ScenarioContext {
  readonly target: StartedTarget;
  /** A kafkajs client bootstrapped at the target. */
  readonly kafka: Kafka;
  readonly history: HistoryRecorder;
  readonly seed: number;
  /** Records to produce (the scenario's size knob). */
  readonly records: number;
  /** Unique per run; makes topic and group names unique on long-lived targets. */
  readonly runId: string;
  progress(line: string): void;
  /**
   * Ends the fault schedule and heals every fault still in effect. Scenarios call it before their
   * final read (a run's final read happens on a healed target); without faults it does nothing.
   */
  quiesce(): Promise<void>;
  /**
   * Paces a workload: resolves at once without faults; with faults it spaces operations out so
   * the workload overlaps the fault schedule instead of finishing before the first fault.
   */
  pace(): Promise<void>;
  /** `base` on a fresh target (so the seed's topic is really `mmr`), `base-<runId>` on a shared one. */
  topicName(base: string): string;
  /** The fault families of the run (`--faults`) that the target can do; empty without faults. */
  readonly faults?: readonly FaultFamily[];
  /**
   * For scenarios that apply their own faults ({@link Scenario.ownFaults}): the run's nemesis,
   * which records every fault in the history and whose faults `quiesce` heals. Set when
   * {@link faults} is not empty.
   */
  readonly nemesis?: Nemesis;
  /**
   * Aborts when the run is stopped from outside (a shrink try over its budget): the runner then
   * disconnects the clients and stops the target; a scenario holding something else (proxies,
   * timers) releases it on this signal.
   */
  readonly signal?: AbortSignal;
  /**
   * Registers a Kafka client the scenario made itself (not {@link kafka}), so a stopped run
   * disconnects its producers, consumers and admins too. Returns the client to use.
   */
  track?(kafka: Kafka): Kafka;
  /** Fields the scenario adds to results.json; the runner writes them after the run. */
  readonly results?: ScenarioResults;
}

/**
 * A scenario drives clients against a target, records everything in the history, and ends with
 * its final read. It decides nothing itself: every verdict is a checker over the recorded ops
 * (its own checks too, found through the plan op it records first: checkers/scenario-plan.ts),
 * so `kconform check history.jsonl` gives the run's verdicts.
 */
/**
 * What a scenario needs of its target besides nodes: `transactions` (TargetCapabilities.transactions),
 * `consumer-protocol` (KIP-848 consumer groups: TargetCapabilities.consumerProtocol, and asked of
 * the target itself, since a Kafka before 4.0 lacks it).
 */
export type ScenarioNeed = 'transactions' | 'consumer-protocol';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** How its clients produce (acks, idempotence, transactions): decides which anomalies the checkers allow. Default: acks=all, idempotent. */
  readonly checkConfig?: Partial<CheckConfig>;
  /** Nodes the scenario needs (default 1); `--scenarios all` leaves it out on smaller targets, with a note. */
  readonly minBrokers?: number;
  /**
   * What else it needs of the target: `--scenarios all` leaves it out where the target lacks it
   * (with a note); named on its own there, it runs and records why it could not (a `not-run`
   * op), so its verdict is an explicit "not supported by this target yet", never a pass.
   */
  readonly needs?: readonly ScenarioNeed[];
  /**
   * True when the scenario applies the run's faults itself (through `ctx.nemesis`, at moments its
   * workload chooses) instead of the runner's seeded schedule; the runner still heals everything
   * at `quiesce`.
   */
  readonly ownFaults?: boolean;
  /**
   * Failover timings its faults are built around (a follower paused past replica.lag.time.max.ms
   * but not past the session timeout): a cluster target is started with them — reference and
   * Kafka alike — and the run's config.json records them.
   */
  readonly timings?: BrokerTimings;
  run(ctx: ScenarioContext): Promise<void>;
}
