/**
 * kconform as a library for Node tests (`import { startBroker } from 'kconform'`): a Kafka
 * reference broker behind the real network boundary, real Kafka targets, the scenarios and the
 * history checkers. docs/library.md is the guide; each export says what it does.
 */
export { startBroker, type Broker, type BrokerNode, type StartBrokerOptions } from './start-broker.ts';
export type { BrokerControl, NodeReport, PartitionReport } from './broker-control.ts';
export { startTarget, type StartTargetOptions, type Target } from './start-target.ts';
export { runScenarios, type RunScenariosOptions, type ScenarioRun, type ScenariosVerdict } from './run-scenarios.ts';
export {
  checkHistory,
  type CheckConfig,
  type CheckHistoryOptions,
  type CheckResult,
  type HistoryVerdict,
  type Op,
  type Validity,
} from './check-history.ts';
export { KconformUsageError } from './library-error.ts';
export { TargetUnavailableError } from '../../harness/targets/target.ts';
export type { BugName } from '../../reference-broker/bugs/known-bugs.ts';
export type { FaultFamily } from '../../harness/nemesis/fault-schedule.ts';
