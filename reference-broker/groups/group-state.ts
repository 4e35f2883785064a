import type { GroupStateName } from './types.ts';

/**
 * Which states a classic group may enter each state from (Kafka's ClassicGroupState).
 * A transition outside this table is a coordinator bug, not a client error.
 */
const VALID_PREVIOUS: Record<GroupStateName, readonly GroupStateName[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

/** Whether a group in `from` may move to `to`. */
export function isValidTransition(from: GroupStateName, to: GroupStateName): boolean {
  return VALID_PREVIOUS[to].includes(from);
}
