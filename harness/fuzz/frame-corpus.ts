import { encodeRequest } from '../../protocol/messages/frames.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { createTopicBody, fetchBody, listOffsetsBody, produceBody } from '../drivers/request-bodies.ts';

/**
 * Valid request frames (size prefix included) of the APIs a broker serves, the seeds that the
 * mutator breaks one field at a time. Fetches have max.wait.ms 0 so a valid one answers at once.
 */
export function validFrameCorpus(topic: string): Buffer[] {
  let correlationId = 1;
  const req = (apiKey: number, apiVersion: number, body: unknown) => encodeRequest({ apiKey, apiVersion, correlationId: correlationId++, clientId: 'fuzz' }, body);
  const batch = buildRecordBatch([{ key: 'k', value: 'fuzz value', headers: [{ key: 'h', value: 'v' }], timestamp: 1_700_000_000_000 }, { value: null }]);
  const gzipBatch = buildRecordBatch([{ value: 'compressed '.repeat(20) }], { compression: 'gzip' });
  const produce = (v: number, records: Buffer) => req(0, v, produceBody(topic, records, { timeoutMs: 1000 }));
  const fetch = (v: number) => req(1, v, fetchBody(topic, 0n, { minBytes: 1, maxBytes: 65536 }));
  return [
    req(18, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    req(18, 0, {}),
    req(3, 12, { topics: [{ topicId: NULL_UUID, name: topic }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    req(3, 1, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }),
    produce(9, batch),
    produce(3, gzipBatch),
    fetch(12),
    fetch(4),
    req(2, 7, listOffsetsBody(topic, -1n)),
    req(10, 4, { key: '', keyType: 0, coordinatorKeys: ['fuzz-group'] }),
    req(12, 4, { groupId: 'fuzz-group', generationId: 1, memberId: 'm', groupInstanceId: null }),
    req(8, 8, { groupId: 'fuzz-group', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: topic, topicId: NULL_UUID, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }] }),
    req(9, 8, { groupId: '', topics: null, groups: [{ groupId: 'fuzz-group', memberId: null, memberEpoch: -1, topics: null }], requireStable: false }),
    req(22, 4, { transactionalId: null, transactionTimeoutMs: 1000, producerId: -1n, producerEpoch: -1, enable2Pc: false, keepPreparedTxn: false }),
    req(19, 7, createTopicBody(`${topic}-x`, { validateOnly: true })),
  ];
}
