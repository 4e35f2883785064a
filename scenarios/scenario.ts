import type { Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import type { StartedTarget } from '../harness/targets/target.ts';
import type { CheckConfig, CheckResult } from './checkers/index.ts';

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
}

/**
 * A scenario drives clients against a target, records everything in the history, and ends with
 * its final read. It returns the checks only it can make; the history checkers run on top.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** How its clients produce (acks, idempotence, transactions): decides which anomalies the checkers allow. Default: acks=all, idempotent. */
  readonly checkConfig?: Partial<CheckConfig>;
  run(ctx: ScenarioContext): Promise<CheckResult[]>;
}
