/**
 * Kafka's own admin tools against the reference broker and against Kafka 4.4.0, side by side:
 * `kafka-topics --create/--alter --partitions/--describe`, `kafka-configs --alter
 * --add-config/--delete-config/--describe` (4.4.0 tools, and 3.9.2's describe) and
 * `kafka-log-dirs --describe` after a console producer wrote to one partition, each run on both
 * targets with the same arguments; the outputs must match line for line (topic ids aside). One
 * Kafka start serves the whole file. The session (harness/kafka-dist/admin-tools.ts) is the one
 * `kconform certify` runs for its admin rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import { adminToolSession as session } from '../../harness/kafka-dist/admin-tools.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker()]);
}, 240_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

describe("Kafka's admin tools: the reference broker answers as Kafka 4.4.0", () => {
  it('kafka-topics --alter --partitions / --describe, kafka-configs --alter / --describe and kafka-log-dirs --describe print the same', async () => {
    const topic = uniqueTopic('admin-tools');
    const [onKafka, onReference] = await Promise.all([
      session(kafka.bootstrap, topic),
      session(reference.bootstrap, topic),
    ]);
    // what Kafka printed, so a broken Kafka start cannot make both sides agree on nothing
    expect(onKafka.describeTopic).toContain('PartitionCount: 3');
    expect(onKafka.describeTopic).toContain(
      'Configs: min.insync.replicas=1,cleanup.policy=compact,delete,segment.bytes=2000000',
    );
    expect(onKafka.describeConfigs).toContain('segment.bytes=2000000 sensitive=false');
    expect(onKafka.badConfig).toContain('Value must be at least 1048576');
    expect(onKafka.shrinkPartitions).toContain('would not be an increase');
    expect(onKafka.produce).toBe('exit 0');
    expect(onKafka.logDirs).toMatch(/"size":[1-9]\d*,/);
    for (const step of Object.keys(onKafka)) expect(onReference[step], step).toBe(onKafka[step]);
  }, 600_000);
});
