/**
 * What the gateway knows of the cluster: its id and each topic's partition count, asked with
 * Metadata over the raw protocol. Asking ourselves, with allowAutoTopicCreation on, answers an
 * unknown topic at once (UNKNOWN_TOPIC_OR_PARTITION when the broker does not auto-create), where
 * a client library would retry for seconds before giving up; topics the broker is creating
 * (LEADER_NOT_AVAILABLE) are asked again until they have leaders.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ErrorCode, errorName } from '../../protocol/errors/generated/error-codes.ts';
import { GatewayHttpError, RestErrorCode, httpErrorFor } from './http-errors.ts';

const API_VERSIONS = 18;
const METADATA = 3;
const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';
/** The newest Metadata version that still names topics by name everywhere. */
const METADATA_MAX = 12;
/** How long a topic's partition count is trusted. */
const TOPIC_TTL_MS = 10_000;

/** A topic the cluster has, as far as producing needs to know. */
export interface TopicInfo {
  readonly name: string;
  readonly partitions: number;
}

/** Cluster id and topic partition counts of one cluster, cached briefly. */
export class TopicDirectory {
  private readonly bootstrap: string[];
  private readonly timeoutMs: number;
  private client: Promise<{ client: RawClient; version: number }> | undefined;
  private readonly topics = new Map<string, { info: TopicInfo; at: number }>();
  private clusterIdValue: string | undefined;

  constructor(bootstrap: string, timeoutMs = 10_000) {
    this.bootstrap = bootstrap.split(',').map((s) => s.trim()).filter(Boolean);
    this.timeoutMs = timeoutMs;
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
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const res = await this.metadata([name]);
      const t = (res.topics as { name: string; errorCode: number; partitions: { partitionIndex: number }[] }[]).find((x) => x.name === name);
      const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (code === ErrorCode.NONE && t!.partitions.length > 0) {
        const info = { name, partitions: t!.partitions.length };
        this.topics.set(name, { info, at: Date.now() });
        return info;
      }
      if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new GatewayHttpError(404, RestErrorCode.unknownTopicOrPartition, 'This server does not host this topic-partition.');
      if (code === ErrorCode.INVALID_TOPIC_EXCEPTION) throw new GatewayHttpError(400, RestErrorCode.kafkaBadRequest, `invalid topic name '${name}'`);
      // LEADER_NOT_AVAILABLE and friends: being created or electing; ask again
      if (Date.now() > deadline) throw httpErrorFor({ type: errorName(code), message: `topic ${name}: ${errorName(code)} for ${this.timeoutMs} ms` });
      await sleep(50);
    }
  }

  /** Closes the connection. */
  close(): void {
    void this.client?.then(({ client }) => client.close(), () => {});
    this.client = undefined;
  }

  private async metadata(topics: string[]): Promise<any> {
    const { client, version } = await this.connection();
    try {
      const res = await client.request(
        METADATA,
        version,
        { topics: topics.map((name) => ({ topicId: NO_TOPIC_ID, name })), allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
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
      return existing.then((c) => (c.client.closed ? ((this.client = undefined), this.connection()) : c));
    }
    const attempt = (async () => {
      let lastError: unknown;
      for (const b of this.bootstrap) {
        try {
          const client = await RawClient.connect(b, 'kconform-gateway', this.timeoutMs);
          const av = await client.request(API_VERSIONS, 0, {}, this.timeoutMs);
          const max = (av.apiKeys as { apiKey: number; maxVersion: number }[]).find((k) => k.apiKey === METADATA)?.maxVersion ?? 0;
          return { client, version: Math.min(METADATA_MAX, max) };
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
