/**
 * Asking one node what it knows about its cluster, over the raw protocol: the brokers it lists,
 * the controller, partition leaders, and (KRaft) the leader of the metadata quorum. Used by the
 * cluster wait strategy and by the nemesis to pick "the leader" or "the controller". The raw
 * client is used instead of kafkajs so that an answer comes from exactly the node asked, with no
 * retries, no cached metadata and no reconnects to other brokers.
 */
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';
// The newest Metadata version whose request still names topics by name (v13 only adds an error code).
const METADATA_MAX = 12;

/** One partition as Metadata describes it. */
export interface PartitionView {
  readonly partition: number;
  readonly errorCode: number;
  /** -1 while there is no leader. */
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** A cluster as one node sees it. */
export interface ClusterView {
  /** The node that answered. */
  readonly answeredBy: string;
  readonly clusterId: string | null;
  /**
   * Metadata's controller id: the real controller in ZooKeeper mode; in KRaft a random live
   * broker (KIP-631), so use {@link fetchQuorumLeader} for the active controller there.
   */
  readonly controllerId: number;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
  /** The topics asked for (none unless asked). */
  readonly topics: ReadonlyMap<string, { readonly errorCode: number; readonly partitions: readonly PartitionView[] }>;
  /** API keys the node serves, with their highest version. */
  readonly apiVersions: ReadonlyMap<number, number>;
}

/** Options of {@link fetchClusterMetadata}. */
export interface MetadataProbeOptions {
  /** Topics whose partitions to describe; `'all'` for every topic the node knows; default none. */
  topics?: readonly string[] | 'all';
  /** For connecting and for each request; default 5 s. */
  timeoutMs?: number;
  /** Let the broker create the asked topics (auto.create.topics.enable), as a producer's Metadata does; default false. */
  allowAutoTopicCreation?: boolean;
}

async function withClient<T>(
  bootstrap: string,
  timeoutMs: number,
  use: (c: RawClient, versions: Map<number, number>) => Promise<T>,
): Promise<T> {
  const client = await RawClient.connect(bootstrap, 'kconform-cluster-probe', timeoutMs);
  try {
    const served = await client.serverVersions(timeoutMs);
    return await use(client, new Map([...served].map(([apiKey, r]) => [apiKey, r.max])));
  } finally {
    client.close();
  }
}

/**
 * Sends Metadata to `bootstrap` (and nowhere else).
 *
 * @throws when the node cannot be reached or does not answer within the timeout
 */
export function fetchClusterMetadata(bootstrap: string, opts: MetadataProbeOptions = {}): Promise<ClusterView> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return withClient(bootstrap, timeoutMs, async (client, versions) => {
    // v1 is the first with the controller id; the rest reads the same in every version.
    const res = await client.send(
      ApiKey.Metadata,
      {
        topics: opts.topics === 'all' ? null : (opts.topics ?? []).map((name) => ({ topicId: NO_TOPIC_ID, name })),
        allowAutoTopicCreation: opts.allowAutoTopicCreation ?? false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      },
      { versions: { min: 1, max: METADATA_MAX }, timeoutMs },
    );
    const topics = new Map<string, { errorCode: number; partitions: PartitionView[] }>();
    for (const t of res.topics) {
      // Only a topic asked for by id comes back without a name; these are asked for by name.
      if (t.name === null) continue;
      topics.set(t.name, {
        errorCode: t.errorCode,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            errorCode: p.errorCode,
            leaderId: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
          }))
          .sort((a, b) => a.partition - b.partition),
      });
    }
    return {
      answeredBy: bootstrap,
      clusterId: res.clusterId,
      controllerId: res.controllerId,
      brokers: res.brokers
        .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
        .sort((a, b) => a.nodeId - b.nodeId),
      topics,
      apiVersions: versions,
    };
  });
}

/** {@link fetchClusterMetadata}, or undefined when the node does not answer (not ready, down, paused). */
export function tryClusterMetadata(
  bootstrap: string,
  opts: MetadataProbeOptions = {},
): Promise<ClusterView | undefined> {
  return fetchClusterMetadata(bootstrap, opts).catch(() => undefined);
}

/**
 * The node id of the KRaft metadata quorum's leader (the active controller), asked with
 * DescribeQuorum through `bootstrap` (a broker forwards it to the controller). Undefined when
 * the node does not serve DescribeQuorum (ZooKeeper mode, the reference broker) or the quorum
 * has no leader right now.
 *
 * @throws when the node cannot be reached or does not answer within the timeout
 */
export function fetchQuorumLeader(bootstrap: string, timeoutMs = 5_000): Promise<number | undefined> {
  return withClient(bootstrap, timeoutMs, async (client, versions) => {
    if (!versions.has(ApiKey.DescribeQuorum)) return undefined;
    const res = await client.send(
      ApiKey.DescribeQuorum,
      { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] },
      { versions: { max: 2 }, timeoutMs },
    );
    const p = res.topics?.[0]?.partitions?.[0];
    if (res.errorCode !== 0 || !p || p.errorCode !== 0 || p.leaderId < 0) return undefined;
    return p.leaderId as number;
  });
}
