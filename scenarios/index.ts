import { ackLevelsScenario } from './ack-levels.ts';
import { consumerGroupsScenario } from './consumer-groups.ts';
import { groupGenerationsScenario } from './group-generations.ts';
import { idempotenceScenario } from './idempotence.ts';
import { longPollScenario } from './long-poll.ts';
import { offsetOrderingScenario } from './offset-ordering.ts';
import { replayScenario } from './replay.ts';
import type { Scenario } from './scenario.ts';
import { seedScenario } from './seed.ts';

/** Every scenario `kconform run --scenarios` knows, in the order `all` runs them. */
export const SCENARIOS: readonly Scenario[] = [
  seedScenario,
  offsetOrderingScenario,
  replayScenario,
  ackLevelsScenario,
  idempotenceScenario,
  consumerGroupsScenario,
  groupGenerationsScenario,
  longPollScenario,
];

export type { Scenario, ScenarioContext } from './scenario.ts';
