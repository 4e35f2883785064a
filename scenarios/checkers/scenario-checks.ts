/**
 * The checks a scenario's own workload makes possible, dispatched on the plan the history opens
 * with (see scenario-plan.ts). Each is a pure checker over recorded ops, one file per family;
 * a history without a plan (an older one, or one not made by a scenario) gets none of them.
 */
import type { Op } from '../../harness/history/history.ts';
import { checkAckLevels, type AckLevelsPlan } from './ack-levels.ts';
import { checkDurability, type DurabilityPlan } from './durability.ts';
import { checkFailover, type FailoverPlan } from './failover.ts';
import { checkGroupGenerations, type GroupGenerationsPlan } from './group-generations.ts';
import { checkConsumerProtocol, type ConsumerProtocolPlan } from './consumer-protocol.ts';
import { checkGroupResume, type GroupResumePlan } from './group-resume.ts';
import { checkIdempotenceExercised } from './idempotence.ts';
import { checkLongPoll } from './long-poll.ts';
import { checkOffsetOrdering, type OffsetOrderingPlan } from './offset-ordering.ts';
import { checkRereads, type RereadsPlan } from './rereads.ts';
import { notRunReason, planOf } from './scenario-plan.ts';
import { checkSeedMessage } from './seed-message.ts';
import { checkTxnWorkload } from './txn-workload.ts';
import { checkExactlyOnce, type ExactlyOncePlan } from './txn-exactly-once.ts';
import type { CheckConfig } from './config.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';

/** The scenario-specific verdicts of a history (empty without a plan, or for a scenario with none). */
export function checkScenario(history: readonly Op[], config: Partial<CheckConfig> = {}): CheckResult[] {
  const plan = planOf(history);
  if (!plan) return [];
  switch (plan.scenario) {
    case 'seed':
      return [checkSeedMessage(history, String(plan.message))];
    case 'long-poll':
      return [checkLongPoll(history)];
    case 'consumer-groups':
      return checkGroupResume(history, plan as GroupResumePlan);
    case 'ack-levels':
      return checkAckLevels(history, plan as AckLevelsPlan);
    case 'idempotence':
      return [checkIdempotenceExercised(history)];
    case 'offset-ordering':
      return checkOffsetOrdering(history, plan as OffsetOrderingPlan);
    case 'group-generations':
      return [checkGroupGenerations(history, plan as GroupGenerationsPlan)];
    case 'consumer-protocol':
      return checkConsumerProtocol(history, plan as ConsumerProtocolPlan);
    case 'replay':
      return checkRereads(history, plan as RereadsPlan);
    case 'failover':
      return checkFailover(history, plan as FailoverPlan);
    case 'durability':
      return [checkDurability(history, plan as DurabilityPlan)];
    case 'under-min-isr': {
      // Its verdict proper (under-min-isr) runs wherever the history observes the ISR.
      const reason = notRunReason(history);
      return reason === undefined
        ? []
        : [{ checker: 'under-min-isr-setup', valid: 'unknown', summary: reason, witnesses: [] }];
    }
    case 'txn-atomicity':
    case 'txn-fencing':
    case 'txn-late-endtxn':
    case 'txn-late-endtxn-v1':
      return [checkTxnWorkload(history, plan.scenario)];
    case 'txn-exactly-once':
      return [checkTxnWorkload(history, plan.scenario), checkExactlyOnce(history, plan as ExactlyOncePlan, config)];
    default:
      return [];
  }
}
