import type { CheckConfig } from './config.ts';

/** The anomaly families a configuration can allow. Reorder, replay, aborted-read and protocol expectations are never allowed. */
export type AllowableAnomaly =
  | 'lost-write'
  | 'duplicate'
  | 'inconsistent-offsets'
  | 'nonmonotonic-send'
  | 'nonmonotonic-poll'
  | 'poll-skip';

/** Why `config` lets acknowledged writes disappear, or null when it does not. */
function lossReason(c: CheckConfig): string | null {
  if (c.acks === 0) return 'acks=0: the producer is never told whether the broker wrote the record';
  if (!c.faults) return null;
  if (c.acks === 1) return 'acks=1 under faults: the leader acknowledged before any follower had the record';
  if (c.uncleanLeaderElection)
    return 'unclean leader election under faults: a replica that lacks acknowledged records may become leader';
  if (c.minInsyncReplicas < 2) {
    return `acks=all with min.insync.replicas=${c.minInsyncReplicas} (replication factor ${c.replicationFactor}) under faults: the in-sync set may shrink to the leader alone`;
  }
  return null;
}

/**
 * Why the configuration allows `anomaly`, or null when it is an error. Kafka's guarantees, one
 * rule each:
 * - lost-write: acks=0 always; acks=1 under faults; acks=all under faults when
 *   min.insync.replicas < 2 or unclean leader election is on. acks=all with min.insync.replicas
 *   ≥ 2 and no unclean election may not lose an acknowledged write, faults or not.
 * - inconsistent-offsets: wherever writes may be lost — a leader that loses acknowledged records
 *   truncates its log and hands their offsets to new records.
 * - nonmonotonic-send: wherever writes may be lost (offsets are reused after truncation), and
 *   for non-idempotent producers, whose retried batches can land after later ones.
 * - duplicate: non-idempotent producers — a retried batch whose first attempt was written is
 *   written again. Clients retry inside `send`, so the history cannot show it.
 * - nonmonotonic-poll, poll-skip: unclean leader election under faults — the new leader's log can
 *   end below a consumer's position, and auto.offset.reset moves the consumer.
 * (Gaps that transactions leave are allowed per partition by the poll-skip checker itself.)
 */
export function allowance(config: CheckConfig, anomaly: AllowableAnomaly): string | null {
  switch (anomaly) {
    case 'lost-write':
      return lossReason(config);
    case 'inconsistent-offsets': {
      const loss = lossReason(config);
      return loss && `${loss}; a truncated log reuses the lost records' offsets`;
    }
    case 'nonmonotonic-send': {
      const loss = lossReason(config);
      if (loss) return `${loss}; a truncated log reuses offsets`;
      return config.idempotent ? null : 'non-idempotent producer: a retried batch may be written after a later one';
    }
    case 'duplicate':
      return config.idempotent
        ? null
        : 'non-idempotent producer: a retried batch whose first attempt was written is written again';
    case 'nonmonotonic-poll':
    case 'poll-skip':
      return config.faults && config.uncleanLeaderElection
        ? "unclean leader election under faults: the new leader's log may end below a consumer's position"
        : null;
  }
}
