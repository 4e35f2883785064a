/** Creating topics with kafkajs and waiting until a broker names a leader for each partition. */
import type { ITopicConfig, Kafka } from 'kafkajs';

/**
 * Creates `topics` (an existing one is left as it is) and resolves once the cluster's metadata
 * names a leader for every partition of each; rejects after `timeoutMs`.
 *
 * Not kafkajs's `waitForLeaders`: it asks the broker that took the CreateTopics, whose metadata
 * may not hold the topic yet (a KRaft broker learns it from the metadata log a moment after the
 * controller committed it), and gives up at once on that UNKNOWN_TOPIC_OR_PARTITION.
 */
export async function createTopicsWithLeaders(kafka: Kafka, topics: ITopicConfig[], timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics, waitForLeaders: false });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const led = await admin
        .fetchTopicMetadata({ topics: topics.map((t) => t.topic) })
        .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (led) return;
      if (Date.now() > deadline)
        throw new Error(
          `${topics.map((t) => t.topic).join(', ')}: no leader for every partition within ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
