import type { ConformCase } from '../conform-case.ts';
import {
  apiVersionsCases,
  createTopicsCases,
  deleteTopicsCases,
  describeClusterCases,
  initProducerIdCases,
  metadataCases,
} from './admin-cases.ts';
import {
  alterConfigsCases,
  createPartitionsCases,
  describeConfigsCases,
  incrementalAlterConfigsCases,
} from './config-cases.ts';
import type { EdgeContext } from './edge-context.ts';
import {
  deleteGroupsCases,
  describeGroupsCases,
  findCoordinatorCases,
  heartbeatCases,
  joinGroupCases,
  leaveGroupCases,
  listGroupsCases,
  offsetCommitCases,
  offsetFetchCases,
  syncGroupCases,
} from './group-cases.ts';
import {
  deleteRecordsCases,
  fetchCases,
  listOffsetsCases,
  offsetForLeaderEpochCases,
  produceCases,
} from './log-cases.ts';
import { describeTransactionsCases, listTransactionsCases } from './txn-cases.ts';

export type { EdgeContext } from './edge-context.ts';

/** The hand-written cases of each API key the reference broker implements. */
const EDGE_CASES: ReadonlyMap<number, (ctx: EdgeContext) => ConformCase[]> = new Map([
  [0, produceCases],
  [1, fetchCases],
  [2, listOffsetsCases],
  [3, metadataCases],
  [8, offsetCommitCases],
  [9, offsetFetchCases],
  [10, findCoordinatorCases],
  [11, joinGroupCases],
  [12, heartbeatCases],
  [13, leaveGroupCases],
  [14, syncGroupCases],
  [15, describeGroupsCases],
  [16, listGroupsCases],
  [18, apiVersionsCases],
  [19, createTopicsCases],
  [20, deleteTopicsCases],
  [21, deleteRecordsCases],
  [22, initProducerIdCases],
  [23, offsetForLeaderEpochCases],
  [32, describeConfigsCases],
  [33, alterConfigsCases],
  [37, createPartitionsCases],
  [42, deleteGroupsCases],
  [44, incrementalAlterConfigsCases],
  [60, describeClusterCases],
  [65, describeTransactionsCases],
  [66, listTransactionsCases],
]);

/** The hand-written cases of `apiKey` at `ctx.version` (none for APIs without any). */
export function edgeCases(apiKey: number, ctx: EdgeContext): ConformCase[] {
  return EDGE_CASES.get(apiKey)?.(ctx) ?? [];
}

/** API keys that have hand-written cases. */
export const EDGE_CASE_APIS: readonly number[] = [...EDGE_CASES.keys()];
