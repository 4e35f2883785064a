import { ackLevelsScenario } from './ack-levels.ts';
import { consumerGroupsScenario } from './consumer-groups.ts';
import { consumerProtocolScenario } from './consumer-protocol.ts';
import { durabilityScenario } from './durability.ts';
import { failoverScenario } from './failover.ts';
import { groupGenerationsScenario } from './group-generations.ts';
import { idempotenceScenario } from './idempotence.ts';
import { longPollScenario } from './long-poll.ts';
import { offsetOrderingScenario } from './offset-ordering.ts';
import { replayScenario } from './replay.ts';
import type { Scenario } from './scenario.ts';
import { underMinIsrScenario } from './under-min-isr.ts';
import { seedScenario } from './seed.ts';
import { txnAtomicityScenario } from './txn-atomicity.ts';
import { txnFencingScenario } from './txn-fencing.ts';
import { txnLateEndTxnScenario, txnLateEndTxnV1Scenario } from './txn-late-endtxn.ts';
import { txnExactlyOnceScenario } from './txn-exactly-once.ts';

/** The scenarios every target runs (one node is enough), in the order `all` runs them. */
export const SCENARIOS: readonly Scenario[] = [
  seedScenario,
  offsetOrderingScenario,
  replayScenario,
  ackLevelsScenario,
  idempotenceScenario,
  consumerGroupsScenario,
  groupGenerationsScenario,
  longPollScenario,
  // Needs KIP-848 consumer groups: on a target without them it records 'not supported by this target yet'.
  consumerProtocolScenario,
  // Needs transactions: `all` leaves it out where the target has none (scenario.ts `needs`).
  txnAtomicityScenario,
  txnFencingScenario,
  txnLateEndTxnScenario,
  txnExactlyOnceScenario,
];

/** Scenarios that need a cluster (`minBrokers` > 1): `all` adds them where the target has enough nodes. */
export const CLUSTER_SCENARIOS: readonly Scenario[] = [failoverScenario, durabilityScenario, underMinIsrScenario];

/**
 * Studies: run by name only, never by `all` (they measure a configuration that `all` already
 * covers differently): the late EndTxn with a transaction-version-1 producer.
 */
export const STUDY_SCENARIOS: readonly Scenario[] = [txnLateEndTxnV1Scenario];

/** Every scenario `kconform run --scenarios` knows, in the order `all` runs them (studies last, not in `all`). */
export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, ...CLUSTER_SCENARIOS, ...STUDY_SCENARIOS];

export type { Scenario, ScenarioContext } from './scenario.ts';
