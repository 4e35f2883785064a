/**
 * Produce (key 0), versions 3-13 (Kafka 4 removed 0-2, KIP-896; v13 names topics by id, KIP-516).
 * acks=0 gets no response at all, and an error under acks=0 closes the connection so the client
 * notices, as Kafka does; acks=1 answers after the leader's append; acks=-1 once the high
 * watermark passed the records (every in-sync replica has them; a single node is its own ISR),
 * or REQUEST_TIMED_OUT after the request's timeout. Only the partition's leader appends;
 * elsewhere NOT_LEADER_OR_FOLLOWER names the leader it knows (v10+, KIP-951).
 *
 * The order is Kafka 4.4.0's KafkaApis.handleProduceRequest: checks of the whole request first
 * (a corrupt first batch, a transactional batch without a transactional id: every partition gets
 * the error), then each partition is unknown, refused by ProduceRequest.validateRecords, or
 * handed to the append, where an invalid acks value answers INVALID_REQUIRED_ACKS. Partitions are
 * keyed by topic and index as in Kafka's maps: a partition named twice is appended once, with
 * the last batch given, and answered once; a topic with no partitions is not answered.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-98+-+Exactly+Once+Delivery+and+Transactional+Messaging
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { ProduceRequest, ProduceResponse } from '../../protocol/messages/generated/index.ts';
import { appendRecords, effectiveMinIsr, refused, type PartitionAppendOutcome } from '../append/append-records.ts';
import { produceRequestError, validateProduceRecords } from '../append/produce-checks.ts';
import { addPartitionImplicitly } from '../append/txn-implicit-add.ts';
import type { Broker } from '../broker.ts';
import type { Partition, Topic } from '../topics/topic-registry.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, authorized, ResourceType } from './authorize.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type TopicResponse = ProduceResponse['responses'][number];

/** Kafka's AdminUtils.ADMIN_CLIENT_ID: the only client allowed to write to internal topics. */
const ADMIN_CLIENT_ID = '__admin_client';

/** One partition of the request after Kafka's per-partition classification. */
interface Entry {
  name: string;
  topicId: string;
  index: number;
  /** The last batch given that may be appended (Kafka's authorizedRequestInfo keeps the last one). */
  toAppend?: { partition: Partition; records: Buffer };
  /** The answer when the partition is refused before the append; it wins over an append's answer. */
  refusal?: PartitionAppendOutcome;
  /**
   * The last records given for this existing partition were null. Kafka's validateRecords lets
   * null through (it is not a Records), so null reaches the append and fails the whole request
   * there: nothing of the request is appended (see {@link NULL_RECORDS_MESSAGE}).
   */
  nullRecords?: boolean;
}

/**
 * Why nothing of a request with null records is appended. Kafka 4.4.0's
 * ProduceRequest.validateRecords checks only `Records` instances, so a partition's null records
 * go into authorizedRequestInfo like a valid batch, and ReplicaManager fails on them before it
 * appends any partition (the request is never answered; the connection stays open). The
 * reference broker appends nothing either, and answers every partition it would have appended
 * with INVALID_RECORD instead of leaving the client without an answer.
 */
const NULL_RECORDS_MESSAGE =
  'not appended: a partition of this produce request has null records, which fails the whole request (nothing is appended, as in Kafka)';

/** Kafka's key of a partition: topic id and name (v13+ resolve the name from the id), index. */
function keyOf(name: string, topicId: string, index: number): string {
  return `${topicId}\u0000${name}\u0000${index}`;
}

/**
 * Every distinct partition of the request, classified as KafkaApis does: unknown topic id (v13+),
 * unknown topic or partition, refused by validateRecords, or ready for the append. Kafka keeps
 * these in maps keyed by partition and merges them as appended ++ nonExisting ++ invalid: a
 * partition named twice appends the last valid batch given, and a refusal of either batch is
 * what it answers.
 */
function classify(
  req: ProduceRequest,
  broker: Broker,
  apiVersion: number,
  mayWrite: (topic: string) => boolean,
): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const t of req.topicData) {
    const topic: Topic | undefined = apiVersion >= 13 ? broker.topics.getById(t.topicId) : broker.topics.get(t.name);
    const name = apiVersion >= 13 ? (topic?.name ?? '') : t.name;
    const topicId = apiVersion >= 13 ? t.topicId : (topic?.id ?? t.topicId);
    for (const p of t.partitionData) {
      const key = keyOf(name, topicId, p.index);
      let entry = entries.get(key);
      if (!entry) entries.set(key, (entry = { name, topicId, index: p.index }));
      const partition = topic?.partitions[p.index];
      if (apiVersion >= 13 && !topic) entry.refusal = refused(ErrorCode.UNKNOWN_TOPIC_ID, null);
      // Kafka refuses an unauthorized topic before it looks whether the topic exists (so a denied principal learns nothing)
      else if (!mayWrite(name)) entry.refusal = refused(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null);
      else if (!partition) entry.refusal = refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
      else if (p.records === null) {
        // as Kafka's map keeps the last records given: null replaces an earlier batch, and a later batch replaces null
        entry.nullRecords = true;
        entry.toAppend = undefined;
      } else {
        entry.nullRecords = false;
        const invalid = validateProduceRecords(apiVersion, p.records);
        if (invalid) entry.refusal = refused(invalid.errorCode, invalid.message);
        else entry.toAppend = { partition, records: p.records };
      }
    }
  }
  return entries;
}

/** Groups per-partition answers by topic, one entry per topic as Kafka's ProduceResponse builds them. */
function group(answers: { entry: Entry; o: PartitionAppendOutcome; redirect?: Partition }[]): TopicResponse[] {
  const topics = new Map<string, TopicResponse>();
  for (const { entry, o, redirect } of answers) {
    const k = `${entry.topicId}\u0000${entry.name}`;
    let t = topics.get(k);
    if (!t) topics.set(k, (t = { name: entry.name, topicId: entry.topicId, partitionResponses: [] }));
    t.partitionResponses.push({
      index: entry.index,
      errorCode: o.errorCode,
      baseOffset: BigInt(o.baseOffset),
      logAppendTimeMs: BigInt(o.logAppendTimeMs),
      logStartOffset: BigInt(o.logStartOffset),
      recordErrors: [],
      errorMessage: o.errorMessage,
      currentLeader: redirect
        ? { leaderId: redirect.leaderId, leaderEpoch: redirect.leaderEpoch }
        : { leaderId: -1, leaderEpoch: -1 },
    });
  }
  return [...topics.values()];
}

export const produceHandler: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  ...specVersions(ApiKey.Produce),
  async handle(req, ctx) {
    const { broker, apiVersion, connection, clientId } = ctx;
    const requestError =
      produceRequestError(
        req.transactionalId,
        req.topicData.flatMap((t) => t.partitionData.map((p) => p.records)),
      ) ??
      (req.transactionalId !== null &&
      !authorized(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)
        ? { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, message: null }
        : undefined);
    if (requestError) {
      // Kafka's ProduceRequest.getErrorResponse has no answer for acks=0: the connection is closed.
      if (req.acks === 0) {
        connection.close(
          `a produce with acks=0 failed as a whole (error ${requestError.errorCode}); closing the connection, as Kafka does`,
        );
        return null;
      }
      const entries = new Map<string, Entry>();
      for (const t of req.topicData)
        for (const p of t.partitionData)
          entries.set(keyOf(t.name, t.topicId, p.index), { name: t.name, topicId: t.topicId, index: p.index });
      const o = refused(requestError.errorCode, requestError.message);
      return {
        responses: group([...entries.values()].map((entry) => ({ entry, o }))),
        throttleTimeMs: 0,
        nodeEndpoints: [],
      };
    }

    const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
    const internalTopicsAllowed = clientId === ADMIN_CLIENT_ID;
    const leaders = new Set<number>();
    const entries = classify(req, broker, apiVersion, (t) =>
      authorized(ctx, AclOperation.WRITE, ResourceType.TOPIC, t),
    );
    const nullRecords = [...entries.values()].some((e) => e.nullRecords);
    const finish = (entry: Entry, appended: PartitionAppendOutcome, partition: Partition | undefined) => {
      const o = entry.refusal ?? appended;
      const redirect =
        o.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && apiVersion >= 10 && partition && partition.leaderId >= 0
          ? partition
          : undefined;
      if (redirect) leaders.add(redirect.leaderId);
      return { entry, o, redirect };
    };
    const answers = await Promise.all(
      [...entries.values()].map(async (entry) => {
        let o: PartitionAppendOutcome | undefined;
        const partition = entry.toAppend?.partition;
        if (entry.nullRecords)
          o = refused(
            ErrorCode.INVALID_RECORD,
            `Produce requests with version ${apiVersion} must have at least one record batch per partition`,
          );
        else if (entry.toAppend && partition) {
          if (nullRecords) o = refused(ErrorCode.INVALID_RECORD, NULL_RECORDS_MESSAGE);
          else if (!validAcks) o = refused(ErrorCode.INVALID_REQUIRED_ACKS, null);
          else {
            // transaction version 2 (Produce v12+): the leader adds the partition to the transaction first
            const notAdded = await addPartitionImplicitly(
              broker,
              partition,
              entry.toAppend.records,
              req.transactionalId,
              apiVersion,
            );
            if (notAdded) return finish(entry, notAdded, partition);
            o = appendRecords(broker, partition, entry.toAppend.records, req.acks, {
              apiVersion,
              internalTopicsAllowed,
              transactionalId: req.transactionalId,
            });
            if (o.errorCode === ErrorCode.NONE && req.acks === -1 && !broker.bugs.strikes('ignore-acks-all')) {
              const code = await broker.replication.waitForHighWatermark(
                partition,
                o.lastOffset + 1,
                effectiveMinIsr(broker, partition),
                req.timeoutMs,
              );
              if (code !== ErrorCode.NONE) o = { ...o, errorCode: code, errorMessage: null };
            }
          }
        }
        return finish(entry, o!, partition);
      }),
    );
    if (req.acks === 0) {
      if (answers.some((a) => a.o.errorCode !== ErrorCode.NONE))
        connection.close('a produce with acks=0 failed; closing the connection so the client notices, as Kafka does');
      return null;
    }
    return { responses: group(answers), throttleTimeMs: 0, nodeEndpoints: broker.nodeEndpoints(leaders) };
  },
};
