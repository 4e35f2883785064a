/**
 * OffsetFetch (key 9), versions 1-10: committed offsets of one group (v0-7) or several (v8+,
 * KIP-709); v10 names topics by id. A null topic list asks for everything the group committed.
 * With require_stable (v7+, KIP-447) a partition whose offset an open transaction committed is
 * UNSTABLE_OFFSET_COMMIT; without it the last committed offset is answered. From v9 a member of a
 * KIP-848 consumer group sends its member id and epoch: an unknown member is UNKNOWN_MEMBER_ID, an
 * old epoch STALE_MEMBER_EPOCH (Kafka's ConsumerGroup.validateOffsetFetch).
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

function fetchGroup(
  broker: Broker,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  requireStable: boolean,
  member: { memberId: string | null; memberEpoch: number } = { memberId: null, memberEpoch: -1 },
) {
  return broker.groups.fetchOffsets({
    groupId,
    requireStable,
    ...member,
    topics: topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes })),
  });
}

export const offsetFetchHandler: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  ...specVersions(ApiKey.OffsetFetch),
  handle(req, { broker, apiVersion }) {
    if (apiVersion < 8) {
      const r = fetchGroup(broker, req.groupId, req.topics, apiVersion >= 7 && req.requireStable);
      return {
        throttleTimeMs: 0,
        errorCode: r.errorCode,
        groups: [],
        topics: r.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: BigInt(p.committedOffset),
            committedLeaderEpoch: p.committedLeaderEpoch,
            metadata: p.metadata,
            errorCode: p.errorCode,
          })),
        })),
      };
    }
    const byId = apiVersion >= 10;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      topics: [],
      groups: req.groups.map((g) => {
        // v10 asks by topic id: an id this broker does not know is answered with that id (and no name), as Kafka does.
        const asked =
          g.topics === null
            ? null
            : g.topics.map((t) => ({
                name: byId ? (broker.topics.getById(t.topicId)?.name ?? '') : t.name,
                topicId: t.topicId,
                partitionIndexes: t.partitionIndexes,
              }));
        // v9+: a consumer-group member names itself and its epoch (KIP-848), checked like a commit.
        const r = fetchGroup(broker, g.groupId, asked, req.requireStable, {
          memberId: apiVersion >= 9 ? g.memberId : null,
          memberEpoch: apiVersion >= 9 ? g.memberEpoch : -1,
        });
        return {
          groupId: g.groupId,
          errorCode: r.errorCode,
          topics: r.topics.map((t, i) => {
            const topic = t.name === '' ? undefined : broker.topics.get(t.name);
            const requestedId = asked?.[i]?.topicId;
            return {
              name: t.name,
              topicId: topic?.id ?? requestedId ?? NULL_UUID,
              partitions: t.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                committedOffset: BigInt(p.committedOffset),
                committedLeaderEpoch: p.committedLeaderEpoch,
                metadata: p.metadata,
                errorCode: byId && !topic ? ErrorCode.UNKNOWN_TOPIC_ID : p.errorCode,
              })),
            };
          }),
        };
      }),
    };
  },
};
