/**
 * OffsetCommit (key 8), versions 2-10 (v10 names topics by id). Commits of a member are checked
 * against its generation; generation -1 is a simple (unmanaged) commit.
 *
 * The answer is assembled as Kafka's KafkaApis.handleOffsetCommitRequest and
 * OffsetCommitResponse.Builder do: topics the broker does not know (by name, or by id from v10)
 * are answered with every partition in error, even with no partitions; partitions that do not
 * exist are answered UNKNOWN_TOPIC_OR_PARTITION; only the rest goes to the group coordinator. A
 * known topic with nothing left to commit does not appear in the answer, and entries of the same
 * topic (by name, from v10 by id) are merged into one.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type TopicAnswer = OffsetCommitResponse['topics'][number];
type PartitionAnswer = TopicAnswer['partitions'][number];

/** Kafka's OffsetCommitResponse.Builder: topic answers keyed by name (by id from v10), in first-seen order. */
export class OffsetCommitAnswer {
  readonly #topics: TopicAnswer[] = [];
  readonly #byKey = new Map<string, TopicAnswer>();
  readonly #byId: boolean;

  constructor(byId: boolean) {
    this.#byId = byId;
  }

  #topic(name: string, topicId: string): TopicAnswer {
    const key = this.#byId ? topicId : name;
    let t = this.#byKey.get(key);
    if (!t) {
      t = { name, topicId, partitions: [] };
      this.#topics.push(t);
      this.#byKey.set(key, t);
    }
    return t;
  }

  /** Adds the topic (also with no partitions) and every partition given, with `errorCode`. */
  addPartitions(name: string, topicId: string, partitions: readonly number[], errorCode: number): void {
    const t = this.#topic(name, topicId);
    for (const partitionIndex of partitions) t.partitions.push({ partitionIndex, errorCode });
  }

  /**
   * Adds the coordinator's answer. Into an empty answer it goes as it is (as Kafka's merge
   * does: entries of the same topic then stay apart); otherwise partitions join their topic.
   */
  merge(topics: readonly TopicAnswer[]): void {
    if (this.#topics.length === 0) {
      for (const t of topics) this.#topics.push(t);
      return;
    }
    for (const t of topics) this.#topic(t.name, t.topicId).partitions.push(...t.partitions);
  }

  get topics(): TopicAnswer[] {
    return this.#topics;
  }
}

export const offsetCommitHandler: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  ...specVersions(ApiKey.OffsetCommit),
  async handle(req, { broker, apiVersion }) {
    const byId = apiVersion >= 10;
    if (broker.bugs.strikes('lose-committed-offset')) {
      // known bug: acknowledge every partition, store nothing
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE })),
        })),
      };
    }
    const answer = new OffsetCommitAnswer(byId);
    const toCommit: {
      name: string;
      topicId: string;
      partitions: OffsetCommitRequest['topics'][number]['partitions'];
    }[] = [];
    for (const t of req.topics) {
      const name = byId ? broker.topics.getById(t.topicId)?.name : t.name;
      const indexes = t.partitions.map((p) => p.partitionIndex);
      if (name === undefined) {
        answer.addPartitions('', t.topicId, indexes, ErrorCode.UNKNOWN_TOPIC_ID);
        continue;
      }
      if (!broker.topics.get(name)) {
        answer.addPartitions(name, t.topicId, indexes, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      const valid = t.partitions.filter((p) => broker.partition(name, p.partitionIndex) !== undefined);
      for (const p of t.partitions)
        if (!valid.includes(p))
          answer.addPartitions(name, t.topicId, [p.partitionIndex], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (valid.length > 0) toCommit.push({ name, topicId: t.topicId, partitions: valid });
    }
    if (toCommit.length > 0) {
      const r = broker.groups.commitOffsets({
        groupId: req.groupId,
        generationId: req.generationIdOrMemberEpoch,
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        apiVersion,
        topics: toCommit.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: Number(p.committedOffset),
            committedLeaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata,
          })),
        })),
      });
      // Answered once the commit is on the in-sync replicas of the group's __consumer_offsets partition.
      const durable = await broker.groupState.awaitDurable(req.groupId);
      const settled = (p: PartitionAnswer): PartitionAnswer =>
        p.errorCode === ErrorCode.NONE && durable !== ErrorCode.NONE ? { ...p, errorCode: durable } : p;
      // The coordinator answers its topics in the order asked, each with the id it was asked with.
      answer.merge(
        r.topics.map((t, i) => ({
          name: t.name,
          topicId: toCommit[i]!.topicId,
          partitions: t.partitions.map(settled),
        })),
      );
    }
    return { throttleTimeMs: 0, topics: answer.topics };
  },
};
