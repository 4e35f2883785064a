/**
 * Kafka's own Java clients (kafka-clients of the cached Kafka distribution), through the tools
 * that ship with it, since a Java program of our own would need a build step:
 * - `VerifiableProducer` produces (acks, idempotence, compression from a --command-config file)
 *   and prints one JSON event per acknowledged record;
 * - `VerifiableConsumer` consumes in a group, commits, and prints assignments and records;
 * - `ConsoleProducer` sends records with headers (`parse.headers`), which VerifiableProducer cannot;
 * - `ConsoleConsumer --partition P --offset O` seeks, and prints headers, which VerifiableConsumer cannot;
 * - `app/clients/java/Transact.java` (run from source by the JDK's launcher, no build step) commits
 *   and aborts transactions: 4.4.0's VerifiableProducer has no transactional option, and
 *   TransactionalMessageCopier (what Kafka's system tests use) copies a topic and aborts at random only.
 * The verifiable tools' JSON goes through verifiable-history.ts into history ops.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  consoleConsumerClass,
  consoleProducerClass,
  runKafkaClass,
  spawnKafkaClass,
} from '../../../harness/kafka-dist/kafka-tool.ts';
import { LATEST_KAFKA_VERSION, resolveKafka, type KafkaDist } from '../../../harness/kafka-dist/resolve-kafka.ts';
import {
  ClientUnavailable,
  type ClientDriver,
  type ConsumeResult,
  type ConsumeSpec,
  type ConsumedRecord,
  type GroupMember,
  type MemberSpec,
  type ProduceSpec,
  type SendOutcome,
  type TransactionOutcome,
  type TransactSpec,
} from '../client-driver.ts';
import { transactionOutcomes, type TxnLine } from '../transaction-lines.ts';
import {
  ownedPartitions,
  parseVerifiableOutput,
  polledRecords,
  verifiableEventsToOps,
  type VerifiableEvent,
} from '../verifiable-history.ts';

const VERIFIABLE_PRODUCER = 'org.apache.kafka.tools.VerifiableProducer';
const VERIFIABLE_CONSUMER = 'org.apache.kafka.tools.VerifiableConsumer';
/** JVM flags for these short tools (the default TOOL_JVM_ARGS with a smaller heap: many run in turn). */
const JVM = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];

let dist: KafkaDist | undefined;

function kafkaDist(): KafkaDist {
  if (!dist) throw new Error('the Java driver was not prepared');
  return dist;
}

/** Runs `use` with a temporary properties file holding `props`. */
async function withProps<T>(props: Record<string, string>, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kconform-java-client-'));
  try {
    const file = join(dir, 'client.properties');
    await writeFile(
      file,
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function producerProps(spec: ProduceSpec): Record<string, string> {
  return {
    acks: spec.acks === -1 ? 'all' : String(spec.acks),
    'enable.idempotence': String(spec.idempotent),
    'compression.type': spec.compression,
    // VerifiableProducer sets retries=0, which the idempotent producer refuses.
    retries: spec.idempotent ? '2147483647' : '0',
    // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
    'request.timeout.ms': String(Math.min(spec.timeoutMs, 30_000)),
    'delivery.timeout.ms': String(Math.min(spec.timeoutMs, 30_000) + 1_000),
    'linger.ms': '5',
  };
}

/** The last lines of a tool's stderr without stack frames: what a table cell can say. */
function why(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() && !/^\s+at /.test(l) && !/deprecated/i.test(l));
  return lines.slice(-3).join(' | ').slice(0, 400);
}

async function produceVerifiable(spec: ProduceSpec): Promise<SendOutcome[]> {
  return withProps(producerProps(spec), async (file) => {
    const args = [
      '--bootstrap-server',
      spec.bootstrap,
      '--topic',
      spec.topic,
      '--max-messages',
      String(spec.records.length),
      '--acks',
      String(spec.acks),
      '--value-prefix',
      String(spec.valuePrefix),
      '--repeating-keys',
      String(spec.records.length),
      '--command-config',
      file,
    ];
    const r = await runKafkaClass(kafkaDist(), VERIFIABLE_PRODUCER, args, {
      timeoutMs: spec.timeoutMs + 30_000,
      jvmArgs: JVM,
    });
    const { events } = parseVerifiableOutput(r.stdout);
    const ops = verifiableEventsToOps(events, { process: 'java' });
    const outcomes: SendOutcome[] = [];
    for (const o of ops) {
      if (o.f !== 'send' || o.type === 'invoke') continue;
      const v = o.value as { partition?: number; offset?: number; key: string; value: string };
      outcomes.push(
        o.type === 'ok'
          ? { key: v.key, value: v.value, partition: v.partition, offset: v.offset }
          : { key: v.key, value: v.value, error: o.error },
      );
    }
    if (r.code !== 0 && outcomes.length === 0) throw new Error(`VerifiableProducer exited ${r.code}: ${why(r.stderr)}`);
    return outcomes;
  });
}

/** ConsoleProducer for records with headers: `headers<TAB>key<TAB>value` per line. It reports no offsets; exit 0 means every record was sent. */
async function produceConsole(spec: ProduceSpec): Promise<SendOutcome[]> {
  const lines = spec.records
    .map((r) => `${(r.headers ?? []).map(([k, v]) => `${k}:${v}`).join(',')}\t${r.key}\t${r.value}\n`)
    .join('');
  return withProps(producerProps(spec), async (file) => {
    const args = [
      '--bootstrap-server',
      spec.bootstrap,
      '--topic',
      spec.topic,
      '--command-config',
      file,
      '--reader-property',
      'parse.headers=true',
      '--reader-property',
      'parse.key=true',
    ];
    const r = await runKafkaClass(kafkaDist(), consoleProducerClass(kafkaDist().version), args, {
      stdin: lines,
      timeoutMs: spec.timeoutMs + 30_000,
      jvmArgs: JVM,
    });
    if (r.code !== 0) throw new Error(`ConsoleProducer exited ${r.code}: ${why(r.stderr)}`);
    return spec.records.map((rec) => ({ key: rec.key, value: rec.value, partition: 0, offset: -1 }));
  });
}

/** `Partition:P<TAB>Offset:O<TAB>headers<TAB>key<TAB>value`, as ConsoleConsumer prints with the formatter properties below. */
export function parseConsoleLine(line: string): ConsumedRecord | undefined {
  const m = /^Partition:(\d+)\tOffset:(\d+)\t([^\t]*)\t([^\t]*)\t(.*)$/.exec(line);
  if (!m) return undefined;
  const headers: [string, string | null][] =
    m[3] === 'NO_HEADERS'
      ? []
      : m[3]!.split(',').map((h) => {
          const at = h.indexOf(':');
          return at < 0 ? [h, null] : [h.slice(0, at), h.slice(at + 1)];
        });
  const text = (s: string) => (s === 'null' ? null : s);
  return { partition: Number(m[1]), offset: Number(m[2]), headers, key: text(m[4]!), value: text(m[5]!) };
}

async function consumeConsole(
  spec: ConsumeSpec & { seek: { partition: number; offset: number } },
): Promise<ConsumeResult> {
  const fmt = ['print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true'].flatMap((p) => [
    '--formatter-property',
    p,
  ]);
  const args = [
    '--bootstrap-server',
    spec.bootstrap,
    '--topic',
    spec.topic,
    '--partition',
    String(spec.seek.partition),
    '--offset',
    String(spec.seek.offset),
    '--max-messages',
    String(spec.count),
    '--timeout-ms',
    String(spec.timeoutMs),
    ...fmt,
  ];
  const r = await runKafkaClass(kafkaDist(), consoleConsumerClass(kafkaDist().version), args, {
    timeoutMs: spec.timeoutMs + 30_000,
    jvmArgs: JVM,
  });
  const records = r.stdout
    .split('\n')
    .map(parseConsoleLine)
    .filter((x): x is ConsumedRecord => x !== undefined);
  if (records.length < spec.count)
    throw new Error(
      `ConsoleConsumer printed ${records.length}/${spec.count} records (exit ${r.code}): ${why(r.stderr)}`,
    );
  return { records, notes: ['ConsoleConsumer --partition --offset'] };
}

async function consumeVerifiable(spec: ConsumeSpec & { group: string }): Promise<ConsumeResult> {
  const args = [
    '--bootstrap-server',
    spec.bootstrap,
    '--topic',
    spec.topic,
    '--group-id',
    spec.group,
    '--max-messages',
    String(spec.count),
    '--verbose',
    '--reset-policy',
    'earliest',
    '--session-timeout',
    '10000',
  ];
  const r = await runKafkaClass(kafkaDist(), VERIFIABLE_CONSUMER, args, {
    timeoutMs: spec.timeoutMs + 30_000,
    jvmArgs: JVM,
  }).catch((err: Error & { stdout?: string }) => {
    // A consumer that never got its records is killed at the timeout: what it printed still tells why.
    if (err.stdout === undefined) throw err;
    return {
      code: null,
      signal: null,
      stdout: err.stdout,
      stderr: (err as Error & { stderr?: string }).stderr ?? err.message,
    };
  });
  const { events } = parseVerifiableOutput(r.stdout);
  const ops = verifiableEventsToOps(events, { process: 'java' });
  const records: ConsumedRecord[] = polledRecords(ops).map((x) => ({
    partition: x.partition,
    offset: x.offset,
    key: x.key,
    value: x.value,
    headers: [],
  }));
  if (records.length < spec.count)
    throw new Error(
      `VerifiableConsumer handed over ${records.length}/${spec.count} records (exit ${r.code}): ${why(r.stderr)}`,
    );
  const failed = ops.find((o) => o.f === 'commit' && o.type === 'fail');
  if (spec.commit && failed) throw new Error(`VerifiableConsumer's commit failed: ${failed.error}`);
  return { records: records.slice(0, spec.count), notes: ['VerifiableConsumer (commits what it handed over)'] };
}

async function joinGroup(spec: MemberSpec): Promise<GroupMember> {
  const args = [
    '--bootstrap-server',
    spec.bootstrap,
    '--topic',
    spec.topic,
    '--group-id',
    spec.group,
    '--reset-policy',
    'earliest',
    '--session-timeout',
    '10000',
  ];
  const group = spawnKafkaClass(kafkaDist(), VERIFIABLE_CONSUMER, args, { jvmArgs: JVM });
  const events: VerifiableEvent[] = [];
  let buffered = '';
  group.child.stdout?.on('data', (b: Buffer) => {
    buffered += b.toString('utf8');
    const cut = buffered.lastIndexOf('\n');
    if (cut < 0) return;
    events.push(...parseVerifiableOutput(buffered.slice(0, cut)).events);
    buffered = buffered.slice(cut + 1);
  });
  group.child.stderr?.resume();
  group.child.stdin?.end();
  return {
    assignment: () => ownedPartitions(events, spec.topic),
    // SIGTERM runs the tool's shutdown hook, which closes the consumer and so leaves the group.
    close: async () => {
      await group.stop(15_000);
    },
  };
}

const TRANSACT = fileURLToPath(new URL('../java/Transact.java', import.meta.url));

/** Transact.java: one KafkaProducer with the transactional.id runs the transactions, printing JSON lines. */
async function transact(spec: TransactSpec): Promise<TransactionOutcome[]> {
  const txns = spec.transactions.map((t) =>
    [t.outcome, ...t.records.map((r) => `${r.partition}:${r.key}:${r.value}`)].join('|'),
  );
  const r = await runKafkaClass(
    kafkaDist(),
    TRANSACT,
    [spec.bootstrap, spec.topic, spec.transactionalId, String(spec.timeoutMs), ...txns],
    { timeoutMs: spec.timeoutMs + 30_000, jvmArgs: JVM },
  );
  const lines: (TxnLine & { error?: string; done?: boolean })[] = [];
  for (const l of r.stdout.split('\n')) {
    try {
      if (l.startsWith('{')) lines.push(JSON.parse(l));
    } catch {
      // not one of the program's lines
    }
  }
  const error =
    lines.find((l) => l.error)?.error ??
    (r.code === 0 && lines.some((l) => l.done) ? undefined : `Transact.java exited ${r.code}: ${why(r.stderr)}`);
  return transactionOutcomes(lines, spec.transactions.length, error);
}

/** `kafka-topics.sh --list` (TopicCommand: the Admin client's listTopics()). */
async function listTopics(bootstrap: string, timeoutMs: number): Promise<string[]> {
  const r = await runKafkaClass(
    kafkaDist(),
    'org.apache.kafka.tools.TopicCommand',
    ['--bootstrap-server', bootstrap, '--list'],
    { timeoutMs: timeoutMs + 30_000, jvmArgs: JVM },
  );
  if (r.code !== 0) throw new Error(`kafka-topics --list exited ${r.code}: ${why(r.stderr)}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The Java driver (Kafka 4.4.0's kafka-clients and kafka-tools). */
export const javaDriver: ClientDriver = {
  id: 'java',
  label: `kafka-clients ${LATEST_KAFKA_VERSION} (Java tools)`,
  prepare: async () => {
    try {
      dist ??= await resolveKafka(LATEST_KAFKA_VERSION);
    } catch (err) {
      throw new ClientUnavailable(
        `Kafka ${LATEST_KAFKA_VERSION} jars could not be resolved: ${(err as Error).message}`,
      );
    }
  },
  produce: (spec) => (spec.records.some((r) => r.headers?.length) ? produceConsole(spec) : produceVerifiable(spec)),
  consume: (spec) => {
    if (spec.seek) return consumeConsole({ ...spec, seek: spec.seek });
    if (spec.group) return consumeVerifiable({ ...spec, group: spec.group });
    return consumeConsole({ ...spec, seek: { partition: 0, offset: 0 } });
  },
  joinGroup,
  listTopics,
  transact,
  // VerifiableConsumer subscribes to one topic by name and ConsoleConsumer --include does not print the topic.
  notRun: {
    'regex-subscribe': 'not implemented in the Java driver: its tools cannot show which topic a record came from',
  },
  notes: {
    'list-topics': 'kafka-topics --list (Admin.listTopics)',
    'acks=0': 'VerifiableProducer',
    'acks=1': 'VerifiableProducer',
    'acks=all': 'VerifiableProducer',
    idempotent: 'VerifiableProducer, enable.idempotence=true',
    headers: 'ConsoleProducer parse.headers / ConsoleConsumer print.headers',
    group: 'VerifiableConsumer',
    rebalance: 'VerifiableConsumer events',
    'commit-resume': 'VerifiableConsumer',
    seek: 'ConsoleConsumer --partition --offset',
    transactions:
      'Transact.java (KafkaProducer initTransactions/commitTransaction/abortTransaction, run from source): Kafka 4.4.0 tools have no transactional producer that commits and aborts on demand',
  },
};
