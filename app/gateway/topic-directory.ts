/**
 * What the gateway knows of the cluster: its id and each topic's partition count, asked with
 * Metadata over the raw protocol with allowAutoTopicCreation on. A topic the broker does not
 * have yet is asked for again until it appears or `topicWaitMs` passes, as the Java producer
 * behind REST Proxy waits for a topic's metadata up to max.block.ms: Kafka (KRaft) answers the
 * Metadata that starts an auto-creation with UNKNOWN_TOPIC_OR_PARTITION — the CreateTopics it
 * forwards to the controller is still in flight (AutoTopicCreationManager) — so that answer does
 * not mean "no such topic" until the wait is over. Topics being created or electing
 * (LEADER_NOT_AVAILABLE) are asked again the same way.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ErrorCode, errorName } from '../../protocol/errors/generated/error-codes.ts';
import { GatewayHttpError, RestErrorCode, httpErrorFor } from './http-errors.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';
/** The newest Metadata version that still names topics by name everywhere. */
const METADATA_MAX = 12;
/** How long a topic's partition count is trusted. */
const TOPIC_TTL_MS = 10_000;
/** Between two Metadata requests for a topic that is not there yet (the Java client's retry.backoff.ms). */
const RETRY_BACKOFF_MS = 100;

/** A topic the cluster has, as far as producing needs to know. */
export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
}

/** Cluster id and topic partition counts of one cluster, cached briefly. */
export class TopicDirectory {
  private readonly bootstrap: string[];
  private readonly timeoutMs: number;
  private readonly topicWaitMs: number;
  /** Lookups in progress, so concurrent first requests for a new topic share one wait. */
  private readonly pending = new Map<string, Promise<TopicInfo>>();
  private client: Promise<{ client: RawClient; version: number }> | undefined;
  private readonly topics = new Map<string, { info: TopicInfo; at: number }>();
  private clusterIdValue: string | undefined;

  /**
   * @param timeoutMs longest wait for one Metadata answer
   * @param topicWaitMs longest wait for a topic the broker does not have yet (default 10 s)
   */
  constructor(bootstrap: string, timeoutMs = 10_000, topicWaitMs = 10_000) {
    this.bootstrap = bootstrap
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    this.timeoutMs = timeoutMs;
    this.topicWaitMs = topicWaitMs;
  }

  /** The cluster id (Metadata's ClusterId; "unknown" for brokers too old to say). */
  async clusterId(): Promise<string> {
    if (this.clusterIdValue === undefined) await this.metadata([]);
    return this.clusterIdValue!;
  }

  /**
   * The topic, creating it when the broker auto-creates topics.
   * @throws GatewayHttpError 404 / 40403 when it does not exist, 400 for an invalid name
   */
  async topic(name: string, refresh = false): Promise<TopicInfo> {
    const cached = this.topics.get(name);
    if (cached && !refresh && Date.now() - cached.at < TOPIC_TTL_MS) return cached.info;
    const pending = this.pending.get(name);
    if (pending) return pending;
    const lookup = this.lookup(name).finally(() => this.pending.delete(name));
    this.pending.set(name, lookup);
    return lookup;
  }

  private async lookup(name: string): Promise<TopicInfo> {
    const deadline = Date.now() + this.topicWaitMs;
    for (;;) {
      const res = await this.metadata([name]);
      const t = (res.topics as { name: string; errorCode: number; partitions: { partitionIndex: number }[] }[]).find(
        (x) => x.name === name,
      );
      const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (code === ErrorCode.NONE && t!.partitions.length > 0) {
        const info = { name, partitions: t!.partitions.length };
        this.topics.set(name, { info, at: Date.now() });
        return info;
      }
      if (code === ErrorCode.INVALID_TOPIC_EXCEPTION)
        throw new GatewayHttpError(400, RestErrorCode.kafkaBadRequest, `invalid topic name '${name}'`);
      if (Date.now() >= deadline) {
        if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
          throw new GatewayHttpError(
            404,
            RestErrorCode.unknownTopicOrPartition,
            'This server does not host this topic-partition.',
          );
        throw httpErrorFor({
          type: errorName(code),
          message: `topic ${name}: ${errorName(code)} for ${this.topicWaitMs} ms`,
        });
      }
      // not there yet (being auto-created), or electing: ask again
      await sleep(Math.min(RETRY_BACKOFF_MS, Math.max(0, deadline - Date.now())));
    }
  }

  /** Closes the connection. */
  close(): void {
    void this.client?.then(
      ({ client }) => client.close(),
      () => {},
    );
    this.client = undefined;
  }

  // biome-ignore lint/suspicious/noExplicitAny: a decoded Metadata body (generated codecs are untyped)
  private async metadata(topics: string[]): Promise<any> {
    const { client, version } = await this.connection();
    try {
      const res = await client.request(
        ApiKey.Metadata,
        version,
        {
          topics: topics.map((name) => ({ topicId: NO_TOPIC_ID, name })),
          allowAutoTopicCreation: true,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        },
        this.timeoutMs,
      );
      this.clusterIdValue = res.clusterId ?? 'unknown';
      return res;
    } catch (err) {
      // a broken connection is replaced on the next call
      this.close();
      throw err;
    }
  }

  private connection(): Promise<{ client: RawClient; version: number }> {
    if (this.client) {
      const existing = this.client;
      return existing.then((c) => {
        if (!c.client.closed) return c;
        this.client = undefined;
        return this.connection();
      });
    }
    const attempt = (async () => {
      let lastError: unknown;
      for (const b of this.bootstrap) {
        try {
          const client = await RawClient.connect(b, 'kconform-gateway', this.timeoutMs);
          const version = await client
            .negotiate(ApiKey.Metadata, { max: METADATA_MAX }, this.timeoutMs)
            .catch((err: unknown) => {
              client.close();
              throw err;
            });
          return { client, version };
        } catch (err) {
          lastError = err;
        }
      }
      throw lastError;
    })();
    this.client = attempt;
    attempt.catch(() => {
      if (this.client === attempt) this.client = undefined;
    });
    return attempt;
  }
}
