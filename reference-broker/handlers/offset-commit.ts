/**
 * OffsetCommit (key 8), versions 2-10 (v10 names topics by id). Commits of a member are checked
 * against its generation; generation -1 is a simple (unmanaged) commit.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const offsetCommitHandler: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  ...specVersions(8),
  async handle(req, { broker, apiVersion }) {
    const byId = apiVersion >= 10;
    if (broker.bugs.strikes('lose-committed-offset')) {
      // known bug: acknowledge every partition, store nothing
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE })) })),
      };
    }
    const known = req.topics.map((t) => ({ request: t, name: byId ? broker.topics.getById(t.topicId)?.name : t.name }));
    const r = broker.groups.commitOffsets({
      groupId: req.groupId,
      generationId: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      apiVersion,
      topics: known
        .filter((k) => k.name !== undefined)
        .map((k) => ({
          name: k.name!,
          partitions: k.request.partitions.map((p) => ({ partitionIndex: p.partitionIndex, committedOffset: Number(p.committedOffset), committedLeaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata })),
        })),
    });
    // A cluster node answers once the commit is on the in-sync replicas of the group's __consumer_offsets partition.
    const durable = broker.groupState ? await broker.groupState.awaitDurable(req.groupId) : ErrorCode.NONE;
    const results = new Map(r.topics.map((t) => [t.name, t.partitions.map((p) => (p.errorCode === ErrorCode.NONE && durable !== ErrorCode.NONE ? { ...p, errorCode: durable } : p))]));
    return {
      throttleTimeMs: 0,
      topics: known.map((k) => ({
        name: k.request.name,
        topicId: k.request.topicId,
        partitions:
          k.name === undefined
            ? k.request.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }))
            : (results.get(k.name) ?? []),
      })),
    };
  },
};
