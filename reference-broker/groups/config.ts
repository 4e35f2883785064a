/**
 * Settings of the classic group coordinator. Names follow Kafka's broker configs (in the comment)
 * and so do the defaults, except where the comment says why not.
 */
export interface GroupCoordinatorConfig {
  /**
   * group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for
   * more members (extended while members keep arriving, up to the rebalance timeout). Kafka's
   * default is 3000; 0 here, as in the project's Kafka test setup, so groups form without waiting.
   */
  groupInitialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  groupMaxSessionTimeoutMs: number;
  /** group.max.size (Kafka: Integer.MAX_VALUE) */
  groupMaxSize: number;
  /**
   * How long a new member's parked JoinGroup may wait before it is dropped (Kafka's
   * classic new-member join timeout, 5 minutes): a client that disconnected mid-rebalance must
   * not hold the group forever.
   */
  newMemberJoinTimeoutMs: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
  /** group.consumer.session.timeout.ms: a KIP-848 member's session (the broker decides it, not the client). */
  consumerGroupSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms: how often KIP-848 members are told to heartbeat. */
  consumerGroupHeartbeatIntervalMs: number;
  /** group.consumer.max.size */
  consumerGroupMaxSize: number;
}

/** Kafka's defaults, adjusted where {@link GroupCoordinatorConfig} says. */
export function defaultGroupCoordinatorConfig(overrides: Partial<GroupCoordinatorConfig> = {}): GroupCoordinatorConfig {
  return {
    groupInitialRebalanceDelayMs: 0,
    groupMinSessionTimeoutMs: 6000,
    groupMaxSessionTimeoutMs: 1_800_000,
    groupMaxSize: 2_147_483_647,
    newMemberJoinTimeoutMs: 300_000,
    offsetMetadataMaxBytes: 4096,
    consumerGroupSessionTimeoutMs: 45_000,
    consumerGroupHeartbeatIntervalMs: 5_000,
    consumerGroupMaxSize: 2_147_483_647,
    ...overrides,
  };
}
