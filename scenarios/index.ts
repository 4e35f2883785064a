import { consumerGroupsScenario } from './consumer-groups.ts';
import { idempotenceScenario } from './idempotence.ts';
import type { Scenario } from './scenario.ts';
import { seedScenario } from './seed.ts';

/** Every scenario `kconform run --scenarios` knows, in the order `all` runs them. */
export const SCENARIOS: readonly Scenario[] = [seedScenario, idempotenceScenario, consumerGroupsScenario];

export type { Scenario, ScenarioContext } from './scenario.ts';
