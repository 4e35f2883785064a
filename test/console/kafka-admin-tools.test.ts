/**
 * Kafka's own admin tools against the reference broker and against Kafka 4.4.0, side by side:
 * `kafka-topics --create/--alter --partitions/--describe`, `kafka-configs --alter
 * --add-config/--delete-config/--describe` (4.4.0 tools, and 3.9.2's describe) and
 * `kafka-log-dirs --describe` after a console producer wrote to one partition, each run on both
 * targets with the same arguments; the outputs must match line for line (topic ids aside). One
 * Kafka start serves the whole file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LATEST_KAFKA_VERSION,
  resolveKafka,
  runKafkaClass,
  startKafkaNode,
  type StartedKafka,
} from '../../harness/kafka-dist/index.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

const TOPICS = 'org.apache.kafka.tools.TopicCommand';
const CONFIGS_4 = 'org.apache.kafka.tools.ConfigCommand';
const CONFIGS_3 = 'kafka.admin.ConfigCommand';
const PRODUCER = 'org.apache.kafka.tools.ConsoleProducer';
const LOG_DIRS = 'org.apache.kafka.tools.LogDirsCommand';

let kafka: StartedKafka;
let reference: RunningBroker;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([startKafkaNode({ version: LATEST_KAFKA_VERSION }), startTestBroker()]);
}, 240_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.close()]);
});

/** Runs one tool; its exit code and output, topic ids masked and the stack traces of errors cut. */
async function tool(
  version: string,
  mainClass: string,
  bootstrap: string,
  args: string[],
  stdin?: string,
): Promise<string> {
  const dist = await resolveKafka(version);
  const r = await runKafkaClass(dist, mainClass, ['--bootstrap-server', bootstrap, ...args], {
    timeoutMs: 120_000,
    stdin,
  });
  const out = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !l.startsWith('Caused by'))
    .map((l) =>
      l
        .replace(/TopicId: \S+/, 'TopicId: <id>')
        .replace(/^\[[\d-]+ [\d:,]+\]/, '[<time>]')
        // the log directory's path and the node ids are each target's own
        .replace(/"logDir":"[^"]*"/g, '"logDir":"<dir>"')
        .replace(/"broker":\d+/g, '"broker":<id>')
        .replace(/from brokers \d+/, 'from brokers <id>')
        .replaceAll(bootstrap, '<bootstrap>'),
    );
  return [`exit ${r.code}`, ...out].join('\n');
}

/** The admin session a user of the tools would run, with what each step printed. */
async function session(bootstrap: string, topic: string): Promise<Record<string, string>> {
  const v = LATEST_KAFKA_VERSION;
  const out: Record<string, string> = {};
  const entity = ['--entity-type', 'topics', '--entity-name', topic];
  out.create = await tool(v, TOPICS, bootstrap, [
    '--create',
    '--topic',
    topic,
    '--partitions',
    '1',
    '--replication-factor',
    '1',
    '--config',
    'retention.ms=12345',
  ]);
  out.alterPartitions = await tool(v, TOPICS, bootstrap, ['--alter', '--topic', topic, '--partitions', '3']);
  out.shrinkPartitions = await tool(v, TOPICS, bootstrap, ['--alter', '--topic', topic, '--partitions', '2']);
  out.addConfig = await tool(v, CONFIGS_4, bootstrap, [
    '--alter',
    ...entity,
    '--add-config',
    'segment.bytes=2000000,cleanup.policy=[compact,delete]',
  ]);
  out.deleteConfig = await tool(v, CONFIGS_4, bootstrap, ['--alter', ...entity, '--delete-config', 'retention.ms']);
  out.badConfig = await tool(v, CONFIGS_4, bootstrap, ['--alter', ...entity, '--add-config', 'segment.bytes=10']);
  out.describeConfigs = await tool(v, CONFIGS_4, bootstrap, ['--describe', ...entity]);
  out.describeTopic = await tool(v, TOPICS, bootstrap, ['--describe', '--topic', topic]);
  out.describeTopic392 = await tool('3.9.2', TOPICS, bootstrap, ['--describe', '--topic', topic]);
  out.describeConfigs392 = await tool('3.9.2', CONFIGS_3, bootstrap, ['--describe', ...entity]);
  // Keyed, so both targets put the records in the same partition (murmur2 of the key).
  out.produce = await tool(
    v,
    PRODUCER,
    bootstrap,
    ['--topic', topic, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:'],
    'k:first\nk:second\n',
  );
  out.logDirs = await tool(v, LOG_DIRS, bootstrap, ['--describe', '--topic-list', topic]);
  return out;
}

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
