import { randomInt } from 'node:crypto';
import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import { registerKafkajsCodecs } from '../../load/kafkajs-codecs.ts';
import { targetError, usageError } from '../exit-codes.ts';
import { isTrue, loadPropertiesFile, parseProperties } from '../properties.ts';
import { clientProperties, consoleClient, resolveBootstrap, warnUnused } from './console-common.ts';

/** Options of `kconform console-consumer` (Kafka's kafka-console-consumer flags). */
export interface ConsoleConsumerOptions {
  bootstrapServer?: string;
  topic?: string;
  include?: string;
  /** Kafka 2.x's name of --include. */
  whitelist?: string;
  fromBeginning?: boolean;
  group?: string;
  partition?: number;
  offset?: string;
  maxMessages?: number;
  timeoutMs?: number;
  property?: string[];
  'formatter-config'?: string;
  consumerProperty?: string[];
  'consumer.config'?: string;
  isolationLevel?: string;
  formatter?: string;
  verbose?: boolean;
}

/** Kafka's formatter classes kconform has: the default one (2.x–3.x and 4.x names) and the one that prints nothing. */
const FORMATTERS: Record<string, 'default' | 'none'> = {
  'kafka.tools.DefaultMessageFormatter': 'default',
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter': 'default',
  DefaultMessageFormatter: 'default',
  'kafka.tools.NoOpMessageFormatter': 'none',
  'org.apache.kafka.tools.consumer.NoOpMessageFormatter': 'none',
  NoOpMessageFormatter: 'none',
};

/** Consumer properties kconform's client honours (the others get a one-line warning). */
const HONOURED = [
  'group.id',
  'auto.offset.reset',
  'isolation.level',
  'client.id',
  'enable.auto.commit',
  'bootstrap.servers',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'fetch.max.wait.ms',
  'key.deserializer',
  'value.deserializer',
  'allow.auto.create.topics',
];

/**
 * Formats a record as Kafka's DefaultMessageFormatter does with the same properties: print.timestamp,
 * print.partition, print.offset, print.headers, print.key, print.value (default true), in that
 * order, joined by key.separator, ended by line.separator; nulls as null.literal.
 */
export function formatRecord(props: Map<string, string>, partition: number, m: KafkaMessage): string {
  const sep = props.get('key.separator') ?? '\t';
  const nullLiteral = props.get('null.literal') ?? 'null';
  const text = (b: Buffer | string | null | undefined) => (b === null || b === undefined ? nullLiteral : b.toString());
  const parts: string[] = [];
  if (isTrue(props.get('print.timestamp'))) parts.push(`CreateTime:${m.timestamp}`);
  if (isTrue(props.get('print.partition'))) parts.push(`Partition:${partition}`);
  if (isTrue(props.get('print.offset'))) parts.push(`Offset:${m.offset}`);
  if (isTrue(props.get('print.headers'))) {
    const headers = Object.entries(m.headers ?? {}).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${k}:${text(x)}`),
    );
    parts.push(headers.length ? headers.join(props.get('headers.separator') ?? ',') : 'NO_HEADERS');
  }
  if (isTrue(props.get('print.key'))) parts.push(text(m.key));
  if (props.get('print.value') === undefined || isTrue(props.get('print.value'))) parts.push(text(m.value));
  return parts.length ? parts.join(sep) + (props.get('line.separator') ?? '\n') : '';
}

/** Where a --partition consumer starts: Kafka's `--offset earliest|latest|N`. */
type StartAt = 'earliest' | 'latest' | bigint;

function parseOffset(v: string): StartAt {
  const s = v.toLowerCase();
  if (s === 'earliest' || s === 'latest') return s;
  if (/^\d+$/.test(v)) return BigInt(v);
  throw usageError(
    `The provided offset value '${v}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`,
  );
}

/** The checks of Kafka's ConsoleConsumerOptions, with its messages; a conflict is a usage error. */
function settle(opts: ConsoleConsumerOptions, consumerProps: Map<string, string>) {
  const include = opts.include ?? opts.whitelist;
  if ((opts.topic === undefined) === (include === undefined))
    throw usageError('Exactly one of --include/--topic is required.');
  if (opts.partition !== undefined) {
    if (opts.topic === undefined) throw usageError('The topic is required when partition is specified.');
    if (opts.fromBeginning && opts.offset !== undefined)
      throw usageError('Options from-beginning and offset cannot be specified together.');
  } else if (opts.offset !== undefined) {
    throw usageError('The partition is required when offset is specified.');
  }
  const groups = new Set([opts.group, consumerProps.get('group.id')].filter((g): g is string => g !== undefined));
  if (groups.size > 1)
    throw usageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groups].map((g) => `'${g}'`).join(', ')}`,
    );
  if (groups.size && opts.partition !== undefined)
    throw usageError('Options group and partition cannot be specified together.');
  const reset = consumerProps.get('auto.offset.reset');
  if (reset !== undefined && !['earliest', 'latest'].includes(reset))
    throw usageError(
      `Invalid value ${reset} for configuration auto.offset.reset: kconform's console consumer takes earliest or latest`,
    );
  if (reset !== undefined && opts.fromBeginning && reset !== 'earliest')
    throw usageError(
      `Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`,
    );
  // An explicit --isolation-level wins over the property; the flag's default is read_uncommitted.
  const isolation = opts.isolationLevel ?? consumerProps.get('isolation.level') ?? 'read_uncommitted';
  if (isolation !== 'read_committed' && isolation !== 'read_uncommitted')
    throw usageError(
      `Invalid value ${isolation} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`,
    );
  const formatter = FORMATTERS[opts.formatter ?? 'kafka.tools.DefaultMessageFormatter'];
  if (!formatter)
    throw usageError(
      `formatter ${opts.formatter} is not available in kconform (Java classes cannot be loaded); available: ${Object.keys(FORMATTERS).join(', ')}`,
    );
  const startAt: StartAt =
    opts.offset !== undefined ? parseOffset(opts.offset) : opts.fromBeginning ? 'earliest' : 'latest';
  const fromBeginning = (reset ?? (opts.fromBeginning ? 'earliest' : 'latest')) === 'earliest';
  const group = [...groups][0];
  // A generated group is not meant to be used again: Kafka does not commit for it unless told to.
  const autoCommit = consumerProps.has('enable.auto.commit')
    ? isTrue(consumerProps.get('enable.auto.commit'))
    : group !== undefined;
  return {
    include,
    group,
    startAt,
    fromBeginning,
    readUncommitted: isolation === 'read_uncommitted',
    formatter,
    autoCommit,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Errors that mean "the topic is not there (yet)": Kafka's consumer keeps waiting on them. */
function notThereYet(err: unknown): boolean {
  const e = err as { type?: string; retriable?: boolean; message?: string };
  return (
    e.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    e.type === 'LEADER_NOT_AVAILABLE' ||
    /does not host this topic-partition|no leader/i.test(e.message ?? '')
  );
}

/**
 * `kconform console-consumer`: like Kafka's kafka-console-consumer. Subscribes in a consumer group
 * (a fresh one unless --group is given) to --topic or to the topics matching --include, or reads
 * one --partition from --offset without a group of its own; prints each record on its own line
 * and at exit prints "Processed a total of N messages" on stderr, as Kafka's tool does. A topic
 * that does not exist yet is waited for, as Kafka's consumer does (up to --timeout-ms, if given).
 */
export async function consoleConsumerCommand(opts: ConsoleConsumerOptions): Promise<void> {
  const brokers = resolveBootstrap(opts);
  const consumerProps = clientProperties(opts['consumer.config'], opts.consumerProperty);
  const s = settle(opts, consumerProps);
  const formatProps =
    opts['formatter-config'] === undefined ? new Map<string, string>() : loadPropertiesFile(opts['formatter-config']);
  for (const [k, v] of parseProperties(opts.property)) formatProps.set(k, v);
  warnUnused(consumerProps, HONOURED, 'consumer');
  registerKafkajsCodecs();
  const client = consoleClient(brokers, consumerProps.get('client.id') ?? 'console-consumer', Boolean(opts.verbose));
  const groupId = s.group ?? `console-consumer-${randomInt(100_000)}`;
  const consumer: Consumer = client.kafka.consumer({
    groupId,
    allowAutoTopicCreation: consumerProps.get('allow.auto.create.topics')?.toLowerCase() !== 'false',
    readUncommitted: s.readUncommitted,
    ...(consumerProps.has('session.timeout.ms')
      ? { sessionTimeout: Number(consumerProps.get('session.timeout.ms')) }
      : {}),
    ...(consumerProps.has('heartbeat.interval.ms')
      ? { heartbeatInterval: Number(consumerProps.get('heartbeat.interval.ms')) }
      : {}),
    // Kafka's consumer default fetch.max.wait.ms is 500 ms (kafkajs: 5 s, which would also hold up the exit).
    maxWaitTimeInMs: consumerProps.has('fetch.max.wait.ms') ? Number(consumerProps.get('fetch.max.wait.ms')) : 500,
  });
  let admin: Admin | undefined;
  let count = 0;
  let done = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = () => {
      done = true;
      resolve();
    };
  });
  let idleTimer: NodeJS.Timeout | undefined;
  // --timeout-ms: end when no record has come for that long (waiting for the topic included).
  const armIdle = () => {
    if (opts.timeoutMs === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, opts.timeoutMs);
  };
  const onSignal = () => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    armIdle();
    try {
      await consumer.connect();
      admin = client.kafka.admin();
      await admin.connect();
    } catch (err) {
      client.flushLog();
      throw targetError(`cannot consume from ${brokers.join(',')}: ${(err as Error).message}`);
    }
    const subscribed = await subscribeWhenThere(
      consumer,
      admin,
      opts.topic,
      s.include,
      opts.partition,
      s.fromBeginning,
      () => done,
    );
    if (!subscribed) return;
    let ready = opts.partition === undefined;
    let next = -1n;
    if (opts.partition !== undefined) {
      const partition = opts.partition;
      const topic = opts.topic!;
      const start = await resolveStart(admin, topic, partition, s.startAt);
      next = start;
      consumer.on(consumer.events.GROUP_JOIN, () => {
        consumer.seek({ topic, partition, offset: String(start) });
        ready = true;
      });
    }
    await consumer.run({
      autoCommit: s.autoCommit,
      eachMessage: async ({ partition, message }) => {
        if (done || !ready) return;
        if (opts.partition !== undefined) {
          // Only the asked partition, from the asked offset, each record once.
          if (partition !== opts.partition || BigInt(message.offset) < next) return;
          next = BigInt(message.offset) + 1n;
        }
        if (opts.maxMessages !== undefined && count >= opts.maxMessages) return;
        if (s.formatter === 'default') process.stdout.write(formatRecord(formatProps, partition, message));
        count++;
        armIdle();
        if (opts.maxMessages !== undefined && count >= opts.maxMessages) finish();
      },
    });
    await finished;
  } catch (err) {
    client.flushLog();
    throw err;
  } finally {
    clearTimeout(idleTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await admin?.disconnect().catch(() => {});
    await consumer.disconnect().catch(() => {});
    process.stderr.write(`Processed a total of ${count} messages\n`);
  }
}

/**
 * Subscribes once the topic exists (or, for a pattern, once a topic matches it), retrying while
 * the broker says it does not know the topic; false when `stop()` turned true first.
 */
async function subscribeWhenThere(
  consumer: Consumer,
  admin: Admin,
  topic: string | undefined,
  include: string | undefined,
  partition: number | undefined,
  fromBeginning: boolean,
  stop: () => boolean,
): Promise<boolean> {
  let pattern: RegExp | undefined;
  if (include !== undefined) {
    try {
      // Kafka's --include is a Java regex matched against the whole topic name.
      pattern = new RegExp(`^(?:${include})$`);
    } catch (err) {
      throw usageError(`--include ${include} is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    if (stop()) return false;
    try {
      if (pattern) {
        // kafkajs resolves a pattern once, at subscribe: wait until it matches something.
        const topics = (await admin.listTopics()).filter((t) => pattern.test(t));
        if (topics.length > 0) {
          await consumer.subscribe({ topics: [pattern], fromBeginning });
          return true;
        }
      } else {
        if (partition !== undefined) {
          const meta = await admin.fetchTopicMetadata({ topics: [topic!] });
          if (!meta.topics[0]?.partitions.some((p) => p.partitionId === partition))
            throw Object.assign(new Error(`partition ${partition} of ${topic} does not exist`), {
              type: 'UNKNOWN_TOPIC_OR_PARTITION',
            });
        }
        await consumer.subscribe({ topics: [topic!], fromBeginning: partition !== undefined ? true : fromBeginning });
        return true;
      }
    } catch (err) {
      if (!notThereYet(err)) throw targetError(`cannot consume from ${topic ?? include}: ${(err as Error).message}`);
    }
    await sleep(wait);
  }
}

/** The offset a --partition consumer starts at: earliest and latest asked of the broker (ListOffsets). */
async function resolveStart(admin: Admin, topic: string, partition: number, startAt: StartAt): Promise<bigint> {
  if (typeof startAt === 'bigint') return startAt;
  const offsets = await admin.fetchTopicOffsets(topic);
  const p = offsets.find((o) => o.partition === partition);
  if (!p) throw targetError(`partition ${partition} of ${topic} has no offsets`);
  return BigInt(startAt === 'earliest' ? p.low : p.high);
}
