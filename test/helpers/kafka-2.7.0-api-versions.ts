/**
 * What Apache Kafka 2.7.0 (ZooKeeper mode) answers ApiVersions with, recorded from a running
 * 2.7.0 node (test/scenarios/old-kafka.test.ts checks it still matches). Given to the reference
 * broker's test-only `apiVersionLimits`, it makes a broker that serves only what 2.7.0 serves:
 * proof that every request kconform sends is negotiated, without starting Kafka.
 */
export const KAFKA_2_7_0_API_VERSIONS: ReadonlyMap<number, { min: number; max: number }> = new Map([
  [0, { min: 0, max: 8 }], // Produce
  [1, { min: 0, max: 12 }], // Fetch
  [2, { min: 0, max: 5 }], // ListOffsets
  [3, { min: 0, max: 9 }], // Metadata
  [4, { min: 0, max: 4 }], // LeaderAndIsr
  [5, { min: 0, max: 3 }], // StopReplica
  [6, { min: 0, max: 6 }], // UpdateMetadata
  [7, { min: 0, max: 3 }], // ControlledShutdown
  [8, { min: 0, max: 8 }], // OffsetCommit
  [9, { min: 0, max: 7 }], // OffsetFetch
  [10, { min: 0, max: 3 }], // FindCoordinator
  [11, { min: 0, max: 7 }], // JoinGroup
  [12, { min: 0, max: 4 }], // Heartbeat
  [13, { min: 0, max: 4 }], // LeaveGroup
  [14, { min: 0, max: 5 }], // SyncGroup
  [15, { min: 0, max: 5 }], // DescribeGroups
  [16, { min: 0, max: 4 }], // ListGroups
  [17, { min: 0, max: 1 }], // SaslHandshake
  [18, { min: 0, max: 3 }], // ApiVersions
  [19, { min: 0, max: 6 }], // CreateTopics
  [20, { min: 0, max: 5 }], // DeleteTopics
  [21, { min: 0, max: 2 }], // DeleteRecords
  [22, { min: 0, max: 4 }], // InitProducerId
  [23, { min: 0, max: 3 }], // OffsetForLeaderEpoch
  [24, { min: 0, max: 2 }], // AddPartitionsToTxn
  [25, { min: 0, max: 2 }], // AddOffsetsToTxn
  [26, { min: 0, max: 2 }], // EndTxn
  [27, { min: 0, max: 0 }], // WriteTxnMarkers
  [28, { min: 0, max: 3 }], // TxnOffsetCommit
  [29, { min: 0, max: 2 }], // DescribeAcls
  [30, { min: 0, max: 2 }], // CreateAcls
  [31, { min: 0, max: 2 }], // DeleteAcls
  [32, { min: 0, max: 3 }], // DescribeConfigs
  [33, { min: 0, max: 1 }], // AlterConfigs
  [34, { min: 0, max: 1 }], // AlterReplicaLogDirs
  [35, { min: 0, max: 2 }], // DescribeLogDirs
  [36, { min: 0, max: 2 }], // SaslAuthenticate
  [37, { min: 0, max: 3 }], // CreatePartitions
  [38, { min: 0, max: 2 }], // CreateDelegationToken
  [39, { min: 0, max: 2 }], // RenewDelegationToken
  [40, { min: 0, max: 2 }], // ExpireDelegationToken
  [41, { min: 0, max: 2 }], // DescribeDelegationToken
  [42, { min: 0, max: 2 }], // DeleteGroups
  [43, { min: 0, max: 2 }], // ElectLeaders
  [44, { min: 0, max: 1 }], // IncrementalAlterConfigs
  [45, { min: 0, max: 0 }], // AlterPartitionReassignments
  [46, { min: 0, max: 0 }], // ListPartitionReassignments
  [47, { min: 0, max: 0 }], // OffsetDelete
  [48, { min: 0, max: 0 }], // DescribeClientQuotas
  [49, { min: 0, max: 0 }], // AlterClientQuotas
  [50, { min: 0, max: 0 }], // DescribeUserScramCredentials
  [51, { min: 0, max: 0 }], // AlterUserScramCredentials
  [56, { min: 0, max: 0 }], // AlterPartition
  [57, { min: 0, max: 0 }], // UpdateFeatures
]);
