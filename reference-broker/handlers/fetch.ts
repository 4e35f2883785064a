/**
 * Fetch (key 1), versions 4-18. Consumers pull: the broker answers at once when min.bytes are
 * there, otherwise holds the request up to max.wait.ms and answers as soon as an append makes
 * min.bytes available (long polling). Limits: max.bytes for the whole answer and
 * partition.max.bytes per partition, except that the first batch of the first partition with
 * data is returned whole even when larger, so a consumer can always make progress (KIP-74).
 * Fetch sessions (KIP-227) are not kept: every answer has session id 0, which tells the client
 * to keep sending full fetches — what Kafka does when its session cache is full. A request that
 * continues a session (epoch other than 0 and -1) gets FETCH_SESSION_ID_NOT_FOUND, as Kafka's
 * FetchManager answers for a session it does not have; epochs 0 and -1 are full fetches.
 * Consumers read up to the high watermark; follower fetches (replica id >= 0) up to the log end,
 * and tell the leader how far each follower has come (its fetch offset is its log end), which
 * moves the high watermark and the ISR. Only the leader serves a partition; elsewhere
 * NOT_LEADER_OR_FOLLOWER names the leader it knows (v16+, with FENCED_LEADER_EPOCH too).
 *
 * As Kafka 4.4.0's KafkaApis.handleFetchRequest: partitions are keyed by topic and index (one
 * named twice is answered once, with its last fetch position); partitions of unknown topics are
 * answered after the ones read, with aborted_transactions [] (FetchResponse.partitionResponse),
 * while errors of the read itself carry null; answers are grouped per topic only where the same
 * topic follows itself (FetchResponse.toMessage).
 * A last fetched epoch (v12+, KIP-320) is checked for consumers and followers alike, as
 * Partition.readRecords does: an epoch the leader cannot place is OFFSET_OUT_OF_RANGE, and a
 * position past where that epoch ended here is answered with the diverging epoch and no records.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-74%3A+Add+Fetch+Response+Size+Limit+in+Bytes
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-227%3A+Introduce+Incremental+FetchRequests+to+Increase+Partition+Scalability
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { FetchRequest, FetchResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { OffsetOutOfRangeError } from '../log/index.ts';
import { batchSizeAt, readBatchHeader, RECORD_BATCH_OVERHEAD } from '../../protocol/records/batch-header.ts';
import { applyFetchBugs } from '../bugs/fetch-bugs.ts';
import { readCommittedEnd, servedAbortedTransactions } from '../bugs/txn-bugs.ts';
import { epochEndOffset } from '../topics/epoch-end-offset.ts';
import type { Partition } from '../topics/topic-registry.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, authorized, clusterAuthorized, ResourceType } from './authorize.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type TopicResponse = FetchResponse['responses'][number];
type PartitionResponse = TopicResponse['partitions'][number];
type PartitionRequest = FetchRequest['topics'][number]['partitions'][number];

const EMPTY = Buffer.alloc(0);
/** JFetchMetadata.INITIAL_EPOCH and FINAL_EPOCH: the session epochs of a full fetch. */
const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;

/** A partition's answer; an error answer carries -1 watermarks and log start, as Kafka's does (checked against 4.4.0). */
function partitionResponse(
  partitionIndex: number,
  errorCode: number,
  hw = -1,
  lso = -1,
  logStart = -1,
  records: Buffer = EMPTY,
): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: BigInt(hw),
    lastStableOffset: BigInt(lso),
    logStartOffset: BigInt(logStart),
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

/** One distinct partition of the request. */
interface Wanted {
  /** The topic name as Kafka keys it ('' for an unknown topic id on v13+). */
  name: string;
  topicId: string;
  partitionIndex: number;
  /** Set for partitions the broker knows. */
  partition?: Partition;
  /** The last fetch position given for it. */
  request: PartitionRequest;
  /** Set for partitions Kafka answers before reading (unknown topic id, topic or partition). */
  error?: number;
}

/**
 * The request's partitions in Kafka's order: a LinkedHashMap keyed by topic id, name and index
 * (first position, last value), then split into the ones to read and the ones answered at once
 * (unknown topic ids first for consumers, as KafkaApis' two passes do; in request order for followers).
 */
function wantedPartitions(
  req: FetchRequest,
  broker: Broker,
  apiVersion: number,
  isFollower: boolean,
  mayRead: (topic: string) => boolean,
): { read: Wanted[]; erroneous: Wanted[] } {
  const byKey = new Map<string, Wanted>();
  for (const t of req.topics) {
    const topic = apiVersion >= 13 ? broker.topics.getById(t.topicId) : broker.topics.get(t.topic);
    const name = apiVersion >= 13 ? (topic?.name ?? '') : t.topic;
    const topicId = apiVersion >= 13 ? t.topicId : t.topicId;
    for (const p of t.partitions) {
      const key = `${topicId}\u0000${name}\u0000${p.partition}`;
      const earlier = byKey.get(key);
      if (earlier) {
        earlier.request = p;
        continue;
      }
      const partition = topic?.partitions[p.partition];
      const error =
        apiVersion >= 13 && !topic
          ? ErrorCode.UNKNOWN_TOPIC_ID
          : !mayRead(name)
            ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
            : !partition
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : undefined;
      byKey.set(key, { name, topicId, partitionIndex: p.partition, partition, request: p, error });
    }
  }
  const all = [...byKey.values()];
  const read = all.filter((w) => w.error === undefined);
  const erroneous = isFollower
    ? all.filter((w) => w.error !== undefined)
    : [
        ...all.filter((w) => w.error === ErrorCode.UNKNOWN_TOPIC_ID),
        ...all.filter((w) => w.error !== undefined && w.error !== ErrorCode.UNKNOWN_TOPIC_ID),
      ];
  return { read, erroneous };
}

/** What reading one partition gave. */
interface ReadOutcome {
  answer: PartitionResponse;
  /** Bytes of records in the answer. */
  bytes: number;
  /** The read failed or diverged: Kafka answers at once (errorReadingData, hasDivergingEpoch). */
  immediate: boolean;
}

/** Reads one known partition as Kafka's Partition.fetchRecords/readRecords does. */
function readPartition(
  broker: Broker,
  w: Wanted,
  ctx: {
    apiVersion: number;
    replicaId: number;
    readCommitted: boolean;
    limit: number;
    first: boolean;
    leaders: Set<number>;
  },
): ReadOutcome {
  const partition = w.partition!;
  const p = w.request;
  const log = partition.log;
  const isFollower = ctx.replicaId >= 0;
  const fail = (code: number): ReadOutcome => {
    const answer = partitionResponse(p.partition, code);
    // KafkaApis names the current leader for these two errors from Fetch v16 on (KIP-951).
    if (ctx.apiVersion >= 16 && (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.FENCED_LEADER_EPOCH)) {
      answer.currentLeader = { leaderId: partition.leaderId, leaderEpoch: partition.leaderEpoch };
      if (partition.leaderId >= 0) ctx.leaders.add(partition.leaderId);
    }
    return { answer, bytes: 0, immediate: true };
  };
  if (p.currentLeaderEpoch !== -1 && p.currentLeaderEpoch !== partition.leaderEpoch) {
    return fail(
      p.currentLeaderEpoch < partition.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH,
    );
  }
  if (!broker.replication.isLeader(partition)) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  // Partition.followerReplicaOrThrow: only a replica of the partition (other than the leader) may fetch as one.
  if (isFollower && (ctx.replicaId === broker.nodeId || !partition.replicas.includes(ctx.replicaId)))
    return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const fetchOffset = Number(p.fetchOffset);
  // known bug 'stale-read': consumers are served a high watermark that lags the real one
  const consumerEnd = Math.max(
    log.logStartOffset,
    broker.bugs.consumerHighWatermark(`${partition.topic}-${partition.index}`, log.highWatermark),
  );
  const highWatermark = isFollower ? log.highWatermark : consumerEnd;
  if (p.lastFetchedEpoch >= 0) {
    const end = epochEndOffset(log, p.lastFetchedEpoch);
    // An epoch the leader cannot place, or a position below the log start: OffsetOutOfRangeException.
    if (end.leaderEpoch < 0 || end.endOffset < 0 || fetchOffset < log.logStartOffset)
      return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
    if (end.leaderEpoch < p.lastFetchedEpoch || end.endOffset < fetchOffset) {
      // KIP-320: the fetcher's log diverged from this one where its last epoch ended here.
      const answer = partitionResponse(p.partition, ErrorCode.NONE, highWatermark, highWatermark, log.logStartOffset);
      answer.divergingEpoch = { epoch: end.leaderEpoch, endOffset: BigInt(end.endOffset) };
      return { answer, bytes: 0, immediate: true };
    }
  }
  if (isFollower && !broker.replication.recordFollowerFetch(partition, ctx.replicaId, fetchOffset))
    return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  try {
    // read_committed consumers read up to the last stable offset (KIP-98), the others to the high watermark.
    // known bug 'lso-ahead': the last stable offset runs past open transactions
    const lso = readCommittedEnd(broker.bugs, partition.producers.lastStableOffset(consumerEnd), consumerEnd);
    const readCommitted = ctx.readCommitted && !isFollower;
    const end = isFollower ? log.logEndOffset : readCommitted ? lso : consumerEnd;
    // Only the first partition with data may exceed the limits (KIP-74).
    const read = log.read(fetchOffset, Math.max(ctx.limit, 0), end, ctx.first);
    const records = applyFetchBugs(broker.bugs, read.records);
    const hw = isFollower ? read.highWatermark : Math.min(read.highWatermark, consumerEnd);
    const answer = partitionResponse(p.partition, ErrorCode.NONE, hw, Math.min(lso, hw), read.logStartOffset, records);
    // read_committed reads get the aborted transactions of the range read (UnifiedLog.addAbortedTransactions)
    if (readCommitted)
      // known bug 'expose-aborted': the answer leaves its aborted transactions out
      answer.abortedTransactions = servedAbortedTransactions(
        broker.bugs,
        partition.producers
          .abortedTransactions(fetchOffset, endOfBatches(records, fetchOffset))
          .map((t) => ({ producerId: BigInt(t.producerId), firstOffset: BigInt(t.firstOffset) })),
      );
    return { answer, bytes: records.length, immediate: false };
  } catch (err) {
    if (!(err instanceof OffsetOutOfRangeError)) throw err;
    return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
  }
}

/** The offset after the last whole batch in `records` (`from` when there is none). */
function endOfBatches(records: Buffer, from: number): number {
  let end = from;
  let pos = 0;
  while (pos + RECORD_BATCH_OVERHEAD <= records.length) {
    const size = batchSizeAt(records, pos);
    if (size < RECORD_BATCH_OVERHEAD || pos + size > records.length) break;
    const h = readBatchHeader(records, pos);
    end = h.baseOffset + h.lastOffsetDelta + 1;
    pos += size;
  }
  return end;
}

/** FetchResponse.toMessage: partitions in order, a topic entry per run of the same topic. */
function groupByTopic(answers: { w: Wanted; answer: PartitionResponse }[]): TopicResponse[] {
  const topics: TopicResponse[] = [];
  for (const { w, answer } of answers) {
    const last = topics.at(-1);
    if (last && last.topic === w.name && last.topicId === w.topicId) last.partitions.push(answer);
    else topics.push({ topic: w.name, topicId: w.topicId, partitions: [answer] });
  }
  return topics;
}

/**
 * True when Kafka 4.4.0 fails to build this answer. FetchResponse.toMessage groups a partition
 * with the topic entry before it by id, or by name when that entry's id is the zero Uuid; on
 * v13+ a zero id resolves to no topic, so the name is null and `previousTopic.topic().equals`
 * throws a NullPointerException. KafkaApis then answers FetchRequest.getErrorResponse: top-level
 * UNKNOWN_SERVER_ERROR, no partitions, the request's session id. So any partition answered after
 * one of the zero topic id fails the whole request; a zero id answered last does not (checked
 * against 4.4.0 with raw requests, sessions or not, v13-v18). Kafka answers so only when it
 * answers at once: a fetch that waited in purgatory (min.bytes not there) throws on the timer
 * thread and is never answered, its connection muted for good. Here it gets the same error after
 * the wait instead: hanging a client is not worth copying.
 */
function zeroTopicIdBreaksGrouping(answers: readonly { w: Wanted }[], apiVersion: number): boolean {
  if (apiVersion < 13) return false;
  return answers.some(({ w }, i) => i < answers.length - 1 && w.topicId === NULL_UUID);
}

/** Reads every partition to read once; returns the answers (read ones first) and whether to answer now. */
function collect(
  req: FetchRequest,
  broker: Broker,
  apiVersion: number,
  wanted: { read: Wanted[]; erroneous: Wanted[] },
  leaders: Set<number>,
): { responses: TopicResponse[]; bytes: number; immediate: boolean; kafkaFails: boolean } {
  const replicaId = apiVersion >= 15 ? req.replicaState.replicaId : req.replicaId;
  const readCommitted = req.isolationLevel === 1;
  let remaining = req.maxBytes;
  let bytes = 0;
  let immediate = false;
  const answers: { w: Wanted; answer: PartitionResponse }[] = [];
  for (const w of wanted.read) {
    const got = readPartition(broker, w, {
      apiVersion,
      replicaId,
      readCommitted,
      limit: Math.min(w.request.partitionMaxBytes, remaining),
      first: bytes === 0,
      leaders,
    });
    bytes += got.bytes;
    remaining -= got.bytes;
    immediate ||= got.immediate;
    answers.push({ w, answer: got.answer });
  }
  for (const w of wanted.erroneous) {
    const answer = partitionResponse(w.partitionIndex, w.error!);
    answer.abortedTransactions = [];
    answers.push({ w, answer });
  }
  return {
    responses: groupByTopic(answers),
    bytes,
    immediate,
    kafkaFails: zeroTopicIdBreaksGrouping(answers, apiVersion),
  };
}

function waitForAppend(broker: Broker, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      broker.appends.off('append', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    broker.appends.on('append', done);
  });
}

export const fetchHandler: ApiHandler<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  ...specVersions(ApiKey.Fetch),
  async handle(req, ctx) {
    const { broker, apiVersion, connection } = ctx;
    const base = { throttleTimeMs: 0, sessionId: 0, nodeEndpoints: [] };
    // FetchMetadata.isFull: epochs 0 and -1 start over (closing any session named); any other
    // epoch continues a session, and this broker has none (Fetch before v7 has no sessions).
    if (apiVersion >= 7 && req.sessionEpoch !== INITIAL_EPOCH && req.sessionEpoch !== FINAL_EPOCH) {
      return { ...base, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, responses: [] };
    }
    const replicaId = apiVersion >= 15 ? req.replicaState.replicaId : req.replicaId;
    // A follower needs CLUSTER_ACTION on the cluster for every partition, a consumer READ on each topic (KafkaApis.handleFetchRequest).
    const followerAllowed = replicaId >= 0 && clusterAuthorized(ctx, AclOperation.CLUSTER_ACTION);
    const wanted = wantedPartitions(req, broker, apiVersion, replicaId >= 0, (t) =>
      replicaId >= 0 ? followerAllowed : authorized(ctx, AclOperation.READ, ResourceType.TOPIC, t),
    );
    const deadline = Date.now() + req.maxWaitMs;
    for (;;) {
      const leaders = new Set<number>();
      const got = collect(req, broker, apiVersion, wanted, leaders);
      const left = deadline - Date.now();
      // ReplicaManager.fetchMessages answers at once without partitions to read, on enough bytes,
      // on a read error or a diverging epoch; partitions of unknown topics do not count.
      if (got.bytes >= req.minBytes || got.immediate || left <= 0 || wanted.read.length === 0 || connection.isClosed) {
        if (got.kafkaFails)
          return { ...base, sessionId: req.sessionId, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, responses: [] };
        return {
          ...base,
          nodeEndpoints: broker.nodeEndpoints(leaders),
          errorCode: ErrorCode.NONE,
          responses: got.responses,
        };
      }
      await waitForAppend(broker, left);
    }
  },
};
