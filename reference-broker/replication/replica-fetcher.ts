/**
 * A follower's fetcher for the partitions one leader leads (Kafka's ReplicaFetcherThread): real
 * Fetch requests with this node's replica id, over the Kafka wire protocol to the leader's
 * client listener, appending what comes back with the offsets and leader epochs the leader gave.
 *
 * Before it fetches a partition, and whenever the leader answers with a diverging epoch, the
 * follower truncates a divergent tail by leader epochs, never by high watermark alone (KIP-101,
 * KIP-279): it asks the leader (OffsetForLeaderEpoch, with its replica id) where its own latest
 * epoch ends there, and cuts its log at the smaller of that offset and where that epoch ends
 * locally. A high watermark truncation would lose acknowledged records when two leaders fail in
 * a row, or keep records the new leader never had.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-101+-+Alter+Replication+Protocol+to+use+Leader+Epoch+rather+than+High+Watermark+for+Truncation
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-279%3A+Fix+log+divergence+between+leader+and+follower+after+fast+leader+fail+over
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { FetchRequest } from '../../protocol/messages/generated/index.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import { RawClient, UnsupportedApiError } from '../../protocol/client/raw-client.ts';
import { batchSizeAt, readBatchHeader, RECORD_BATCH_OVERHEAD } from '../../protocol/records/batch-header.ts';
import type { Broker } from '../broker.ts';
import { epochEndOffset } from '../topics/epoch-end-offset.ts';
import type { Partition } from '../topics/topic-registry.ts';
import type { ClusterBroker } from './cluster-link.ts';
import { observeBatch } from '../producers/observe-batch.ts';
import { rebuildProducerState } from './producer-state-rebuild.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/**
 * Fetch as a follower: v12 brings lastFetchedEpoch and the diverging epoch (KIP-595) this
 * fetcher truncates by, and is the last to name topics by name.
 */
const FETCH_VERSIONS = { min: 12, max: 12 } as const;
/** v3 is the first that names the asking replica. */
const OFFSET_FOR_LEADER_EPOCH_VERSIONS = { min: 3, max: 4 } as const;
/** replica.fetch.max.bytes / replica.fetch.response.max.bytes */
const FETCH_MAX_BYTES = 10 * 1024 * 1024;
const PARTITION_MAX_BYTES = 1024 * 1024;
/** replica.fetch.backoff.ms */
const BACKOFF_MS = 200;

/** A partition this fetcher follows, in the leader epoch it was told about. */
interface Followed {
  readonly partition: Partition;
  readonly leaderEpoch: number;
  /** True until the divergent tail (if any) has been cut for this leader epoch. */
  needsTruncation: boolean;
  /**
   * Known bug skip-truncation struck: the divergent tail was kept, and the replica fetches on
   * as a follower without leader epochs would (no last fetched epoch, so the leader cannot point
   * at the divergence), lining up with the leader's batches by cutting only where one straddles
   * its log end.
   */
  keepsDivergentTail?: boolean;
}

function key(p: { topic: string; index: number }): string {
  return `${p.topic}-${p.index}`;
}

/** Follows one leader's partitions until stopped or left with none. */
export class ReplicaFetcher {
  private readonly broker: Broker;
  private readonly leaderId: number;
  private readonly leaderEndpoint: () => ClusterBroker | undefined;
  private readonly brokerEpoch: () => number;
  private readonly followed = new Map<string, Followed>();
  private client: RawClient | undefined;
  private warnedUnsupported = false;
  private running = false;
  private stopped = false;

  constructor(
    broker: Broker,
    leaderId: number,
    leaderEndpoint: () => ClusterBroker | undefined,
    brokerEpoch: () => number,
  ) {
    this.broker = broker;
    this.leaderId = leaderId;
    this.leaderEndpoint = leaderEndpoint;
    this.brokerEpoch = brokerEpoch;
  }

  /** Partitions followed now (status and tests). */
  get partitions(): string[] {
    return [...this.followed.keys()];
  }

  /** Follows `p` in its current leader epoch (again from truncation when the epoch changed). */
  add(p: Partition): void {
    const existing = this.followed.get(key(p));
    if (existing && existing.leaderEpoch === p.leaderEpoch && existing.partition === p) return;
    this.followed.set(key(p), { partition: p, leaderEpoch: p.leaderEpoch, needsTruncation: true });
    this.broker.log.info(
      `following ${key(p)} from node ${this.leaderId} in epoch ${p.leaderEpoch} (log end ${p.log.logEndOffset})`,
    );
    if (!this.running && !this.stopped) void this.loop();
  }

  remove(p: Partition): void {
    this.followed.delete(key(p));
  }

  stop(): void {
    this.stopped = true;
    this.followed.clear();
    this.client?.close();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.followed.size > 0) {
        try {
          const client = await this.connection();
          if (!client) {
            await sleep(BACKOFF_MS);
            continue;
          }
          await this.truncate(client);
          await this.fetch(client);
        } catch (err) {
          // A leader that serves no version this fetcher speaks will not change its mind: say so where it is seen.
          if (err instanceof UnsupportedApiError && !this.warnedUnsupported) {
            this.warnedUnsupported = true;
            this.broker.log.warn(`fetcher for node ${this.leaderId}: ${err.message}`);
          } else this.broker.log.debug(`fetcher for node ${this.leaderId}: ${(err as Error).message}`);
          this.client?.close();
          this.client = undefined;
          await sleep(BACKOFF_MS);
        }
      }
    } finally {
      this.running = false;
      this.client?.close();
      this.client = undefined;
    }
  }

  private async connection(): Promise<RawClient | undefined> {
    if (this.client && !this.client.closed) return this.client;
    const leader = this.leaderEndpoint();
    if (!leader) return undefined;
    this.client = await RawClient.connect(
      `${leader.host}:${leader.port}`,
      `kconform-replica-${this.broker.nodeId}`,
      5_000,
    );
    return this.client;
  }

  /** OffsetForLeaderEpoch for every partition that has not been truncated in its current epoch. */
  private async truncate(client: RawClient): Promise<void> {
    const pending = [...this.followed.values()].filter((f) => f.needsTruncation);
    if (pending.length === 0) return;
    const byTopic = new Map<string, Followed[]>();
    for (const f of pending) byTopic.set(f.partition.topic, [...(byTopic.get(f.partition.topic) ?? []), f]);
    const answer = await client.send(
      ApiKey.OffsetForLeaderEpoch,
      {
        replicaId: this.broker.nodeId,
        topics: [...byTopic].map(([topic, list]) => ({
          topic,
          partitions: list.map((f) => ({
            partition: f.partition.index,
            currentLeaderEpoch: f.leaderEpoch,
            leaderEpoch: latestEpoch(f.partition),
          })),
        })),
      },
      { versions: OFFSET_FOR_LEADER_EPOCH_VERSIONS, timeoutMs: 10_000 },
    );
    for (const t of answer.topics) {
      for (const r of t.partitions) {
        const f = this.followed.get(`${t.topic}-${r.partition}`);
        if (!f?.needsTruncation) continue;
        if (r.errorCode !== ErrorCode.NONE) continue; // the metadata will move us; retry after the backoff
        this.truncateToLeader(f, r.leaderEpoch, Number(r.endOffset));
        f.needsTruncation = false;
      }
    }
    if ([...this.followed.values()].every((f) => f.needsTruncation)) await sleep(BACKOFF_MS);
  }

  /**
   * Cuts the local log where it stops agreeing with the leader, given the leader's answer for
   * our latest epoch: `leaderEpoch` (the largest epoch the leader has at or below ours) ending at
   * `endOffset` there. Kafka's LeaderEpochFileCache/AbstractFetcherThread rules.
   */
  private truncateToLeader(f: Followed, leaderEpoch: number, endOffset: number): void {
    const p = f.partition;
    const log = p.log;
    let target: number;
    if (leaderEpoch < 0 || endOffset < 0)
      target = log.highWatermark; // the leader knows no common epoch: Kafka falls back to the high watermark
    else if (leaderEpoch === latestEpoch(p)) target = Math.min(endOffset, log.logEndOffset);
    else target = Math.min(endOffset, Math.max(epochEndOffset(log, leaderEpoch).endOffset, 0));
    if (target >= log.logEndOffset) {
      // Nothing to cut, but an epoch this replica led without appending may start at its log end;
      // the leader never had it. Dropping it (as Kafka's truncateTo does) makes the next fetch name
      // an epoch the leader knows; kept, every fetch would get the same divergence back forever.
      log.truncateTo(log.logEndOffset);
      return;
    }
    if (this.broker.bugs.strikes('skip-truncation')) {
      this.broker.log.warn(
        `${key(p)}: known bug skip-truncation: keeping the divergent tail from ${target} to ${log.logEndOffset}`,
      );
      f.keepsDivergentTail = true;
      return;
    }
    this.broker.log.info(
      `${key(p)}: truncating the divergent tail from ${target} to ${log.logEndOffset} (leader epoch ${leaderEpoch} ends at ${endOffset} on node ${this.leaderId})`,
    );
    log.truncateTo(target);
    rebuildProducerState(p);
  }

  private async fetch(client: RawClient): Promise<void> {
    const ready = [...this.followed.values()].filter((f) => !f.needsTruncation);
    if (ready.length === 0) return;
    const byTopic = new Map<string, Followed[]>();
    for (const f of ready) byTopic.set(f.partition.topic, [...(byTopic.get(f.partition.topic) ?? []), f]);
    const waitMs = this.broker.config.replicaFetchWaitMaxMs;
    const request: FetchRequest = {
      clusterId: null,
      replicaId: this.broker.nodeId,
      replicaState: { replicaId: this.broker.nodeId, replicaEpoch: BigInt(this.brokerEpoch()) },
      maxWaitMs: waitMs,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        topicId: NULL_UUID,
        partitions: list.map((f) => ({
          partition: f.partition.index,
          currentLeaderEpoch: f.leaderEpoch,
          fetchOffset: BigInt(f.partition.log.logEndOffset),
          lastFetchedEpoch: f.keepsDivergentTail ? -1 : latestEpoch(f.partition),
          logStartOffset: BigInt(f.partition.log.logStartOffset),
          partitionMaxBytes: PARTITION_MAX_BYTES,
          replicaDirectoryId: NULL_UUID,
          highWatermark: -1n,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    };
    const sent = new Map(ready.map((f) => [key(f.partition), f]));
    const response = await client.send(ApiKey.Fetch, request, { versions: FETCH_VERSIONS, timeoutMs: waitMs + 10_000 });
    let backoff = response.errorCode !== ErrorCode.NONE;
    for (const t of response.responses) {
      for (const r of t.partitions) {
        const k = `${t.topic}-${r.partitionIndex}`;
        const f = this.followed.get(k);
        // Dropped or re-added in another epoch while the request was out: the answer is stale.
        if (!f || f !== sent.get(k)) continue;
        if (r.errorCode !== ErrorCode.NONE) {
          backoff = true;
          if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) f.needsTruncation = true;
          continue;
        }
        if (r.divergingEpoch.epoch >= 0 || r.divergingEpoch.endOffset >= 0n) {
          this.truncateToLeader(f, r.divergingEpoch.epoch, Number(r.divergingEpoch.endOffset));
          continue;
        }
        this.appendAsFollower(f, r.records ?? Buffer.alloc(0));
        const log = f.partition.log;
        log.highWatermark = Math.min(Number(r.highWatermark), log.logEndOffset);
        // DeleteRecords and retention on the leader move the log start; followers follow (Kafka's maybeIncrementLogStartOffset).
        const leaderStart = Math.min(Number(r.logStartOffset), log.highWatermark);
        if (leaderStart > log.logStartOffset) log.deleteRecordsBefore(leaderStart);
      }
    }
    this.broker.notifyAppend();
    if (backoff) await sleep(BACKOFF_MS);
  }

  /** Appends whole batches at the offsets and epochs the leader assigned; a trailing partial batch waits for the next fetch. */
  private appendAsFollower(f: Followed, records: Buffer): void {
    const p = f.partition;
    const now = Date.now();
    let pos = 0;
    while (pos + RECORD_BATCH_OVERHEAD <= records.length) {
      const size = batchSizeAt(records, pos);
      if (size < RECORD_BATCH_OVERHEAD || pos + size > records.length) break;
      const h = readBatchHeader(records, pos);
      const lastOffset = h.baseOffset + h.lastOffsetDelta;
      const end = p.log.logEndOffset;
      if (lastOffset < end) {
        pos += size;
        continue;
      }
      if (h.baseOffset < end && f.keepsDivergentTail) {
        // skip-truncation: cut only as far as needed to append the leader's batch; the rest of the tail stays.
        p.log.truncateTo(h.baseOffset);
        rebuildProducerState(p);
      } else if (h.baseOffset !== end) {
        this.broker.log.warn(
          `${key(p)}: the leader sent a batch at ${h.baseOffset}, this replica ends at ${end}; truncating again`,
        );
        f.needsTruncation = true;
        return;
      }
      p.log.append(Buffer.from(records.subarray(pos, pos + size)), h.partitionLeaderEpoch, now);
      observeBatch(p.producers, h, records, pos, size);
      pos += size;
    }
  }
}

/** The latest leader epoch in the local log, -1 when it has none. */
function latestEpoch(p: Partition): number {
  const entries = p.log.epochEntries();
  return entries.length ? entries[entries.length - 1]!.epoch : -1;
}
