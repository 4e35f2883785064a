import { randomInt } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { kafkajsClient } from '../../drivers/kafkajs-client.ts';
import { targetError } from '../exit-codes.ts';
import { isTrue, parseProperties } from '../properties.ts';

/** Options of `kconform console-consumer`. */
export interface ConsoleConsumerOptions {
  bootstrapServer: string;
  topic: string;
  fromBeginning?: boolean;
  group?: string;
  maxMessages?: number;
  timeoutMs?: number;
  property?: string[];
}

/** Formats a record as Kafka's DefaultMessageFormatter does with the same print.* properties. */
export function formatRecord(props: Map<string, string>, partition: number, m: KafkaMessage): string {
  const sep = props.get('key.separator') ?? '\t';
  const parts: string[] = [];
  if (isTrue(props.get('print.timestamp'))) parts.push(`CreateTime:${m.timestamp}`);
  if (isTrue(props.get('print.partition'))) parts.push(`Partition:${partition}`);
  if (isTrue(props.get('print.offset'))) parts.push(`Offset:${m.offset}`);
  if (isTrue(props.get('print.key'))) parts.push(m.key === null ? 'null' : m.key.toString('utf8'));
  const head = parts.length ? parts.join(sep) + sep : '';
  return head + (m.value === null ? 'null' : m.value.toString('utf8'));
}

/**
 * `kconform console-consumer`: like Kafka's kafka-console-consumer. Joins a consumer group
 * (a fresh one unless --group is given), starts at the earliest offset with --from-beginning
 * when the group has no committed offset, prints each record on its own line, and at exit
 * prints "Processed a total of N messages" on stderr, as Kafka's tool does.
 */
export async function consoleConsumerCommand(opts: ConsoleConsumerOptions): Promise<void> {
  const props = parseProperties(opts.property);
  const groupId = opts.group ?? `console-consumer-${randomInt(100_000)}`;
  const kafka = kafkajsClient(opts.bootstrapServer.split(','), 'console-consumer');
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: true });
  let count = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (opts.timeoutMs === undefined) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(finish, opts.timeoutMs);
  };
  const onSignal = () => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: opts.topic, fromBeginning: Boolean(opts.fromBeginning) });
    } catch (err) {
      throw targetError(`cannot consume from ${opts.bootstrapServer}: ${(err as Error).message}`);
    }
    armIdle();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (opts.maxMessages !== undefined && count >= opts.maxMessages) return;
        process.stdout.write(formatRecord(props, partition, message) + '\n');
        count++;
        armIdle();
        if (opts.maxMessages !== undefined && count >= opts.maxMessages) finish();
      },
    });
    await finished;
  } finally {
    clearTimeout(idleTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await consumer.disconnect().catch(() => {});
    process.stderr.write(`Processed a total of ${count} messages\n`);
  }
}
