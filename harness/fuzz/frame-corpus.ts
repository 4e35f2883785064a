import { encodeRequest } from '../../protocol/messages/frames.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';

const NO_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Valid request frames (size prefix included) of the APIs a broker serves, the seeds that the
 * mutator breaks one field at a time. Fetches have max.wait.ms 0 so a valid one answers at once.
 */
export function validFrameCorpus(topic: string): Buffer[] {
  let correlationId = 1;
  const req = (apiKey: number, apiVersion: number, body: unknown) => encodeRequest({ apiKey, apiVersion, correlationId: correlationId++, clientId: 'fuzz' }, body);
  const batch = buildRecordBatch([{ key: 'k', value: 'fuzz value', headers: [{ key: 'h', value: 'v' }], timestamp: 1_700_000_000_000 }, { value: null }]);
  const gzipBatch = buildRecordBatch([{ value: 'compressed '.repeat(20) }], { compression: 'gzip' });
  const produce = (v: number, records: Buffer) =>
    req(0, v, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: topic, topicId: NO_UUID, partitionData: [{ index: 0, records }] }] });
  const fetch = (v: number) =>
    req(1, v, {
      clusterId: null, replicaId: -1, replicaState: { replicaId: -1, replicaEpoch: -1n }, maxWaitMs: 0, minBytes: 1, maxBytes: 65536, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, topicId: NO_UUID, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 65536, replicaDirectoryId: NO_UUID, highWatermark: 0n }] }],
      forgottenTopicsData: [], rackId: '',
    });
  return [
    req(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    req(18, 0, {}),
    req(3, 12, { topics: [{ topicId: NO_UUID, name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    req(3, 1, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    produce(9, batch),
    produce(3, gzipBatch),
    fetch(12),
    fetch(4),
    req(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }], timeoutMs: 1000 }),
    req(10, 4, { key: '', keyType: 0, coordinatorKeys: ['fuzz-group'] }),
    req(12, 4, { groupId: 'fuzz-group', generationId: 1, memberId: 'm', groupInstanceId: null }),
    req(8, 8, { groupId: 'fuzz-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: topic, topicId: NO_UUID, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] }),
    req(9, 8, { groupId: '', topics: null, groups: [{ groupId: 'fuzz-group', memberId: null, memberEpoch: -1, topics: null }], requireStable: false }),
    req(22, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1, enable2Pc: false, keepPreparedTxn: false }),
    req(19, 7, { topics: [{ name: `${topic}-x`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: true }),
  ];
}
