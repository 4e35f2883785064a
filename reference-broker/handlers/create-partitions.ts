/**
 * CreatePartitions (key 37), versions 0-3 (KIP-195): grows a topic's partition count, the new
 * partitions placed by the active controller like CreateTopics places them (or as the request's
 * assignments say) and replicated in a cluster like any partition; validate_only checks without
 * creating. A name given twice is answered once, INVALID_REQUEST (ControllerApis); the rest is
 * the controller's (ReplicationControlManager.createPartitions), in Kafka 4.4's order.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-195%3A+AdminClient.createPartitions
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { MAX_PARTITIONS_PER_REQUEST } from '../cluster/controller.ts';
import { duplicateNames } from './create-topics.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type Result = CreatePartitionsResponse['results'][number];

/** How long a node waits for partitions the controller added to reach its own metadata. */
const CLUSTER_PROPAGATION_WAIT_MS = 5_000;

async function awaitPartitionCount(broker: Broker, name: string, count: number): Promise<void> {
  const deadline = Date.now() + CLUSTER_PROPAGATION_WAIT_MS;
  while ((broker.topics.get(name)?.partitions.length ?? 0) < count && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
}

async function createOne(
  broker: Broker,
  t: CreatePartitionsRequest['topics'][number],
  validateOnly: boolean,
): Promise<Result> {
  const a = await broker.controlPlane.createPartitions({
    name: t.name,
    count: t.count,
    assignments: t.assignments?.map((x) => [...x.brokerIds]) ?? null,
    validateOnly,
  });
  if (a.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    return { name: t.name, errorCode: a.errorCode, errorMessage: null }; // Kafka's exception carries no message
  if (a.errorCode === ErrorCode.NONE && !validateOnly) await awaitPartitionCount(broker, t.name, t.count);
  return { name: t.name, errorCode: a.errorCode, errorMessage: a.errorCode === ErrorCode.NONE ? null : a.errorMessage };
}

export const createPartitionsHandler: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  ...specVersions(ApiKey.CreatePartitions),
  async handle(req, { broker }) {
    const duplicates = duplicateNames(req.topics);
    const results: Result[] = [...duplicates].map((name) => ({
      name,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Duplicate topic name.',
    }));
    const topics = req.topics.filter((x) => !duplicates.has(x.name));
    // Kafka 4.4.0 refuses every topic of a request that adds too many partitions in all, before
    // any other check of them (found by conform; the check is not in the 4.0 sources we read)
    const additional = topics.reduce(
      (sum, t) => sum + Math.max(0, t.count - (broker.topics.get(t.name)?.partitions.length ?? t.count)),
      0,
    );
    if (additional > MAX_PARTITIONS_PER_REQUEST) {
      for (const t of topics)
        results.push({
          name: t.name,
          errorCode: ErrorCode.POLICY_VIOLATION,
          errorMessage: 'Excessively large number of additional partitions per request.',
        });
      return { throttleTimeMs: 0, results };
    }
    // one at a time: the controller serializes them anyway, and each sees the one before
    for (const t of topics) results.push(await createOne(broker, t, req.validateOnly));
    return { throttleTimeMs: 0, results };
  },
};
