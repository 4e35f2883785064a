/**
 * Kafka's own admin tools (`kafka-topics`, `kafka-configs`, `kafka-log-dirs` after a console producer wrote) as a session a user would run against
 * a broker, step by step, with what each step printed, made comparable between brokers: topic ids,
 * log timestamps and the bootstrap address masked, stack frames cut. The certify command and the
 * admin-tools suite run the same session on the broker under test and on Kafka and compare the
 * outputs step by step.
 */
import { LATEST_KAFKA_VERSION, resolveKafka } from './resolve-kafka.ts';
import { runKafkaClass } from './kafka-tool.ts';

const TOPICS = 'org.apache.kafka.tools.TopicCommand';
const CONFIGS_4 = 'org.apache.kafka.tools.ConfigCommand';
const CONFIGS_3 = 'kafka.admin.ConfigCommand';
const PRODUCER = 'org.apache.kafka.tools.ConsoleProducer';
const LOG_DIRS = 'org.apache.kafka.tools.LogDirsCommand';

/** One step of the session: the tool command as a user types it, and how to run it. */
export interface AdminToolStep {
  /** Stable short name, e.g. `describeTopic`. */
  name: string;
  /** The command line as shown on the card (`kafka-topics --describe`, 3.9.2 where it is that release's tool). */
  command: string;
  version: string;
  mainClass: string;
  args: (topic: string) => string[];
  /** What the tool reads on stdin (the console producer's records). */
  stdin?: string;
}

/** The session, in the order it runs (each step sees what the earlier ones did). */
export const ADMIN_TOOL_STEPS: readonly AdminToolStep[] = (() => {
  const v = LATEST_KAFKA_VERSION;
  const entity = (t: string) => ['--entity-type', 'topics', '--entity-name', t];
  return [
    {
      name: 'create',
      command: 'kafka-topics --create --config',
      version: v,
      mainClass: TOPICS,
      args: (t) => [
        '--create',
        '--topic',
        t,
        '--partitions',
        '1',
        '--replication-factor',
        '1',
        '--config',
        'retention.ms=12345',
      ],
    },
    {
      name: 'alterPartitions',
      command: 'kafka-topics --alter --partitions (grow)',
      version: v,
      mainClass: TOPICS,
      args: (t) => ['--alter', '--topic', t, '--partitions', '3'],
    },
    {
      name: 'shrinkPartitions',
      command: 'kafka-topics --alter --partitions (shrink, refused)',
      version: v,
      mainClass: TOPICS,
      args: (t) => ['--alter', '--topic', t, '--partitions', '2'],
    },
    {
      name: 'addConfig',
      command: 'kafka-configs --alter --add-config',
      version: v,
      mainClass: CONFIGS_4,
      args: (t) => ['--alter', ...entity(t), '--add-config', 'segment.bytes=2000000,cleanup.policy=[compact,delete]'],
    },
    {
      name: 'deleteConfig',
      command: 'kafka-configs --alter --delete-config',
      version: v,
      mainClass: CONFIGS_4,
      args: (t) => ['--alter', ...entity(t), '--delete-config', 'retention.ms'],
    },
    {
      name: 'badConfig',
      command: 'kafka-configs --alter (invalid value, refused)',
      version: v,
      mainClass: CONFIGS_4,
      args: (t) => ['--alter', ...entity(t), '--add-config', 'segment.bytes=10'],
    },
    {
      name: 'describeConfigs',
      command: 'kafka-configs --describe',
      version: v,
      mainClass: CONFIGS_4,
      args: (t) => ['--describe', ...entity(t)],
    },
    {
      name: 'describeTopic',
      command: 'kafka-topics --describe',
      version: v,
      mainClass: TOPICS,
      args: (t) => ['--describe', '--topic', t],
    },
    {
      name: 'describeTopic392',
      command: 'kafka-topics --describe (3.9.2)',
      version: '3.9.2',
      mainClass: TOPICS,
      args: (t) => ['--describe', '--topic', t],
    },
    {
      name: 'describeConfigs392',
      command: 'kafka-configs --describe (3.9.2)',
      version: '3.9.2',
      mainClass: CONFIGS_3,
      args: (t) => ['--describe', ...entity(t)],
    },
    // Keyed, so both targets put the record in the same partition (murmur2 of the key); one record,
    // because a second one's timestamp delta is a varint whose size depends on the time between them.
    {
      name: 'produce',
      command: 'kafka-console-producer (one keyed record)',
      version: v,
      mainClass: PRODUCER,
      args: (t) => ['--topic', t, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:'],
      stdin: 'k:first\n',
    },
    {
      name: 'logDirs',
      command: 'kafka-log-dirs --describe',
      version: v,
      mainClass: LOG_DIRS,
      args: (t) => ['--describe', '--topic-list', t],
    },
  ];
})();

/** Runs one tool against `bootstrap`: its exit code and output, made comparable (see the module doc). */
export async function runAdminTool(step: AdminToolStep, bootstrap: string, topic: string): Promise<string> {
  const dist = await resolveKafka(step.version);
  const r = await runKafkaClass(dist, step.mainClass, ['--bootstrap-server', bootstrap, ...step.args(topic)], {
    timeoutMs: 120_000,
    stdin: step.stdin,
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

/** Runs `steps` in order against `bootstrap` on `topic`: each step's output by name. */
export async function adminToolSession(
  bootstrap: string,
  topic: string,
  steps: readonly AdminToolStep[] = ADMIN_TOOL_STEPS,
  onStep: (step: AdminToolStep) => void = () => {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of steps) {
    onStep(s);
    out[s.name] = await runAdminTool(s, bootstrap, topic);
  }
  return out;
}
